from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from config.settings import LANGUAGES
from inquiries import api_tokens, inquiry_payload
from inquiries.api import bp
from inquiries.api.openapi import openapi_document
from inquiries.extensions import csrf, limiter
from inquiries.forms import submit_limit
from inquiries.links import status_url
from inquiries.models import ApiToken
from inquiries.models.types import utcnow
from inquiries.submission import submit_inquiry


def _error(status: int, errors: dict[str, list[str]]) -> tuple[Any, int]:
    return jsonify({"errors": errors}), status


def _response_language(payload: Any) -> str:
    declared = payload.get("language") if isinstance(payload, dict) else None
    return declared if declared in LANGUAGES else str(get_locale())


@bp.get("/openapi.json")
def openapi() -> Any:
    """The API's description, generated from the same field lists the handler checks."""
    return jsonify(
        openapi_document(
            inquiry_payload.TEXT_FIELDS,
            inquiry_payload.FLAG_FIELDS,
            current_app.config["MAX_MESSAGE_CHARS"],
        )
    )


def _token_or_none() -> ApiToken | None:
    try:
        return api_tokens.caller()
    except api_tokens.InvalidToken:
        return None  # the handler answers 401; the limit counts the client's address


def _client_key() -> str:
    """Integrations with a token have a budget of their own; everyone else, per address."""
    token = _token_or_none()
    return f"token:{token.id}" if token else get_remote_address()


def _limit() -> str:
    return current_app.config["API_TOKEN_RATE_LIMIT"] if _token_or_none() else submit_limit()


@csrf.exempt
@bp.post("/inquiries")
@limiter.shared_limit(_limit, scope="submit", key_func=_client_key)
def create_inquiry() -> tuple[Any, int]:
    payload = request.get_json(silent=True) if request.is_json else None
    with force_locale(_response_language(payload)):
        try:
            token = api_tokens.caller()
        except api_tokens.InvalidToken:
            answer, status = _error(
                401, {"authorization": [_("This API token is not valid, or it was revoked.")]}
            )
            answer.headers["WWW-Authenticate"] = "Bearer"
            return answer, status
        if not request.is_json:
            return _error(
                415, {"body": [_("Send the inquiry as JSON (Content-Type: application/json).")]}
            )
        if not isinstance(payload, dict):
            return _error(400, {"body": [_("The body must be one JSON object.")]})
        fields, errors = inquiry_payload.check(payload)
        if fields is None:
            return _error(422, errors)
        if token is not None:
            token.last_used_at = utcnow()
        inquiry = submit_inquiry(
            fields,
            channel="api",
            interface_language=str(get_locale()),
            integration=token.name if token else None,
        )
    return jsonify(
        {
            "reference": inquiry.reference,
            "status": inquiry.status,
            "status_url": status_url(inquiry.status_token),
        }
    ), 202
