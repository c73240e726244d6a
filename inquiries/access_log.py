"""gunicorn's access log without secrets or personal data.

Status and service links carry their secret in the path, a staff search can carry a name or an
email address in the query string, and the client's address is personal data; the log keeps the
shape of each request and drops all three.
Used with `gunicorn --logger-class inquiries.access_log.RedactingLogger`.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

from config.settings import from_environment
from inquiries import logs

_SECRET_IN_PATH = re.compile(r"/(status|received|service)/[^/?\s]+")
_QUERY = re.compile(r"\?[^\s\"]*")


def redact(text: str) -> str:
    return _QUERY.sub("?…", _SECRET_IN_PATH.sub(r"/\1/…", text))


class RedactingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        """gunicorn's own error and access lines in LOG_FORMAT too."""
        super().setup(cfg)
        if from_environment()["LOG_FORMAT"] == "json":
            for logger in (self.error_log, self.access_log):
                for handler in logger.handlers:
                    handler.setFormatter(logs.formatter("json"))

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        atoms["q"] = "…" if atoms.get("q") else ""
        atoms["h"] = "-"  # a client's address is personal data; rate limits keep it in memory only
        return atoms
