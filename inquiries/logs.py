"""Logs for operators: one JSON object per line in production (LOG_FORMAT=json), plain text on a
developer's terminal. Configured by the processes' entry points (gunicorn, Celery), never by
tests, which keep pytest's own capture."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

from pythonjsonlogger.json import JsonFormatter

FIELDS = "{asctime}{levelname}{name}{process}{message}"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return JsonFormatter(FIELDS, style="{", rename_fields=RENAMED, timestamp=False)
    return logging.Formatter(TEXT)


def configure(config: Mapping[str, Any]) -> None:
    """Send every log record to standard error, in the configured format and level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(config["LOG_FORMAT"]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config["LOG_LEVEL"])
