"""Sending the emails the system owes, exactly once each, with retries and a clear failure.

A Delivery row is the durable promise of one email. Sending claims it atomically (pending ->
sending), so two workers never both send it; a failure puts it back to pending with a later
next_attempt_at (exponential backoff) until the last attempt, after which a person takes over.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable
from datetime import timedelta
from email.utils import make_msgid, parseaddr
from functools import partial
from typing import Any, Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Connection, Mail, Message
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from inquiries.emails import COMPOSERS
from inquiries.extensions import db
from inquiries.links import status_url
from inquiries.models import Delivery, DeliveryState, Inquiry, MailKind, Status
from inquiries.models.types import utcnow

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30
SEND_LEASE = timedelta(minutes=5)  # a claim older than this means the sender died
RECORD_RETRY_PAUSES = (0, 1, 2, 4, 8, 15)  # seconds; a database restart takes a few


def mail_domain() -> str:
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"


def _dispatch_lease() -> timedelta:
    """How long a published delivery waits for its task before it is published again."""
    return timedelta(seconds=current_app.config["MAIL_DISPATCH_LEASE_SECONDS"])


def thread_root(reference: str, inquiry_id: int) -> str:
    """The Message-ID every mail about one inquiry refers to, so mail clients thread them."""
    return f"<{reference}.{inquiry_id}@{mail_domain()}>"


class Numbered(Protocol):
    """An inquiry, or the receipt intake writes before any Inquiry object exists."""

    @property
    def id(self) -> int: ...

    @property
    def reference(self) -> str: ...


def delivery_row(
    inquiry: Numbered,
    kind: MailKind,
    *,
    recipient: str,
    language: str,
    service_key: str | None = None,
    dedup: str = "",
) -> dict[str, Any]:
    """The columns of a new delivery: new_delivery adds it through the ORM, intake through Core.
    Its dedup key makes a second request for the same mail a no-op."""
    is_root = kind == MailKind.ACKNOWLEDGEMENT
    return {
        "inquiry_id": inquiry.id,
        "kind": kind,
        "dedup_key": f"{kind}:{inquiry.id}:{dedup or service_key or recipient}",
        "service_key": service_key,
        "recipient": recipient,
        "language": language,
        "message_id": thread_root(inquiry.reference, inquiry.id)
        if is_root
        else make_msgid(kind, mail_domain()),
        "state": DeliveryState.PENDING,
        "next_attempt_at": utcnow() + _dispatch_lease(),
    }


def new_delivery(
    inquiry: Inquiry,
    kind: MailKind,
    *,
    recipient: str,
    language: str,
    service_key: str | None = None,
    dedup: str = "",
) -> Delivery:
    """A delivery in the current transaction, or the one already asked for."""
    row = delivery_row(
        inquiry, kind, recipient=recipient, language=language, service_key=service_key, dedup=dedup
    )
    existing = db.session.scalar(select(Delivery).where(Delivery.dedup_key == row["dedup_key"]))
    if existing is not None:
        return existing
    delivery = Delivery(**row)
    db.session.add(delivery)
    return delivery


class _Connection(Connection):
    """Flask-Mail's connection with a timeout, so a silent SMTP server cannot hang a worker."""

    def configure_host(self) -> smtplib.SMTP:
        cls = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = cls(self.mail.server, self.mail.port, timeout=SMTP_TIMEOUT_SECONDS)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _send(message: Message) -> None:
    state: Mail = current_app.extensions["mail"]
    with _Connection(state) as connection:
        connection.send(message)


def _headers(delivery: Delivery, inquiry: Inquiry) -> dict[str, str]:
    headers = {
        "X-Triage-Reference": inquiry.reference,
        "X-Triage-Kind": delivery.kind,
        "Content-Language": delivery.language,
        "Auto-Submitted": "auto-generated",
    }
    root = thread_root(inquiry.reference, inquiry.id)
    if delivery.message_id != root:
        headers["In-Reply-To"] = root
        headers["References"] = root
    return headers


def build_message(delivery: Delivery) -> Message:
    inquiry = delivery.inquiry
    with (
        current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]),
        force_locale(delivery.language),
    ):
        subject, context, extra = COMPOSERS[delivery.kind](delivery, inquiry)
        context = {
            "inquiry": inquiry,
            "delivery": delivery,
            "status_link": status_url(inquiry.status_token),
            **context,
        }
        body = render_template(f"emails/{delivery.kind}.txt", **context)
        html = render_template(f"emails/{delivery.kind}.html", **context)
    message = Message(
        subject=subject,
        recipients=[delivery.recipient],
        body=body,
        html=html,
        extra_headers={**_headers(delivery, inquiry), **extra},
        reply_to=inquiry.email
        if delivery.kind == MailKind.ROUTING and inquiry.consent_to_share
        else None,
    )
    message.msgId = delivery.message_id
    return message


def _claim(delivery_id: int) -> bool:
    claimed = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.SENDING, claimed_at=utcnow(), attempts=Delivery.attempts + 1)
    )
    db.session.commit()
    return claimed.rowcount == 1


def _on_sent(delivery: Delivery) -> None:
    inquiry = delivery.inquiry
    if delivery.kind == MailKind.ROUTING and inquiry.status != Status.ROUTED:
        inquiry.change_status(
            Status.ROUTED,
            actor="mailer",
            detail={"service": delivery.service_key, "message_id": delivery.message_id},
        )


def _on_given_up(delivery: Delivery, reason: str) -> None:
    inquiry = delivery.inquiry
    if delivery.kind == MailKind.ROUTING:
        inquiry.change_status(
            Status.DELIVERY_FAILED,
            actor="mailer",
            note=reason,
            detail={"service": delivery.service_key, "attempts": delivery.attempts},
        )
    else:
        inquiry.record(
            "mail_failed",
            actor="mailer",
            note=reason,
            detail={"kind": delivery.kind, "attempts": delivery.attempts},
        )


def deliver(delivery_id: int) -> str:
    """Send one delivery if it is this worker's to send; returns its state afterwards."""
    if not _claim(delivery_id):
        delivery = db.session.get(Delivery, delivery_id)
        return delivery.state if delivery else "missing"
    try:
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery is not None
        message = build_message(delivery)
    except OperationalError:
        # The database went away before anything was sent: give the claim back, so the
        # dispatcher sends it later, instead of leaving it "sending" for a person to check.
        db.session.rollback()
        _retrying(delivery_id, _release)
        return DeliveryState.PENDING
    try:
        _send(message)
    except (smtplib.SMTPException, OSError) as error:
        _retrying(delivery_id, partial(_record_failure, exc=error))
    else:
        _retrying(delivery_id, _record_sent)
    delivery = db.session.get(Delivery, delivery_id)
    return delivery.state if delivery else "missing"


def _retrying(delivery_id: int, change: Callable[[Delivery], None]) -> None:
    """Apply a change to a delivery and commit, retrying while the database is briefly away (a
    restart or a failover): giving up would leave the delivery "sending" for a person to check."""
    for pause in RECORD_RETRY_PAUSES:
        time.sleep(pause)
        try:
            delivery = db.session.get(Delivery, delivery_id)
            assert delivery is not None
            change(delivery)
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            log.warning("delivery %s: recording its state failed, trying again", delivery_id)
    raise RuntimeError(f"delivery {delivery_id}: its state could not be recorded")


def _release(delivery: Delivery) -> None:
    delivery.state = DeliveryState.PENDING
    delivery.attempts -= 1  # nothing was tried
    delivery.next_attempt_at = utcnow()


def _record_sent(delivery: Delivery) -> None:
    delivery.state = DeliveryState.SENT
    delivery.sent_at = utcnow()
    delivery.last_error = ""
    _on_sent(delivery)


def _record_failure(delivery: Delivery, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:500]
    delivery.last_error = error
    permanent = isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500
    if permanent or delivery.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        delivery.state = DeliveryState.FAILED
        _on_given_up(delivery, error)
        log.warning("delivery %s given up after %s attempts", delivery.id, delivery.attempts)
        return
    backoff = current_app.config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (delivery.attempts - 1)
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = utcnow() + timedelta(seconds=backoff)
    log.info("delivery %s attempt %s failed; next in %ss", delivery.id, delivery.attempts, backoff)


def due_deliveries(limit: int = 200) -> list[int]:
    """Pending deliveries whose time has come; each is leased so it is published only once."""
    now = utcnow()
    rows = db.session.scalars(
        select(Delivery)
        .where(Delivery.state == DeliveryState.PENDING, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
    ).all()
    for row in rows:
        row.next_attempt_at = now + _dispatch_lease()
    return [row.id for row in rows]


def abandoned_sends() -> int:
    """Claims whose worker died mid-send: the mail may have left, so never resend blindly."""
    stale = db.session.scalars(
        select(Delivery).where(
            Delivery.state == DeliveryState.SENDING, Delivery.claimed_at < utcnow() - SEND_LEASE
        )
    ).all()
    for delivery in stale:
        delivery.state = DeliveryState.UNCERTAIN
        _on_given_up(delivery, "the worker stopped while sending; check before sending again")
    return len(stale)
