"""API tokens: issued and revoked by admins (audited), checked on every API call that sends one.

A token is shown once, when it is made; the database keeps its SHA-256 (a token is 256 random
bits, so a plain hash is enough: there is nothing to guess).
"""

from __future__ import annotations

import hashlib
import secrets

from flask import g, request
from sqlalchemy import select

from inquiries.extensions import db
from inquiries.models import AdminEvent, ApiToken, StaffUser
from inquiries.models.types import utcnow

PREFIX = "aicp_"


class InvalidToken(Exception):
    """An Authorization header was sent, and it is not a live token."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(name: str, by: StaffUser) -> tuple[ApiToken, str]:
    """A new token for an integration; returns the row and the token, which is never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name.strip(), token_hash=_hash(token), prefix=token[:10], created_by=by.actor
    )
    db.session.add(row)
    db.session.flush()
    db.session.add(
        AdminEvent(actor=by.actor, action="api_token_issued", detail={"id": row.id, "name": name})
    )
    db.session.commit()
    return row, token


def revoke(token_id: int, by: StaffUser) -> bool:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    db.session.add(
        AdminEvent(
            actor=by.actor, action="api_token_revoked", detail={"id": row.id, "name": row.name}
        )
    )
    db.session.commit()
    return True


def caller() -> ApiToken | None:
    """The token of the current request (None without an Authorization header), looked up once.

    Raises InvalidToken for a header that names no live token: a wrong token is an error the
    integrator must see, never a silent fall back to the anonymous limits.
    """
    if "api_token" not in g:
        header = request.headers.get("Authorization", "")
        if not header:
            g.api_token = None
        else:
            scheme, _, token = header.partition(" ")
            row = (
                db.session.scalar(
                    select(ApiToken).where(ApiToken.token_hash == _hash(token.strip()))
                )
                if scheme.lower() == "bearer"
                else None
            )
            g.api_token = row if row is not None and row.revoked_at is None else False
    if g.api_token is False:
        raise InvalidToken
    return g.api_token


def everyone() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
