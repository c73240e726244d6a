"""Celery tasks: thin wrappers that take ids and call the plain functions in inquiries/."""

from __future__ import annotations

from celery import shared_task

from inquiries import mailer, outbox, pipeline, privacy, reminders
from inquiries.extensions import db


@shared_task(ignore_result=True)
def classify_inquiry(inquiry_id: int, outbox_id: int | None = None) -> str | None:
    return pipeline.classify(inquiry_id, outbox_id)


@shared_task(ignore_result=True)
def take_in(inquiry_id: int, outbox_id: int, acknowledgement_id: int) -> str | None:
    """A new inquiry's work in one message, so intake publishes once: the acknowledgement is
    sent here first (the submitter hears from us after one wait in the queue, not two), in
    the language of the message where the submitter named none, then the inquiry is
    classified. A failed send is retried by the delivery dispatcher like any
    other; if this message is lost, the outbox relay republishes the classification and the
    dispatcher the acknowledgement."""
    pipeline.settle_language(inquiry_id)
    mailer.deliver(acknowledgement_id)
    return pipeline.classify(inquiry_id, outbox_id)


@shared_task(ignore_result=True)
def route_inquiry(inquiry_id: int, outbox_id: int | None = None) -> str | None:
    return pipeline.route(inquiry_id, outbox_id)


@shared_task(ignore_result=True)
def deliver_mail(delivery_id: int) -> str:
    return mailer.deliver(delivery_id)


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Publish again what the broker never got (it was down) or lost (a worker died)."""
    return outbox.relay()


@shared_task(ignore_result=True)
def dispatch_deliveries() -> int:
    """Publish deliveries whose (next) attempt is due, and flag sends whose worker died."""
    mailer.abandoned_sends()
    due = mailer.due_deliveries()
    db.session.commit()
    for delivery_id in due:
        outbox.publish("deliver_mail", delivery_id)
    return len(due)


@shared_task(ignore_result=True)
def chase_services() -> tuple[int, int]:
    """Remind services that have not answered, and escalate what stays unanswered."""
    return reminders.chase_services()


@shared_task(ignore_result=True)
def purge_expired() -> int:
    """Anonymise finished inquiries whose retention period is over."""
    return privacy.purge_expired()
