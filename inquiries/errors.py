"""Error pages and JSON errors in the visitor's language; never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


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
    }


def handle_http_error(error: HTTPException) -> tuple[object, int]:
    code = error.code or 500
    message = _messages().get(code, error.name)
    if _wants_json():
        return jsonify({"errors": {"request": [message]}}), code
    return render_template("error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
