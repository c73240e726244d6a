"""The routing table, edited by an admin: validated, audited, kept across `db upgrade`, and used
by the next routing; copies for a secondary objective's service when an admin wants them."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from inquiries import pipeline
from inquiries.catalogue import load_catalogue
from inquiries.extensions import db
from inquiries.models import AdminEvent, Inquiry, Objective, Service
from inquiries.submission import submit_inquiry
from tests.conftest import ADMIN, TRIAGER, csrf_of, sign_in

HEALTH = (
    "Ons ziekenhuis wil software gebruiken die röntgenfoto's automatisch analyseert. "
    "Moet die software een CE-markering hebben als medisch hulpmiddel?"
)


def admin_client(app: Flask):
    client = app.test_client()
    sign_in(client, *ADMIN)
    return client, csrf_of(client.get("/admin/routing").get_data(True))


def test_admin_reroutes_an_objective_and_the_next_inquiry_follows(
    app: Flask, staff, mailbox
) -> None:
    client, token = admin_client(app)
    answer = client.post(
        "/admin/routing/objectives/5",
        data={"csrf_token": token, "objective-5-service": "bosa-digital"},
        follow_redirects=True,
    )
    assert "The routing of objective 5 is saved." in answer.get_data(True)
    with app.app_context():
        load_catalogue()  # a later `triage db upgrade` keeps what the admin chose
        assert db.session.get(Objective, 5).service_key == "bosa-digital"
        event = db.session.scalars(select(AdminEvent)).one()
        assert event.actor == f"staff:{ADMIN[0]}" and event.detail["objective"] == 5
        assert event.detail["service"] == ["health", "bosa-digital"]
        address = db.session.get(Service, "bosa-digital").email
    with app.test_request_context():
        inquiry = submit_inquiry(
            {"email": "a@example.org", "message": HEALTH}, channel="api", interface_language="nl"
        )
        pipeline.classify(inquiry.id)
        pipeline.route(inquiry.id)
    mail = mailbox.wait_for(lambda ms: any(m["X-Triage-Kind"] == "routing" for m in ms))
    assert next(m for m in mail if m["X-Triage-Kind"] == "routing")["To"] == address


def test_routing_table_refuses_what_would_lose_inquiries(app: Flask, staff) -> None:
    client, token = admin_client(app)

    def post(url: str, **data: str) -> str:
        return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True).get_data(
            True
        )

    assert "Every objective needs an active service." in post(
        "/admin/routing/objectives/3", **{"objective-3-service": ""}
    )
    service = {
        "service-health-email": "ai@health.example.org",
        "service-health-reminder_after_days": "5",
        "service-health-escalate_after_days": "5",
    }
    assert "still go to this service" in post("/admin/routing/services/health", **service)
    assert "This is not a valid email address." in post(
        "/admin/routing/services/health",
        **{**service, "service-health-email": "not-an-address", "service-health-active": "y"},
    )
    assert "Use between 1 and 60 working days." in post(
        "/admin/routing/services/health",
        **{**service, "service-health-reminder_after_days": "0", "service-health-active": "y"},
    )
    saved = post("/admin/routing/services/health", **{**service, "service-health-active": "y"})
    assert "The service health is saved." in saved
    with app.app_context():
        health = db.session.get(Service, "health")
        assert health.email == "ai@health.example.org" and health.active
        assert db.session.get(Objective, 3).service_key is not None
        assert db.session.scalars(select(AdminEvent.action)).all() == ["service_changed"]


def test_triagers_cannot_change_the_routing(app: Flask, staff) -> None:
    client = app.test_client()
    sign_in(client, *TRIAGER)
    token = csrf_of(client.get("/triage").get_data(True))
    assert client.get("/admin/routing").status_code == 403
    refused = client.post(
        "/admin/routing/objectives/5", data={"csrf_token": token, "objective-5-service": "bosa"}
    )
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(Objective, 5).service_key == "health"


def test_secondary_objective_service_gets_a_copy_without_links(app: Flask, staff, mailbox) -> None:
    client, token = admin_client(app)
    client.post(
        "/admin/routing/objectives/1",
        data={
            "csrf_token": token,
            "objective-1-service": "bosa",
            "objective-1-copy_when_secondary": "y",
        },
    )
    with app.test_request_context():
        inquiry = submit_inquiry(
            {"email": "a@example.org", "message": HEALTH}, channel="api", interface_language="nl"
        )
        pipeline.classify(inquiry.id)
        stored = db.session.get(Inquiry, inquiry.id)
        assert stored.objective_code == 5
        stored.latest_classification.secondary = 1  # the model also saw trustworthy AI
        db.session.commit()
        pipeline.route(inquiry.id)
        pipeline.route(inquiry.id)  # a task that runs twice sends nothing twice
        bosa = db.session.get(Service, "bosa").email
    mails = mailbox.wait_for(lambda ms: {m["X-Triage-Kind"] for m in ms} >= {"routing", "copy"})
    copy = next(m for m in mails if m["X-Triage-Kind"] == "copy")
    assert copy["To"] == bosa and copy["X-Triage-Reference"] == stored.reference
    assert (
        copy["X-Triage-Accept-URL"] is None
        and "/services/" not in copy.get_body(("plain",)).get_content()
    )
    assert "a@example.org" not in copy.as_string()  # no contact details in a copy
    assert [m["X-Triage-Kind"] for m in mailbox.messages].count("routing") == 1
    assert [m["X-Triage-Kind"] for m in mailbox.messages].count("copy") == 1
