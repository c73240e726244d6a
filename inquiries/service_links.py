"""Signed one-click links for services: accept an inquiry, or send it back.

A link names one delivery and one action, signed with the application's secret: it cannot be
forged, cannot be moved to another inquiry, expires, and acts once (the delivery records the
response). Opening it (GET) only shows a confirmation page, so mail scanners change nothing.
"""

from __future__ import annotations

from enum import StrEnum

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from inquiries.models import Delivery

SALT = "service-response-v1"


class Action(StrEnum):
    ACCEPT = "accept"
    SEND_BACK = "send-back"


class LinkError(Exception):
    """The link is invalid or expired; `reason` says which, for the page shown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(delivery: Delivery, action: Action) -> str:
    return _serializer().dumps([delivery.id, delivery.message_id, str(action)])


def action_url(delivery: Delivery, action: Action) -> str:
    return url_for("services.respond", token=make_token(delivery, action), _external=True)


def read_token(token: str) -> tuple[int, str, Action]:
    """(delivery id, message id, action) from a token, or LinkError."""
    max_age = current_app.config["SERVICE_LINK_DAYS"] * 86400
    try:
        delivery_id, message_id, action = _serializer().loads(token, max_age=max_age)
        return int(delivery_id), str(message_id), Action(action)
    except SignatureExpired as exc:
        raise LinkError("expired") from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise LinkError("invalid") from exc
