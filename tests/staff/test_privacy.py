"""Personal data: anonymised when the retention period is over, and shown or erased when the
submitter asks, by an admin, audited without the address itself."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from inquiries import model_registry, privacy
from inquiries.cli import main as triage_cli
from inquiries.extensions import db
from inquiries.models import AdminEvent, Inquiry, InquiryTerm, Label
from inquiries.models.types import utcnow
from tests.conftest import ADMIN, TRIAGER, csrf_of, sign_in

QUESTION = "Mijn naam is Els Peeters, ik werk in het UZ Gent. Mag ons ziekenhuis AI gebruiken?"


def finished(app: Flask, classified, months_ago: int, status: str = "acknowledged") -> int:
    inquiry_id = classified(QUESTION, language="nl", name="Els Peeters")
    with app.app_context():
        inquiry = db.session.get(Inquiry, inquiry_id)
        inquiry.status = status
        inquiry.record("note", actor="staff:x", note="Called Els on 0470 12 34 56")
        db.session.add(Label(inquiry_id=inquiry_id, source="staff", objective=5, actor="staff:x"))
        db.session.commit()
        inquiry.updated_at = utcnow() - timedelta(days=31 * months_ago)
        db.session.commit()
    return inquiry_id


def test_retention_anonymises_finished_inquiries_only(app: Flask, staff, classified) -> None:
    old = finished(app, classified, months_ago=25)
    recent = finished(app, classified, months_ago=23)
    waiting = finished(app, classified, months_ago=30, status="needs_review")
    result = app.test_cli_runner().invoke(cli=triage_cli, args=["purge"])
    assert result.exit_code == 0 and "1 inquiries anonymised" in result.output
    with app.app_context():
        gone = db.session.get(Inquiry, old)
        assert gone.email == f"erased-{old}@erased.invalid"
        assert gone.message == privacy.ERASED and gone.name == ""
        assert gone.anonymised_at is not None
        assert all(not e.note for e in gone.events)
        assert all(c.explanation == [] for c in gone.classifications)
        assert not db.session.scalars(
            select(InquiryTerm).where(InquiryTerm.inquiry_id == old)
        ).all()
        assert gone.objective_code is not None and gone.created_at  # statistics stay
        assert gone.events[-1].action == "anonymised"
        for kept in (recent, waiting):
            assert db.session.get(Inquiry, kept).message == QUESTION
        # An erased question is no longer training data.
        texts = [example.text for example in model_registry.staff_examples()]
        assert texts.count(QUESTION) == 2 and privacy.ERASED not in texts
    again = app.test_cli_runner().invoke(cli=triage_cli, args=["purge"])
    assert "0 inquiries anonymised" in again.output


def test_admin_exports_and_erases_a_submitters_data(app: Flask, staff, classified) -> None:
    first = finished(app, classified, months_ago=0, status="routed")
    second = finished(app, classified, months_ago=0, status="needs_review")
    other = classified("Which subsidies exist for AI start-ups?", email="someone@else.example")
    client = app.test_client()
    sign_in(client, *ADMIN)
    page = client.get("/admin/privacy").get_data(True)
    exported = client.post(
        "/admin/privacy",
        data={"csrf_token": csrf_of(page), "email": "CITIZEN@example.org", "do": "export"},
    )
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    data = json.loads(exported.get_data(True))
    assert len(data["inquiries"]) == 2
    assert data["inquiries"][0]["message"] == QUESTION
    assert any(e["note"] == "Called Els on 0470 12 34 56" for e in data["inquiries"][0]["history"])

    unconfirmed = client.post(
        "/admin/privacy",
        data={"csrf_token": csrf_of(page), "email": "citizen@example.org", "do": "erase"},
    )
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.get_data(True)
    erased = client.post(
        "/admin/privacy",
        data={
            "csrf_token": csrf_of(page),
            "email": "citizen@example.org",
            "do": "erase",
            "confirm": "y",
        },
        follow_redirects=True,
    )
    assert "Erased: 2 inquiries." in erased.get_data(True)
    with app.app_context():
        for inquiry_id in (first, second):
            assert db.session.get(Inquiry, inquiry_id).message == privacy.ERASED
        assert db.session.get(Inquiry, other).email == "someone@else.example"
        events = db.session.scalars(select(AdminEvent).order_by(AdminEvent.id)).all()
        assert [e.action for e in events] == ["submitter_exported", "submitter_erased"]
        assert "citizen" not in json.dumps([e.detail for e in events]).lower()
        token = db.session.get(Inquiry, first).status_token
    assert (
        client.get("/triage?show=all&q=citizen@example.org")
        .get_data(True)
        .count('class="reference"')
        == 0
    )
    status = client.get(f"/status/{token}", headers={"Accept": "application/json"})
    assert status.status_code == 200 and status.get_json()["status"] == "routed"


def test_only_admins_handle_personal_data_requests(app: Flask, staff) -> None:
    client = app.test_client()
    sign_in(client, *TRIAGER)
    token = csrf_of(client.get("/triage").get_data(True))
    assert client.get("/admin/privacy").status_code == 403
    answer = client.post(
        "/admin/privacy", data={"csrf_token": token, "email": "a@example.org", "do": "export"}
    )
    assert answer.status_code == 403
