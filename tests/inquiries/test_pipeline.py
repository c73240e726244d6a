"""Classify, route and deliver, called as the worker calls them, against a real SMTP server."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from inquiries import mailer, outbox, pipeline
from inquiries.extensions import db
from inquiries.models import Delivery, DeliveryState, Inquiry, MailKind, OutboxMessage, Status
from inquiries.models.types import utcnow
from inquiries.submission import submit_inquiry

CLEAR = (
    "Ons ziekenhuis wil software gebruiken die röntgenfoto's automatisch analyseert. "
    "Moet die software een CE-markering hebben als medisch hulpmiddel?"
)
OUT_OF_SCOPE = "Wanneer krijg ik mijn belastingteruggave van vorig jaar terug?"


def submit(message: str, **extra: object) -> int:
    fields = {
        "email": "jan@example.org",
        "message": message,
        "name": "Jan",
        "consent_to_share": True,
        **extra,
    }
    return submit_inquiry(fields, channel="api", interface_language="en").id


def open_outbox(task: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.task == task, OutboxMessage.completed_at.is_(None)
            )
        )
    )


def test_confident_question_is_routed_to_its_service_once(app: Flask, mailbox) -> None:
    with app.test_request_context():
        inquiry_id = submit(CLEAR)
        pipeline.classify(inquiry_id, open_outbox("classify_inquiry")[0].id)
        inquiry = db.session.get(Inquiry, inquiry_id)
        classification = inquiry.latest_classification
        assert classification.objective == 5 and classification.decision == "route"
        assert classification.model_version and classification.explanation
        route_row = open_outbox("route_inquiry")[0]
        pipeline.route(inquiry_id, route_row.id)
        pipeline.route(inquiry_id, route_row.id)  # a redelivered task
        pipeline.classify(inquiry_id)  # and a republished one
        db.session.expire_all()
        inquiry = db.session.get(Inquiry, inquiry_id)
        assert inquiry.status == Status.ROUTED
        assert len(inquiry.classifications) == 1
        assert not open_outbox("route_inquiry") and not open_outbox("classify_inquiry")
        reference = inquiry.reference
    routing = mailbox.wait_for(lambda ms: any(m["X-Triage-Kind"] == "routing" for m in ms))
    routing = [m for m in routing if m["X-Triage-Kind"] == "routing"]
    assert len(routing) == 1
    mail = routing[0]
    assert mail["To"] == "health-ai.to-configure@example.org"
    assert mail["X-Triage-Reference"] == reference
    assert mail["X-Triage-Objective"] == "5"
    assert mail["Content-Language"] == "nl"
    assert mail["Reply-To"] == "jan@example.org"
    assert mail["In-Reply-To"] and mail["Message-ID"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "röntgenfoto's" in text and "jan@example.org" in text
    assert "röntgenfoto&#39;s" in html or "röntgenfoto&#x27;s" in html


def test_out_of_scope_waits_for_a_person(app: Flask, mailbox) -> None:
    with app.test_request_context():
        inquiry_id = submit(OUT_OF_SCOPE)
        pipeline.classify(inquiry_id)
        inquiry = db.session.get(Inquiry, inquiry_id)
        assert inquiry.status == Status.NEEDS_REVIEW
        assert inquiry.latest_classification.decision == "review"
        assert inquiry.events[-1].to_status == Status.NEEDS_REVIEW
        assert not open_outbox("route_inquiry")


def test_contact_details_stay_private_without_consent(app: Flask, mailbox) -> None:
    with app.test_request_context():
        inquiry_id = submit(CLEAR, consent_to_share=False)
        pipeline.classify(inquiry_id)
        pipeline.route(inquiry_id)
    mail = mailbox.wait_for(lambda ms: bool([m for m in ms if m["X-Triage-Kind"] == "routing"]))
    routing = next(m for m in mail if m["X-Triage-Kind"] == "routing")
    assert routing["Reply-To"] is None
    assert "jan@example.org" not in routing.as_string()


def test_acknowledgement_is_sent_once_in_the_submitters_language(app: Flask, mailbox) -> None:
    with app.test_request_context():
        inquiry_id = submit("Bonjour, l'IA peut-elle remplacer mon médecin traitant un jour ?")
        pipeline.settle_language(inquiry_id)  # as the worker does before the acknowledgement
        assert db.session.get(Inquiry, inquiry_id).language == "fr"
        delivery = db.session.scalar(select(Delivery).where(Delivery.inquiry_id == inquiry_id))
        assert mailer.deliver(delivery.id) == DeliveryState.SENT
        assert mailer.deliver(delivery.id) == DeliveryState.SENT  # the task ran twice
        reference = db.session.get(Inquiry, inquiry_id).reference
    messages = mailbox.wait_for(lambda ms: len(ms) >= 1)
    assert len(messages) == 1
    ack = messages[0]
    assert ack["X-Triage-Kind"] == "acknowledgement" and ack["Content-Language"] == "fr"
    assert reference in ack["Subject"]
    assert "/status/" in ack.get_body(("plain",)).get_content()


def test_a_language_named_by_the_submitter_is_kept(app: Flask) -> None:
    """Someone may write in French and ask for the answer in Dutch; without a choice the
    answer follows the message, and classification records the written language either way."""
    with app.test_request_context():
        asked = submit("Bonjour, qui contrôle les algorithmes de la police ?", language="nl")
        unnamed = submit("Bonjour, qui contrôle les algorithmes de la police ?")
        for inquiry_id in (asked, unnamed):
            pipeline.settle_language(inquiry_id)
            pipeline.classify(inquiry_id)
        languages = {
            inquiry_id: (inquiry.language, inquiry.detected_language, ack.language)
            for inquiry_id in (asked, unnamed)
            for inquiry in [db.session.get(Inquiry, inquiry_id)]
            for ack in inquiry.deliveries
            if ack.kind == MailKind.ACKNOWLEDGEMENT
        }
    assert languages == {asked: ("nl", "fr", "nl"), unnamed: ("fr", "fr", "fr")}


def test_smtp_failure_is_retried_with_backoff_then_handed_to_a_person(app: Flask, mailbox) -> None:
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    mailbox.refuse_with = "451 try again later"
    with app.test_request_context():
        inquiry_id = submit(CLEAR)
        pipeline.classify(inquiry_id)
        pipeline.route(inquiry_id)
        delivery = db.session.scalar(select(Delivery).where(Delivery.kind == MailKind.ROUTING))
        assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
        first_wait = delivery.next_attempt_at - utcnow()
        assert timedelta(0) < first_wait <= timedelta(seconds=30)
        assert "451" in delivery.last_error
        for attempt in (2, 3):
            delivery.next_attempt_at = utcnow()
            db.session.commit()
            assert delivery.id in mailer.due_deliveries()
            db.session.commit()
            mailer.deliver(delivery.id)
            assert delivery.attempts == attempt
        assert delivery.state == DeliveryState.FAILED
        inquiry = db.session.get(Inquiry, inquiry_id)
        assert inquiry.status == Status.DELIVERY_FAILED
    assert mailbox.of_kind("routing") == []


def test_permanent_refusal_is_not_retried(app: Flask, mailbox) -> None:
    mailbox.refuse_with = "550 no such mailbox"
    with app.test_request_context():
        inquiry_id = submit(CLEAR)
        pipeline.classify(inquiry_id)
        pipeline.route(inquiry_id)
        delivery = db.session.scalar(select(Delivery).where(Delivery.kind == MailKind.ROUTING))
        assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
        assert db.session.get(Inquiry, inquiry_id).status == Status.DELIVERY_FAILED


def test_a_send_whose_worker_died_is_never_resent_blindly(app: Flask, mailbox) -> None:
    with app.test_request_context():
        inquiry_id = submit(CLEAR)
        pipeline.classify(inquiry_id)
        inquiry = db.session.get(Inquiry, inquiry_id)
        delivery = mailer.new_delivery(
            inquiry,
            MailKind.ROUTING,
            recipient="x@example.org",
            language="nl",
            service_key="health",
        )
        delivery.state = DeliveryState.SENDING
        delivery.claimed_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert mailer.abandoned_sends() == 1
        db.session.commit()
        assert delivery.state == DeliveryState.UNCERTAIN
        assert mailer.deliver(delivery.id) == DeliveryState.UNCERTAIN
        assert db.session.get(Inquiry, inquiry_id).status == Status.DELIVERY_FAILED


def test_database_gone_before_sending_gives_the_mail_back(
    app: Flask, mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database restart between the claim and the send: nothing was sent, so the delivery goes
    back to pending (for the dispatcher) instead of waiting for a person as "sending"."""
    real_build = mailer.build_message

    def database_gone(delivery):
        monkeypatch.setattr(mailer, "build_message", real_build)  # back for the next try
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    with app.test_request_context():
        inquiry_id = submit(CLEAR)
        [delivery] = db.session.get(Inquiry, inquiry_id).deliveries
        monkeypatch.setattr(mailer, "build_message", database_gone)
        assert mailer.deliver(delivery.id) == DeliveryState.PENDING
        db.session.expire_all()
        released = db.session.get(Delivery, delivery.id)
        assert released.attempts == 0 and released.next_attempt_at <= utcnow()
        assert not mailbox.messages
        assert released.id in mailer.due_deliveries()
        db.session.commit()
        assert mailer.deliver(delivery.id) == DeliveryState.SENT
    mailbox.wait_for(lambda ms: len(ms) == 1)


@pytest.mark.parametrize("published", [False, True])
def test_relay_republishes_what_waited_too_long(app: Flask, published: bool) -> None:
    with app.test_request_context():
        inquiry_id = submit(CLEAR)
        row = open_outbox("classify_inquiry")[0]
        assert outbox.relay() == 0  # too fresh: the request's own publication may be on its way
        past = utcnow() - timedelta(minutes=10)
        row.created_at = past
        row.last_published_at = past if published else None
        db.session.commit()
        assert outbox.relay() == 1
        assert row.publish_count == 1 and row.last_published_at > past
        pipeline.classify(inquiry_id, row.id)
        assert row.completed_at is not None
        assert outbox.relay() == 0
