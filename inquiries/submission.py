"""Storing a new inquiry: one transaction holds the inquiry, its first audit event, the outbox
row for classification and the acknowledgement mail; tasks are published only after it commits."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from classifier.language import detect_language
from inquiries import outbox
from inquiries.extensions import db
from inquiries.mailer import new_delivery
from inquiries.models import Inquiry, MailKind, Status

# How an inquiry reached us, as staff pages name it.
CHANNELS = {"form": _l("the web form"), "api": _l("the API"), "import": _l("an import")}


def answer_language(declared: str | None, message: str, fallback: str) -> tuple[str, str | None]:
    """(language to answer in, detected language): what they asked for, else what they wrote in."""
    detected = detect_language(message)
    return declared or detected or fallback, detected


def submit_inquiry(
    fields: dict[str, Any],
    *,
    channel: str,
    interface_language: str,
    integration: str | None = None,
) -> Inquiry:
    """Store a validated inquiry and promise its acknowledgement; returns it with its reference."""
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
        inquiry, MailKind.ACKNOWLEDGEMENT, recipient=inquiry.email, language=language
    )
    db.session.flush()
    outbox.after_commit("deliver_mail", acknowledgement.id)
    outbox.commit_and_publish()
    return inquiry
