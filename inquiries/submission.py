"""Storing a new inquiry: one transaction holds the inquiry, its first audit event, the outbox
row for classification and the acknowledgement mail; one task is published after it commits.

Intake is the part that takes bursts, so it writes its four rows through SQLAlchemy Core in as
few round trips as the database allows (insert_together), not through the ORM's unit of work,
which cost several times as much CPU per inquiry (docs/benchmarks.md). The rest of the system
works on these rows through the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table

from inquiries import outbox
from inquiries.insert_together import insert_together
from inquiries.mailer import delivery_row
from inquiries.models import AuditEvent, Delivery, Inquiry, MailKind, OutboxMessage, Status
from inquiries.models.inquiry import format_reference, new_status_token
from inquiries.models.types import utcnow

# How an inquiry reached us, as staff pages name it.
CHANNELS = {"form": _l("the web form"), "api": _l("the API"), "import": _l("an import")}


@dataclass(frozen=True)
class Receipt:
    """What the submitter is told at once, known before the commit so answering needs no query."""

    id: int
    reference: str
    status: str
    status_token: str


def submit_inquiry(
    fields: dict[str, Any],
    *,
    channel: str,
    interface_language: str,
    integration: str | None = None,
) -> Receipt:
    """Store a validated inquiry and promise its acknowledgement and its classification.

    Without a language named, the answer's language is the interface's for now; the worker
    reads the message's own before it sends anything (pipeline.settle_language), which keeps
    language detection (CPU-hungry threads and 130 MB of models) out of the web processes.
    """
    declared = fields.get("language")
    language = declared or interface_language
    now = utcnow()
    status_token = new_status_token()
    inquiry = {
        "channel": channel,
        "email": fields["email"],
        "name": fields.get("name") or "",
        "organisation": fields.get("organisation") or "",
        "subject": fields.get("subject") or "",
        "message": fields["message"],
        "language": language,
        "language_declared": bool(declared),
        "consent_to_share": bool(fields.get("consent_to_share")),
        "status": Status.RECEIVED,
        "status_token": status_token,
        "created_at": now,
        "updated_at": now,
    }
    detail = {"language": language} | ({"integration": integration} if integration else {})

    def receipt(inquiry_id: int) -> Receipt:
        return Receipt(inquiry_id, format_reference(now, inquiry_id), Status.RECEIVED, status_token)

    def what_follows(inquiry_id: int) -> list[tuple[Table, dict[str, Any]]]:
        return [
            (
                AuditEvent.__table__,
                {
                    "inquiry_id": inquiry_id,
                    "at": now,
                    "actor": f"submitter:{channel}",
                    "action": "received",
                    "from_status": Status.RECEIVED,
                    "to_status": Status.RECEIVED,
                    "detail": detail,
                },
            ),
            (
                OutboxMessage.__table__,
                {"task": "classify_inquiry", "inquiry_id": inquiry_id, "created_at": now},
            ),
            (
                Delivery.__table__,
                delivery_row(
                    receipt(inquiry_id),
                    MailKind.ACKNOWLEDGEMENT,
                    recipient=fields["email"],
                    language=language,
                ),
            ),
        ]

    inquiry_id, _, outbox_id, acknowledgement_id = insert_together(
        (Inquiry.__table__, inquiry), what_follows
    )
    outbox.after_commit("take_in", inquiry_id, outbox_id, acknowledgement_id)
    outbox.commit_and_publish()
    return receipt(inquiry_id)
