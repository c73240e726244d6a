"""Publishing tasks only after the change that needs them is committed, and re-publishing the lost.

A task is written to the outbox table in the same transaction as the change that calls for it; it is
published after the commit. If the broker is down, the row stays open and the relay (a beat task)
publishes it again later. Tasks are idempotent, so publishing twice is harmless; losing one is not.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from inquiries.extensions import db
from inquiries.models import Inquiry, OutboxMessage
from inquiries.models.types import utcnow

log = logging.getLogger(__name__)

TASKS = {
    "classify_inquiry": "workers.tasks.classify_inquiry",
    "route_inquiry": "workers.tasks.route_inquiry",
    "deliver_mail": "workers.tasks.deliver_mail",
    "take_in": "workers.tasks.take_in",
}
_PENDING = "outbox_pending"


def publish(task: str, *args: int) -> bool:
    """Hand a task to the broker now; False (and a log line) when the broker cannot take it."""
    celery = current_app.extensions["celery"]
    try:
        celery.send_task(TASKS[task], args=args, retry=False)
    except Exception as exc:  # the broker's client raises many kinds; any means "not published"
        log.warning("could not publish %s%s: %s", task, args, type(exc).__name__)
        return False
    return True


def enqueue(task: str, inquiry: Inquiry) -> OutboxMessage:
    """Add an outbox row to the current transaction; commit_and_publish sends it."""
    row = OutboxMessage(task=task, inquiry_id=inquiry.id)
    db.session.add(row)
    db.session.info.setdefault(_PENDING, []).append(row)
    return row


def after_commit(task: str, *args: int) -> None:
    """Publish a task once the current transaction has committed (for rows that are their own
    outbox, such as deliveries)."""
    db.session.info.setdefault(_PENDING, []).append((task, args))


def commit_and_publish() -> None:
    """Commit, then publish what the transaction queued; nothing is published if it fails."""
    pending = db.session.info.pop(_PENDING, [])
    try:
        db.session.flush()  # the rows' ids, read now: the commit expires them
        tasks = [
            (item.task, (item.inquiry_id, item.id)) if isinstance(item, OutboxMessage) else item
            for item in pending
        ]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for task, args in tasks:
        publish(task, *args)


def complete(outbox_id: int | None) -> None:
    """Mark an outbox row done, in the caller's transaction (with the task's own effect)."""
    if outbox_id is not None:
        row = db.session.get(OutboxMessage, outbox_id)
        if row is not None and row.completed_at is None:
            row.completed_at = utcnow()


def relay(limit: int = 500) -> int:
    """Publish again every open row that has waited too long; returns how many were published."""
    wait = timedelta(seconds=current_app.config["OUTBOX_REPUBLISH_SECONDS"])
    cutoff = utcnow() - wait
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.completed_at.is_(None))
        .where(
            or_(
                OutboxMessage.last_published_at < cutoff,
                (OutboxMessage.last_published_at.is_(None)) & (OutboxMessage.created_at < cutoff),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    published = 0
    for row in rows:
        if not publish(row.task, row.inquiry_id, row.id):
            break  # the broker is still down: try the rest on the next run
        row.last_published_at = utcnow()
        row.publish_count += 1
        published += 1
    db.session.commit()
    return published


def open_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.completed_at.is_(None))
        )
        or 0
    )
