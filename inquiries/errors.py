"""Error pages and JSON errors in the visitor's language; never a stack trace."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from inquiries.extensions import db

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or the link is no longer valid."),
        405: _("This address does not accept that kind of request."),
        413: _("What you sent is too large."),
        415: _("This kind of content is not accepted here."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Your data is safe; please try again later."),
        503: _(
            "We cannot store anything for a moment. Nothing was saved: please send it again "
            "in a minute."
        ),
    }


def handle_http_error(error: HTTPException) -> tuple[object, int, dict[str, str]]:
    code = error.code or 500
    message = _messages().get(code, error.name)
    headers = _retry_after(error)
    if _wants_json():
        return jsonify({"errors": {"request": [message]}}), code, headers
    return render_template("error.html", code=code, message=message), code, headers


def _retry_after(error: HTTPException) -> dict[str, str]:
    """When a refused client may try again: at the latest when the exceeded limit's window ends.
    Known without asking the counter store, unlike Flask-Limiter's own headers, whose extra
    Redis round trip on every answer cost a quarter of intake's CPU (docs/benchmarks.md)."""
    if isinstance(error, RateLimitExceeded):
        return {"Retry-After": str(error.limit.limit.get_expiry())}
    return {}


def handle_database_down(error: OperationalError) -> tuple[object, int, dict[str, str]]:
    """The database is unreachable (a restart, a failover): say so, and when to try again."""
    with contextlib.suppress(Exception):  # the connection may be gone for the rollback too
        db.session.rollback()
    log.warning("database unavailable: %s", type(error.orig).__name__)
    answer, code = handle_http_error(ServiceUnavailable())[:2]
    return answer, code, {"Retry-After": "30"}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_down)
