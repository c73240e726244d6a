"""Staff accounts: creating them, signing in with a lockout after repeated failures, passwords.

Passwords are hashed with argon2 (argon2-cffi's defaults, rehashed when those change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inquiries.extensions import db
from inquiries.models import Role, StaffUser
from inquiries.models.types import utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A request about an account that cannot be honoured; the message says why."""


@dataclass(frozen=True)
class SignIn:
    user: StaffUser | None
    locked_until: datetime | None = None


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(_l("This is not a valid email address.")) from exc


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("A password needs at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            _l("A password has at most %(count)s characters.", count=MAX_PASSWORD_LENGTH)
        )


def find_user(email: str) -> StaffUser | None:
    return db.session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    )


def create_user(email: str, password: str, role: str, name: str = "") -> StaffUser:
    """A new staff account; the caller commits."""
    if role not in set(Role):
        raise AccountError(_l("The role must be admin or triager."))
    address = normalise_email(email)
    check_password_rules(password)
    if find_user(address) is not None:
        raise AccountError(_l("There is already an account for this address."))
    user = StaffUser(
        email=address, name=name.strip(), role=role, password_hash=_hasher.hash(password)
    )
    db.session.add(user)
    return user


def sign_in(email: str, password: str, now: datetime | None = None) -> SignIn:
    """The user when the password is right and the account open; failures count towards a lock."""
    now = now or utcnow()
    user = find_user(email) if len(email) <= 254 else None
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return SignIn(None)
    if user.locked_until and user.locked_until > now:
        return SignIn(None, locked_until=user.locked_until)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
        db.session.commit()
        return SignIn(None, locked_until=user.locked_until if user.locked_until else None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return SignIn(user)


def change_password(user: StaffUser, current: str, new: str) -> None:
    """A new password, after the current one is proven; every other session is signed out."""
    if not _verify(user.password_hash, current):
        raise AccountError(_l("The current password is not right."))
    set_password(user, new)


def set_password(user: StaffUser, new: str) -> None:
    check_password_rules(new)
    user.password_hash = _hasher.hash(new)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def load_session_user(session_id: str) -> StaffUser | None:
    """Flask-Login's user loader: `id:version`, so a password change ends older sessions."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def staff_members() -> list[StaffUser]:
    return list(
        db.session.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.email))
    )
