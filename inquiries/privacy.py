"""Personal data kept only as long as it may be: anonymising inquiries after the retention period,
and a submitter's rights to see and to erase what is held about them.

Anonymising keeps what the statistics need (dates, language, objective, service, status, the
history of decisions) and removes what identifies or describes a person: contact details, the
question, the words indexed for similar inquiries, the model's explanation, free-text notes and
reasons. It cannot be undone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import delete, func, select

from inquiries.extensions import db
from inquiries.models import AdminEvent, Inquiry, InquiryTerm, MailKind, StaffUser, Status
from inquiries.models.types import utcnow

FINISHED = (Status.ACKNOWLEDGED, Status.OUT_OF_SCOPE, Status.CLOSED)
ERASED = "[erased]"


def erased_address(inquiry: Inquiry) -> str:
    """A placeholder that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"erased-{inquiry.id}@erased.invalid"


def anonymise(inquiry: Inquiry, *, actor: str, reason: str) -> None:
    """Remove the personal data of one inquiry, in the current transaction."""
    if inquiry.anonymised_at is not None:
        return
    address = erased_address(inquiry)
    for delivery in inquiry.deliveries:
        if delivery.kind in (MailKind.ACKNOWLEDGEMENT, MailKind.STATUS):
            delivery.recipient = address
        delivery.last_error = ""
        delivery.response_note = ""
    for classification in inquiry.classifications:
        classification.explanation = []
    for event in inquiry.events:
        event.note = ""
    db.session.execute(delete(InquiryTerm).where(InquiryTerm.inquiry_id == inquiry.id))
    inquiry.email = address
    inquiry.name = inquiry.organisation = inquiry.subject = ""
    inquiry.message = ERASED
    inquiry.anonymised_at = utcnow()
    inquiry.record("anonymised", actor=actor, detail={"reason": reason})


def retention_cutoff(now: datetime | None = None) -> datetime:
    months = current_app.config["RETENTION_MONTHS"]
    return (now or utcnow()) - relativedelta(months=months)


def expired(now: datetime | None = None) -> list[int]:
    """Inquiries finished longer ago than the retention period and not yet anonymised."""
    return list(
        db.session.scalars(
            select(Inquiry.id)
            .where(
                Inquiry.status.in_(FINISHED),
                Inquiry.anonymised_at.is_(None),
                Inquiry.updated_at < retention_cutoff(now),
            )
            .order_by(Inquiry.id)
        )
    )


def purge(ids: list[int], progress: Callable[[int], None] | None = None) -> int:
    """Anonymise these inquiries, committing in small batches; returns how many."""
    for start in range(0, len(ids), 200):
        batch = ids[start : start + 200]
        for inquiry in db.session.scalars(select(Inquiry).where(Inquiry.id.in_(batch))):
            anonymise(inquiry, actor="system:retention", reason="retention period over")
        db.session.commit()
        if progress:
            progress(len(batch))
    return len(ids)


def purge_expired(now: datetime | None = None) -> int:
    """Anonymise every inquiry whose retention period is over (the beat task)."""
    return purge(expired(now))


def _inquiries_of(email: str) -> list[Inquiry]:
    return list(
        db.session.scalars(
            select(Inquiry)
            .where(func.lower(Inquiry.email) == email.strip().lower())
            .order_by(Inquiry.id)
        )
    )


def _audit(by: StaffUser, action: str, email: str, found: list[Inquiry]) -> list[str]:
    """Record a submitter's request and commit; the trail keeps a hash, never the address."""
    references = [inquiry.reference or "" for inquiry in found]
    who = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]
    db.session.add(
        AdminEvent(actor=by.actor, action=action, detail={"who": who, "inquiries": references})
    )
    db.session.commit()
    return references


def submitter_data(email: str, by: StaffUser) -> dict[str, Any]:
    """Everything held about one submitter (a subject access request), audited."""
    found = _inquiries_of(email)
    _audit(by, "submitter_exported", email, found)
    return {
        "email": email.strip(),
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "inquiries": [_everything(inquiry) for inquiry in found],
    }


def _everything(inquiry: Inquiry) -> dict[str, Any]:
    return {
        "reference": inquiry.reference,
        "received_at": inquiry.created_at.isoformat(timespec="seconds"),
        "channel": inquiry.channel,
        "name": inquiry.name,
        "organisation": inquiry.organisation,
        "email": inquiry.email,
        "subject": inquiry.subject,
        "message": inquiry.message,
        "language": inquiry.language,
        "consent_to_share": inquiry.consent_to_share,
        "status": inquiry.status,
        "objective": inquiry.objective_code,
        "service": inquiry.service_key,
        "classifications": [
            {
                "at": c.created_at.isoformat(timespec="seconds"),
                "model_version": c.model_version,
                "objective": c.objective,
                "confidence": c.confidence,
                "explanation": c.explanation,
            }
            for c in inquiry.classifications
        ],
        "mails": [
            {
                "kind": d.kind,
                "to": d.recipient,
                "state": d.state,
                "sent_at": d.sent_at.isoformat(timespec="seconds") if d.sent_at else None,
                "answer": d.response,
                "answer_note": d.response_note,
            }
            for d in inquiry.deliveries
        ],
        "history": [
            {
                "at": e.at.isoformat(timespec="seconds"),
                "by": e.actor,
                "action": e.action,
                "status": e.to_status,
                "note": e.note,
            }
            for e in inquiry.events
        ],
    }


def erase_submitter(email: str, by: StaffUser) -> list[str]:
    """Anonymise every inquiry of one submitter now (right to erasure); returns references."""
    found = _inquiries_of(email)
    for inquiry in found:
        anonymise(inquiry, actor=by.actor, reason="erasure requested by the submitter")
    return _audit(by, "submitter_erased", email, found)
