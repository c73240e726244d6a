"""The dashboard's figures, computed on inquiries whose history we know exactly."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from inquiries import dashboard
from inquiries.extensions import db
from inquiries.models import Delivery, Inquiry, Label, Status
from inquiries.models.types import utcnow
from tests.conftest import TRIAGER, sign_in


def routed_after(app: Flask, inquiry_id: int, minutes: float, decision: str) -> None:
    """Mark an inquiry routed `minutes` after it came in, by the model or by a person."""
    with app.app_context():
        inquiry = db.session.get(Inquiry, inquiry_id)
        inquiry.latest_classification.decision = decision
        inquiry.change_status(Status.ROUTED, actor="mailer")
        inquiry.events[-1].at = inquiry.created_at + timedelta(minutes=minutes)
        db.session.commit()


def test_summary_figures(app: Flask, staff, make_inquiry) -> None:
    fast = make_inquiry("Fast", objective=5, confidence=0.95, age_days=1)
    routed_after(app, fast, 1, "route")
    slow = make_inquiry("Slow", objective=5, confidence=0.6, age_days=2)
    routed_after(app, slow, 180, "review")
    corrected = make_inquiry("Corrected", objective=3, confidence=0.5, age_days=3)
    make_inquiry("Waiting", objective=3, confidence=0.4)
    make_inquiry("Old", objective=3, confidence=0.4, age_days=100)  # outside the window
    with app.app_context():
        db.session.add(Label(inquiry_id=corrected, source="staff", objective=4, actor="staff:x"))
        db.session.add(
            Delivery(
                inquiry_id=corrected,
                kind="routing",
                dedup_key="x",
                recipient="service@example.org",
                language="nl",
                message_id="<x@example.org>",
                state="failed",
            )
        )
        db.session.commit()
        summary = dashboard.summary()
    assert summary.classified == 4
    assert summary.routed_by_model == 1 and summary.automatic_share == 0.25
    assert summary.corrections[3] == (1, 2) and summary.corrections[5] == (0, 2)
    assert summary.routed_count == 2
    assert summary.route_median_minutes == 90.5
    assert summary.route_p90_minutes == 180
    assert summary.deliveries == {"pending": 0, "failed": 1, "uncertain": 0}
    assert summary.waiting == 3
    assert sum(summary.per_week[week].get(3, 0) for week in summary.per_week) == 2
    assert dashboard.week_of(utcnow().date()) == summary.weeks[-1]

    client = app.test_client()
    sign_in(client, *TRIAGER)
    page = client.get("/triage/dashboard").get_data(True)
    assert "25%" in page and "routed without a person (1 of 4 classified)" in page
    assert "50% (1/2)" in page  # objective 3: one of two corrected
    assert "3 hours" in page  # the 90th percentile
