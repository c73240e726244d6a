"""Storing a new inquiry: one transaction holds the inquiry, its first audit event, the outbox
row for classification and the acknowledgement mail; tasks are published only after it commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from classifier.language import detect_language
from inquiries import outbox
from inquiries.extensions import db
from inquiries.mailer import new_delivery
from inquiries.models import Inquiry, MailKind, Status

# How an inquiry reached us, as staff pages name it.
CHANNELS = {"form": _l("the web form"), "api": _l("the API"), "import": _l("an import")}


@dataclass(frozen=True)
class Receipt:
    """What the submitter is told at once, read before the commit so answering needs no query."""

    id: int
    reference: str
    status: str
    status_token: str


def answer_language(declared: str | None, message: str, fallback: str) -> tuple[str, str | None]:
    """(language to answer in, detected language): what they asked for, else what they wrote in.

    Detection runs here only when nothing was asked for; the worker's classification records
    the written language of every inquiry anyway.
    """
    if declared:
        return declared, None
    detected = detect_language(message)
    return detected or fallback, detected


def submit_inquiry(
    fields: dict[str, Any],
    *,
    channel: str,
    interface_language: str,
    integration: str | None = None,
) -> Receipt:
    """Store a validated inquiry and promise its acknowledgement."""
    language, detected = answer_language(
        fields.get("language"), fields["message"], interface_language
    )
    inquiry = Inquiry(
        channel=channel,
        email=fields["email"],
        name=fields.get("name") or "",
        organisation=fields.get("organisation") or "",
        subject=fields.get("subject") or "",
        message=fields["message"],
        language=language,
        detected_language=detected,
        consent_to_share=bool(fields.get("consent_to_share")),
        status=Status.RECEIVED,
    )
    db.session.add(inquiry)
    db.session.flush()
    inquiry.assign_reference()
    detail = {"language": language} | ({"integration": integration} if integration else {})
    inquiry.record("received", actor=f"submitter:{channel}", detail=detail)
    outbox.enqueue("classify_inquiry", inquiry)
    acknowledgement = new_delivery(
        inquiry,
        MailKind.ACKNOWLEDGEMENT,
        recipient=inquiry.email,
        language=language,
        new_inquiry=True,
    )
    db.session.flush()
    outbox.after_commit("deliver_mail", acknowledgement.id)
    receipt = Receipt(inquiry.id, inquiry.reference or "", inquiry.status, inquiry.status_token)
    outbox.commit_and_publish()
    return receipt
