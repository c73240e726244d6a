"""A person at the committee corrects an unsure inquiry in a real browser, and it is routed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from inquiries.extensions import db
from inquiries.models import Inquiry, Label, Status
from tests.browser.conftest import sign_in, submit_and_classify, wait_until
from tests.conftest import MailBox

pytestmark = pytest.mark.browser

HEALTHCARE = 5
# Questions about hospitals that mix in another topic, so the model is unsure and does not pick
# healthcare; a person corrects them to objective 5. The first that lands in review is used.
MIXED_HOSPITAL_QUESTIONS = [
    "Our hospital wants to share its data with a start-up that builds AI for car parks. Who can "
    "advise us?",
    "Our hospital and a university want to rent computing power together for AI research on "
    "traffic. Who can help?",
    "A hospital, a school and the railways want to start an AI project together. Where do we "
    "begin?",
]


def unsure_inquiry(app: Flask) -> Inquiry:
    """Chosen at run time, so a retrained model that grows surer of one question still works."""
    inquiries = submit_and_classify(app, MIXED_HOSPITAL_QUESTIONS)
    for inquiry in inquiries:
        if inquiry.status == Status.NEEDS_REVIEW and inquiry.objective_code not in (0, HEALTHCARE):
            return inquiry
    pytest.fail(
        "no question landed in review with another objective than 0 or 5: "
        f"{[(i.status, i.objective_code) for i in inquiries]}"
    )


def status_of(app: Flask, inquiry_id: int) -> str:
    with app.app_context():
        return db.session.get(Inquiry, inquiry_id).status


def screenshot(page: Page, folder: Path, name: str) -> None:
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000, f"{name} looks empty"


def test_staff_corrects_an_unsure_inquiry_and_routes_it(
    app: Flask, staff: dict[str, int], page: Page, mailbox: MailBox, artifacts: Path
) -> None:
    inquiry = unsure_inquiry(app)
    reference = inquiry.reference

    sign_in(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row).to_contain_text("The model is unsure")
    screenshot(page, artifacts, "triage-queue.png")
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect(page.locator("dl.summary").first).to_contain_text("Needs review")

    page.locator("#objective").select_option(str(HEALTHCARE))
    page.get_by_role("button", name="Save and route").click()
    expect(page.locator(".flash")).to_have_text("Saved. The routing mail is on its way.")

    mailbox.wait_for(
        lambda ms: any(
            m["X-Triage-Kind"] == "routing" and m["X-Triage-Reference"] == reference for m in ms
        )
    )
    mail = next(m for m in mailbox.of_kind("routing") if m["X-Triage-Reference"] == reference)
    assert mail["X-Triage-Objective"] == str(HEALTHCARE)
    assert mail["To"] == "health-ai.to-configure@example.org"
    wait_until(lambda: status_of(app, inquiry.id) == Status.ROUTED)  # committed after sending
    page.reload()
    expect(page.locator("dl.summary").first).to_contain_text("Routed")
    screenshot(page, artifacts, "triage-inquiry.png")

    with app.app_context():
        labels = db.session.scalars(select(Label).where(Label.inquiry_id == inquiry.id)).all()
        assert [(label.source, label.objective) for label in labels] == [("staff", HEALTHCARE)]


def test_anonymous_visitor_is_sent_to_sign_in(page: Page) -> None:
    page.goto("/triage")
    expect(page).to_have_url(re.compile(r"/staff/login\?next=%2Ftriage$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the triage queue")
