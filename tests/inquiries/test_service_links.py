"""The accept and send-back links a service gets in a routing mail."""

import re
from email.message import EmailMessage

import pytest
from flask import Flask

from inquiries import pipeline
from inquiries.extensions import db
from inquiries.models import Inquiry, Status
from inquiries.submission import submit_inquiry

QUESTION = (
    "Ons ziekenhuis wil software gebruiken die röntgenfoto's automatisch analyseert. "
    "Moet die software een CE-markering hebben als medisch hulpmiddel?"
)


@pytest.fixture
def routed(app: Flask, mailbox) -> tuple[int, EmailMessage]:
    with app.test_request_context():
        inquiry = submit_inquiry(
            {"email": "jan@example.org", "message": QUESTION},
            channel="api",
            interface_language="nl",
        )
        pipeline.classify(inquiry.id)
        pipeline.route(inquiry.id)
        inquiry_id = inquiry.id
    mailbox.wait_for(lambda ms: bool([m for m in ms if m["X-Triage-Kind"] == "routing"]))
    return inquiry_id, mailbox.of_kind("routing")[0]


def status_of(app: Flask, inquiry_id: int) -> str:
    with app.app_context():
        return db.session.get(Inquiry, inquiry_id).status


def confirm(client, url: str, **data: str):
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(True))
    return client.post(url, data={"csrf_token": token.group(1), **data})


def test_links_are_in_the_headers_and_the_body(routed) -> None:
    _, mail = routed
    accept, send_back = mail["X-Triage-Accept-URL"], mail["X-Triage-Send-Back-URL"]
    assert accept and send_back and accept != send_back
    for part in (mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()):
        assert accept in part and send_back in part


def test_opening_a_link_changes_nothing_confirming_accepts_once(app: Flask, client, routed) -> None:
    inquiry_id, mail = routed
    url = mail["X-Triage-Accept-URL"]
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # a scanner that prefetches twice
    assert status_of(app, inquiry_id) == Status.ROUTED
    done = confirm(client, url)
    assert done.status_code == 200
    assert status_of(app, inquiry_id) == Status.ACKNOWLEDGED
    assert client.get(url).status_code == 409
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get(url.split("/service/")[0] + "/").get_data(True),
    ).group(1)
    assert client.post(url, data={"csrf_token": token}).status_code == 409
    assert status_of(app, inquiry_id) == Status.ACKNOWLEDGED


def test_send_back_needs_a_reason_and_returns_to_the_queue(app: Flask, client, routed) -> None:
    inquiry_id, mail = routed
    url = mail["X-Triage-Send-Back-URL"]
    assert confirm(client, url, reason="  ").status_code == 422
    assert status_of(app, inquiry_id) == Status.ROUTED
    assert confirm(client, url, reason="Dit is voor het FAGG, niet voor ons.").status_code == 200
    with app.app_context():
        inquiry = db.session.get(Inquiry, inquiry_id)
        assert inquiry.status == Status.SENT_BACK
        assert inquiry.events[-1].note == "Dit is voor het FAGG, niet voor ons."
        assert inquiry.events[-1].actor == "service:health"
    # The accept link of the same mail no longer acts either.
    assert client.get(mail["X-Triage-Accept-URL"]).status_code == 409


def test_forged_or_altered_links_do_nothing(app: Flask, client, routed) -> None:
    inquiry_id, mail = routed
    url = mail["X-Triage-Accept-URL"]
    prefix, token = url.rsplit("/", 1)
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"{prefix}/{altered}").status_code == 404
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not-our-secret", salt="service-response-v1").dumps(
        [1, "<x@example.org>", "accept"]
    )
    assert client.get(f"{prefix}/{forged}").status_code == 404
    assert status_of(app, inquiry_id) == Status.ROUTED


def test_expired_links_are_refused(app: Flask, client, routed) -> None:
    inquiry_id, mail = routed
    app.config["SERVICE_LINK_DAYS"] = -1
    assert client.get(mail["X-Triage-Accept-URL"]).status_code == 410
    assert status_of(app, inquiry_id) == Status.ROUTED
