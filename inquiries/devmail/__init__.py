"""The local mail sink's messages, readable in the browser (development installs only)."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")


def _folder() -> Path:
    return Path(current_app.config["MAIL_SINK_DIR"])


@bp.get("/")
def index() -> str:
    messages = []
    for path in sorted(_folder().glob("*.eml"), reverse=True)[:200]:
        with path.open("rb") as handle:
            headers = BytesParser(policy=policy.default).parse(handle, headersonly=True)
        messages.append(
            {
                "file": path.name,
                "to": headers["To"],
                "subject": headers["Subject"],
                "kind": headers["X-Triage-Kind"],
                "date": headers["Date"],
            }
        )
    return render_template("devmail/index.html", messages=messages)


@bp.get("/<name>")
def show(name: str) -> str:
    path = _folder() / name
    if "/" in name or not name.endswith(".eml") or not path.is_file():
        abort(404)
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    body = message.get_body(preferencelist=("plain",))
    return render_template(
        "devmail/show.html", message=message, name=name, body=body.get_content() if body else ""
    )
