"""Services that do not answer are reminded once, then the committee takes the inquiry back."""

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from inquiries import mailer, pipeline, reminders, service_links
from inquiries.extensions import db
from inquiries.models import Delivery, Inquiry, Label, MailKind, Service, Status
from inquiries.submission import submit_inquiry
from inquiries.workdays import add_working_days, is_working_day

QUESTION = (
    "Ons ziekenhuis wil software gebruiken die röntgenfoto's automatisch analyseert. "
    "Moet die software een CE-markering hebben als medisch hulpmiddel?"
)


def test_working_days_skip_weekends_and_belgian_holidays() -> None:
    assert not is_working_day(datetime(2026, 7, 21).date())  # National Day
    assert not is_working_day(datetime(2026, 4, 6).date())  # Easter Monday 2026
    assert not is_working_day(datetime(2026, 11, 28).date())  # a Saturday
    friday = datetime(2026, 12, 24, 9, tzinfo=UTC)
    assert add_working_days(friday, 1) == datetime(2026, 12, 28, 9, tzinfo=UTC)  # over Xmas


def routed_inquiry(app: Flask) -> int:
    inquiry = submit_inquiry(
        {"email": "jan@example.org", "message": QUESTION}, channel="api", interface_language="nl"
    )
    pipeline.classify(inquiry.id)
    pipeline.route(inquiry.id)
    assert db.session.get(Inquiry, inquiry.id).status == Status.ROUTED
    return inquiry.id


def deliver_pending() -> None:
    for delivery in db.session.scalars(select(Delivery).where(Delivery.state == "pending")):
        mailer.deliver(delivery.id)


def test_reminder_then_escalation(app: Flask, mailbox) -> None:
    with app.test_request_context():
        inquiry_id = routed_inquiry(app)
        db.session.get(Service, "health").reminder_after_days = 3
        db.session.commit()
        routing = db.session.scalar(select(Delivery).where(Delivery.kind == MailKind.ROUTING))
        sent = routing.sent_at
        routing_id, routing_message_id = routing.id, routing.message_id
        assert reminders.chase_services(add_working_days(sent, 2)) == (0, 0)
        three_days = add_working_days(sent, 3) + timedelta(minutes=1)
        assert reminders.chase_services(three_days) == (1, 0)
        assert reminders.chase_services(three_days) == (0, 0)  # once only
        deliver_pending()
        reminder = db.session.scalar(select(Delivery).where(Delivery.kind == MailKind.REMINDER))
        assert reminder.state == "sent"
        later = add_working_days(reminder.sent_at, 5) + timedelta(minutes=1)
        assert reminders.chase_services(later - timedelta(minutes=2)) == (0, 0)
        assert reminders.chase_services(later) == (0, 1)
        inquiry = db.session.get(Inquiry, inquiry_id)
        assert inquiry.status == Status.NEEDS_REVIEW
        assert inquiry.events[-1].detail["escalated"] is True
        assert reminders.chase_services(later) == (0, 0)
    mail = mailbox.wait_for(lambda ms: bool([m for m in ms if m["X-Triage-Kind"] == "reminder"]))
    reminder_mail = next(m for m in mail if m["X-Triage-Kind"] == "reminder")
    routing_mail = next(m for m in mail if m["X-Triage-Kind"] == "routing")
    assert reminder_mail["To"] == routing_mail["To"]
    # The reminder's link answers for the routing mail itself (the tokens differ only by the
    # second they were signed in).
    with app.app_context():
        for mail in (reminder_mail, routing_mail):
            token = mail["X-Triage-Accept-URL"].rsplit("/", 1)[-1]
            assert service_links.read_token(token) == (
                routing_id,
                routing_message_id,
                service_links.Action.ACCEPT,
            )
    assert reminder_mail["In-Reply-To"] == routing_mail["In-Reply-To"]
    assert reminder_mail["Content-Language"] == "nl"


def test_an_answered_inquiry_is_not_chased(app: Flask, mailbox) -> None:
    from inquiries import responses

    with app.test_request_context():
        routed_inquiry(app)
        routing = db.session.scalar(select(Delivery).where(Delivery.kind == MailKind.ROUTING))
        responses.accept(routing)
        far = datetime.now(UTC) + timedelta(days=60)
        assert reminders.chase_services(far) == (0, 0)


def test_a_send_back_is_a_label_for_retraining(app: Flask, mailbox) -> None:
    from inquiries import responses

    with app.test_request_context():
        inquiry_id = routed_inquiry(app)
        routing = db.session.scalar(select(Delivery).where(Delivery.kind == MailKind.ROUTING))
        responses.send_back(routing, "Voor het FAGG.")
        label = db.session.scalar(select(Label).where(Label.inquiry_id == inquiry_id))
        assert label.source == "service_send_back"
        assert label.rejected_objective == 5 and label.objective is None
        assert label.actor == "service:health"
