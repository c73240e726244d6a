"""What a service's answer to a routed inquiry does: accepted, or sent back to the committee."""

from __future__ import annotations

from enum import StrEnum

from inquiries.extensions import db
from inquiries.models import Delivery, Inquiry, Label, LabelSource, MailKind, Status
from inquiries.models.types import utcnow


class Refusal(StrEnum):
    ALREADY_USED = "already_used"
    NOT_CURRENT = "not_current"


def refusal(delivery: Delivery) -> Refusal | None:
    """Why this delivery can no longer be answered, or None when it can."""
    if delivery.response is not None:
        return Refusal.ALREADY_USED
    inquiry: Inquiry = delivery.inquiry
    current = (
        delivery.kind == MailKind.ROUTING
        and inquiry.status == Status.ROUTED
        and delivery.service_key == inquiry.service_key
    )
    return None if current else Refusal.NOT_CURRENT


def accept(delivery: Delivery) -> None:
    delivery.response = "accepted"
    delivery.responded_at = utcnow()
    delivery.inquiry.change_status(Status.ACKNOWLEDGED, actor=f"service:{delivery.service_key}")
    db.session.commit()


def send_back(delivery: Delivery, reason: str) -> None:
    """Back to the triage queue with the service's reason; staff will route it again."""
    delivery.response = "sent_back"
    delivery.response_note = reason
    delivery.responded_at = utcnow()
    actor = f"service:{delivery.service_key}"
    inquiry = delivery.inquiry
    inquiry.change_status(
        Status.SENT_BACK,
        actor=actor,
        note=reason,
        detail={"service": delivery.service_key, "objective": inquiry.objective_code},
    )
    # A correction for retraining: whoever routed it chose the wrong objective.
    db.session.add(
        Label(
            inquiry_id=inquiry.id,
            source=LabelSource.SERVICE_SEND_BACK,
            rejected_objective=inquiry.objective_code,
            actor=actor,
        )
    )
    db.session.commit()
