"""What intake stores, on both databases it writes differently to: on PostgreSQL in one
statement, elsewhere in one transaction (inquiries/insert_together.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from inquiries.extensions import db
from inquiries.insert_together import insert_together
from inquiries.mailer import thread_root
from inquiries.models import (
    AuditEvent,
    Delivery,
    DeliveryState,
    Inquiry,
    MailKind,
    OutboxMessage,
    Status,
)
from inquiries.models.types import utcnow

QUESTION = {
    "email": "an@example.org",
    "name": "An Peeters",
    "message": "Mag de gemeente camera's met gezichtsherkenning gebruiken op de markt?",
    "language": "nl",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def storing_app(request: pytest.FixtureRequest) -> Flask:
    if request.param == "sqlite":
        return request.getfixturevalue("app")
    return request.getfixturevalue("make_app")(request.getfixturevalue("redis_url"))


def test_an_inquiry_is_stored_with_its_history_task_and_acknowledgement(storing_app: Flask) -> None:
    client = storing_app.test_client()
    answers = [client.post("/api/v1/inquiries", json=QUESTION) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [202, 202]
    with storing_app.app_context():
        inquiries = db.session.scalars(select(Inquiry).order_by(Inquiry.id)).all()
        assert [i.reference for i in inquiries] == [a.get_json()["reference"] for a in answers]
        for inquiry, answer in zip(inquiries, answers, strict=True):
            assert (inquiry.email, inquiry.name, inquiry.message, inquiry.language) == (
                QUESTION["email"],
                QUESTION["name"],
                QUESTION["message"],
                "nl",
            )
            assert inquiry.status == Status.RECEIVED and inquiry.channel == "api"
            assert answer.get_json()["status_url"].endswith(inquiry.status_token)
            [event] = inquiry.events
            assert (event.action, event.actor, event.detail) == (
                "received",
                "submitter:api",
                {"language": "nl"},
            )
            [task] = db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.inquiry_id == inquiry.id)
            ).all()
            assert task.task == "classify_inquiry" and task.completed_at is None
            [acknowledgement] = inquiry.deliveries
            assert acknowledgement.kind == MailKind.ACKNOWLEDGEMENT
            assert acknowledgement.state == DeliveryState.PENDING
            assert acknowledgement.recipient == QUESTION["email"]
            assert acknowledgement.message_id == thread_root(inquiry.reference, inquiry.id)
    status = client.get(answers[0].get_json()["status_url"], headers={"Accept": "application/json"})
    assert status.get_json()["reference"] == answers[0].get_json()["reference"]


def test_an_intake_that_fails_halfway_stores_nothing(storing_app: Flask) -> None:
    """A row after the inquiry is refused (here: no actor for its event); the inquiry goes too."""
    client = storing_app.test_client()
    assert client.post("/api/v1/inquiries", json=QUESTION).status_code == 202
    now = utcnow()
    inquiry = {
        "channel": "api",
        "email": "b@example.org",
        "message": "Wie controleert algoritmes bij de overheid?",
        "language": "nl",
        "status": Status.RECEIVED,
        "created_at": now,
        "updated_at": now,
    }
    with storing_app.test_request_context():
        with pytest.raises(IntegrityError):
            insert_together(
                (Inquiry.__table__, inquiry),
                lambda inquiry_id: [
                    (
                        OutboxMessage.__table__,
                        {"task": "classify_inquiry", "inquiry_id": inquiry_id},
                    ),
                    (AuditEvent.__table__, {"inquiry_id": inquiry_id, "actor": None, "at": now}),
                ],
            )
        db.session.rollback()  # what the request's teardown does after an error
    with storing_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 1
