"""Chasing services that do not answer: a reminder after some working days, then the committee
takes the inquiry back (escalation). Periods are per service (Service.reminder_after_days and
escalate_after_days), counted in Belgian working days."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from inquiries import outbox
from inquiries.extensions import db
from inquiries.mailer import new_delivery
from inquiries.models import Delivery, DeliveryState, Inquiry, MailKind, Status
from inquiries.models.types import utcnow
from inquiries.workdays import add_working_days


def _waiting_routings() -> list[Delivery]:
    """Routing mails that arrived and that the service has not answered, still current."""
    return list(
        db.session.scalars(
            select(Delivery)
            .join(Inquiry)
            .where(
                Delivery.kind == MailKind.ROUTING,
                Delivery.state == DeliveryState.SENT,
                Delivery.response.is_(None),
                Inquiry.status == Status.ROUTED,
                Delivery.service_key == Inquiry.service_key,
            )
        )
    )


def _reminder_of(routing: Delivery) -> Delivery | None:
    key = f"{MailKind.REMINDER}:{routing.inquiry_id}:{routing.id}"
    return db.session.scalar(select(Delivery).where(Delivery.dedup_key == key))


def chase_services(now: datetime | None = None) -> tuple[int, int]:
    """Send the reminders that are due and escalate what stayed unanswered after one.

    Returns (reminders created, inquiries escalated). Idempotent: a reminder is created once
    per routing mail, an escalation happens once because it moves the inquiry out of `routed`.
    """
    now = now or utcnow()
    created: list[int] = []
    escalated = 0
    for routing in _waiting_routings():
        service = routing.service
        if service is None or routing.sent_at is None:
            continue
        inquiry = routing.inquiry
        reminder = _reminder_of(routing)
        if reminder is None:
            if now >= add_working_days(routing.sent_at, service.reminder_after_days):
                reminder = new_delivery(
                    inquiry,
                    MailKind.REMINDER,
                    recipient=routing.recipient,
                    language=routing.language,
                    service_key=service.key,
                    dedup=str(routing.id),
                )
                db.session.flush()
                inquiry.record(
                    "reminder", actor="system:reminders", detail={"service": service.key}
                )
                created.append(reminder.id)
        elif reminder.sent_at and now >= add_working_days(
            reminder.sent_at, service.escalate_after_days
        ):
            inquiry.change_status(
                Status.NEEDS_REVIEW,
                actor="system:reminders",
                note="no answer from the service after a reminder",
                detail={"service": service.key, "escalated": True},
            )
            escalated += 1
    for delivery_id in created:
        outbox.after_commit("deliver_mail", delivery_id)
    outbox.commit_and_publish()
    return len(created), escalated
