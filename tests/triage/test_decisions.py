"""What staff decide on an inquiry's page, through the real forms: each decision is an audit
event, each correction a label, and routing and answers really go out by mail."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from inquiries import pipeline
from inquiries.extensions import db
from inquiries.models import Inquiry, Label, OutboxMessage, Status
from tests.conftest import TRIAGER, csrf_of, sign_in

# Questions the corpus does not hold.
# So general that no objective stands out: the model leaves it to a person.
UNSURE = "Wat doet de overheid eigenlijk met AI?"
TAX = "Bonjour, quand vais-je recevoir mon remboursement d'impôts de l'année passée ?"


def run_routing(app: Flask, inquiry_id: int) -> None:
    """What the worker does with the outbox row a routing decision left."""
    with app.test_request_context():
        row = db.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.inquiry_id == inquiry_id,
                OutboxMessage.task == "route_inquiry",
                OutboxMessage.completed_at.is_(None),
            )
        )
        assert row is not None, "no routing was requested"
        pipeline.route(inquiry_id, row.id)


def deliver_pending(app: Flask, inquiry_id: int) -> None:
    from inquiries.mailer import deliver
    from inquiries.models import Delivery

    with app.test_request_context():
        for delivery in db.session.scalars(
            select(Delivery).where(Delivery.inquiry_id == inquiry_id, Delivery.state == "pending")
        ).all():
            deliver(delivery.id)


def decide(client, inquiry_id: int, action: str, **data: str):
    page = client.get(f"/triage/inquiries/{inquiry_id}").get_data(True)
    return client.post(
        f"/triage/inquiries/{inquiry_id}/{action}",
        data={"csrf_token": csrf_of(page), **data},
        follow_redirects=True,
    )


def inquiry_of(app: Flask, inquiry_id: int) -> tuple[Inquiry, list[Label], list[str]]:
    with app.app_context():
        inquiry = db.session.get(Inquiry, inquiry_id)
        labels = list(db.session.scalars(select(Label).where(Label.inquiry_id == inquiry_id)))
        actions = [event.action for event in inquiry.events]
        db.session.expunge_all()
        return inquiry, labels, actions


def test_inquiry_page_explains_the_model(app: Flask, staff, classified) -> None:
    inquiry_id = classified(UNSURE, language="nl")
    client = app.test_client()
    sign_in(client, *TRIAGER)
    page = client.get(f"/triage/inquiries/{inquiry_id}").get_data(True)
    assert UNSURE in page
    assert "citizen@example.org" in page
    assert "Probability of each objective" in page
    assert page.count('class="bar__fill"') == 10  # one bar per objective, 0 to 9
    assert "Words that weighed most" in page
    with app.app_context():
        explanation = db.session.get(Inquiry, inquiry_id).latest_classification.explanation
    assert all(term in page for term in explanation)


def test_correct_the_objective_and_route(app: Flask, staff, classified, mailbox) -> None:
    inquiry_id = classified(UNSURE, language="nl")
    client = app.test_client()
    sign_in(client, *TRIAGER)
    answer = decide(client, inquiry_id, "objective", objective="9", service="", then="route")
    assert "Saved. The routing mail is on its way." in answer.get_data(True)
    run_routing(app, inquiry_id)
    mail = mailbox.wait_for(lambda ms: any(m["X-Triage-Kind"] == "routing" for m in ms))[-1]
    inquiry, labels, actions = inquiry_of(app, inquiry_id)
    assert mail["X-Triage-Objective"] == "9"
    assert mail["X-Triage-Reference"] == inquiry.reference
    assert inquiry.status == Status.ROUTED and inquiry.service_key is not None
    assert [(label.source, label.objective) for label in labels] == [("staff", 9)]
    assert "objective_changed" in actions and "route_requested" in actions
    with app.app_context():
        event = next(
            e for e in db.session.get(Inquiry, inquiry_id).events if e.action == "objective_changed"
        )
        assert event.actor == f"staff:{TRIAGER[0]}"


def test_confirm_the_model_and_route(app: Flask, staff, classified, mailbox) -> None:
    inquiry_id = classified(UNSURE, language="nl")
    model_objective = inquiry_of(app, inquiry_id)[0].objective_code
    client = app.test_client()
    sign_in(client, *TRIAGER)
    answer = decide(client, inquiry_id, "confirm")
    assert "Confirmed." in answer.get_data(True)
    run_routing(app, inquiry_id)
    mail = mailbox.wait_for(lambda ms: any(m["X-Triage-Kind"] == "routing" for m in ms))[-1]
    assert mail["X-Triage-Objective"] == str(model_objective)
    _, labels, actions = inquiry_of(app, inquiry_id)
    assert [label.objective for label in labels] == [model_objective]
    assert "objective_confirmed" in actions


def test_routing_twice_is_refused_while_the_first_is_on_its_way(
    app: Flask, staff, classified
) -> None:
    inquiry_id = classified(UNSURE, language="nl")
    client = app.test_client()
    sign_in(client, *TRIAGER)
    decide(client, inquiry_id, "objective", objective="9", service="", then="route")
    again = decide(client, inquiry_id, "route")
    assert "already on its way" in again.get_data(True)
    with app.app_context():
        assert inquiry_of(app, inquiry_id)[0].routing_round == 1


def test_out_of_scope_gets_a_polite_answer_in_the_submitters_language(
    app: Flask, staff, classified, mailbox
) -> None:
    inquiry_id = classified(TAX, language="fr")
    inquiry, _, _ = inquiry_of(app, inquiry_id)
    assert inquiry.status == Status.NEEDS_REVIEW and inquiry.objective_code == 0
    client = app.test_client()
    sign_in(client, *TRIAGER)
    queue = client.get("/triage?show=suggested_out_of_scope").get_data(True)
    assert inquiry.reference in queue
    answer = decide(client, inquiry_id, "out-of-scope", note="Tax question, FPS Finance")
    assert "Marked out of scope" in answer.get_data(True)
    deliver_pending(app, inquiry_id)
    mail = mailbox.wait_for(lambda ms: any(m["X-Triage-Kind"] == "status" for m in ms))[-1]
    assert mail["Content-Language"] == "fr" and mail["To"] == "citizen@example.org"
    body = mail.get_body(("plain",)).get_content()
    assert inquiry.reference in body and "remboursement d'impôts" in body
    assert "Tax question" not in body  # the internal note stays inside
    inquiry, labels, _ = inquiry_of(app, inquiry_id)
    assert inquiry.status == Status.OUT_OF_SCOPE
    assert [label.objective for label in labels] == [0]
    assert not mailbox.of_kind("routing")


def test_spam_is_closed_without_any_mail(app: Flask, staff, make_inquiry, mailbox) -> None:
    inquiry_id = make_inquiry("BUY CHEAP WATCHES http://spam.example", objective=0)
    client = app.test_client()
    sign_in(client, *TRIAGER)
    decide(client, inquiry_id, "spam")
    deliver_pending(app, inquiry_id)
    inquiry, labels, _ = inquiry_of(app, inquiry_id)
    assert inquiry.status == Status.CLOSED
    assert [label.objective for label in labels] == [0]
    assert not mailbox.messages
    again = decide(client, inquiry_id, "confirm")
    assert "no longer open" in again.get_data(True)


def test_notes_and_assignment_are_in_the_history_not_on_the_status_page(
    app: Flask, staff, make_inquiry
) -> None:
    inquiry_id = make_inquiry("A question")
    client = app.test_client()
    sign_in(client, *TRIAGER)
    decide(client, inquiry_id, "note", text="Called the submitter <b>back</b>")
    decide(client, inquiry_id, "assign", assignee=str(staff["admin"]))
    page = client.get(f"/triage/inquiries/{inquiry_id}").get_data(True)
    assert "Called the submitter &lt;b&gt;back&lt;/b&gt;" in page  # escaped, never markup
    assert "Ada Admin" in page
    empty = decide(client, inquiry_id, "note", text="   ")
    assert "Write the note first." in empty.get_data(True)
    inquiry, _, actions = inquiry_of(app, inquiry_id)
    assert inquiry.assignee_id == staff["admin"]
    assert actions.count("note") == 1 and "assigned" in actions
    public = app.test_client().get(f"/status/{inquiry.status_token}").get_data(True)
    assert "Called the submitter" not in public and "Ada" not in public


def test_bulk_actions_on_selected_rows(app: Flask, staff, make_inquiry) -> None:
    first = make_inquiry("First", objective=5)
    second = make_inquiry("Second", objective=6)
    closed = make_inquiry("Closed", status="closed")
    spam = make_inquiry("Spam", objective=0)
    client = app.test_client()
    sign_in(client, *TRIAGER)
    token = csrf_of(client.get("/triage").get_data(True))

    def bulk(action: str, ids: list[int], **extra: str):
        return client.post(
            "/triage/bulk",
            data={"csrf_token": token, "bulk-action": action, "bulk-ids": ids, **extra},
            follow_redirects=True,
        )

    answer = bulk("route", [first, second, closed]).get_data(True)
    assert "Done for 2 inquiries." in answer and "1 inquiries were left" in answer
    assert inquiry_of(app, first)[2][-1] == "route_requested"
    assert inquiry_of(app, second)[2][-1] == "route_requested"
    bulk("assign", [first, second], **{"bulk-assignee": str(staff["triager"])})
    assert inquiry_of(app, second)[0].assignee_id == staff["triager"]
    bulk("spam", [spam])
    assert inquiry_of(app, spam)[0].status == Status.CLOSED
    nothing = bulk("spam", []).get_data(True)
    assert "Select at least one inquiry" in nothing


def test_sent_back_inquiry_is_routed_again_as_a_new_mail(
    app: Flask, staff, classified, mailbox
) -> None:
    inquiry_id = classified(UNSURE, language="nl")
    client = app.test_client()
    sign_in(client, *TRIAGER)
    decide(client, inquiry_id, "objective", objective="9", service="", then="route")
    run_routing(app, inquiry_id)
    first = mailbox.wait_for(
        lambda ms: len([m for m in ms if m["X-Triage-Kind"] == "routing"]) == 1
    )
    routing = next(m for m in first if m["X-Triage-Kind"] == "routing")
    send_back = routing["X-Triage-Send-Back-URL"]
    page = client.get(send_back).get_data(True)
    client.post(send_back, data={"csrf_token": csrf_of(page), "reason": "Not about our service"})
    assert inquiry_of(app, inquiry_id)[0].status == Status.SENT_BACK
    assert inquiry_of(app, inquiry_id)[0].reference in client.get(
        "/triage?show=sent_back"
    ).get_data(True)

    decide(client, inquiry_id, "objective", objective="4", service="", then="route")
    run_routing(app, inquiry_id)
    mails = mailbox.wait_for(
        lambda ms: len([m for m in ms if m["X-Triage-Kind"] == "routing"]) == 2
    )
    again = [m for m in mails if m["X-Triage-Kind"] == "routing"][1]
    assert again["X-Triage-Objective"] == "4"
    assert inquiry_of(app, inquiry_id)[0].status == Status.ROUTED
    page = client.get(f"/triage/inquiries/{inquiry_id}").get_data(True)
    assert re.search(r"Not about our service", page)
