"""Bots are refused (honeypot, minimum fill time, rate limits) while a person gets through."""

import time

from flask import Flask
from sqlalchemy import func, select

from inquiries.extensions import db
from inquiries.models import Inquiry
from tests.conftest import form_fields, send_form

QUESTION = "Mag een gemeente camerabeelden met gezichtsherkenning analyseren op de markt?"


def stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Inquiry))


def post_form(client, **extra: str):
    return send_form(client, "nl", **{"email": "an@example.org", "message": QUESTION, **extra})


def test_a_form_sent_too_fast_is_refused_then_accepted(app: Flask, client) -> None:
    app.config["FORM_MIN_FILL_SECONDS"] = 2
    too_fast = post_form(client)
    assert too_fast.status_code == 422
    assert "snel" in too_fast.get_data(as_text=True)  # explained, in Dutch
    assert stored(app) == 0
    fields = form_fields(too_fast.get_data(as_text=True))  # a fresh clock for the person
    time.sleep(2.2)
    accepted = client.post("/", data={**fields, "email": "an@example.org", "message": QUESTION})
    assert accepted.status_code == 303
    assert stored(app) == 1


def test_a_filled_honeypot_is_refused(app: Flask, client) -> None:
    response = post_form(client, website="http://spam.example.org")
    assert response.status_code == 422
    assert stored(app) == 0


def test_a_forged_clock_is_refused(app: Flask, client) -> None:
    response = post_form(client, opened="form.AAAAAA.forged")
    assert response.status_code == 422
    assert stored(app) == 0


def test_submissions_are_rate_limited_per_client(app: Flask, client) -> None:
    app.config["SUBMIT_RATE_LIMIT"] = "3 per minute"
    body = {"email": "an@example.org", "message": QUESTION}
    answers = [client.post("/api/v1/inquiries", json=body).status_code for _ in range(4)]
    assert answers == [202, 202, 202, 429]
    limited = client.post("/api/v1/inquiries", json=body, headers={"Accept-Language": "fr"})
    assert limited.status_code == 429
    assert "requêtes" in limited.get_json()["errors"]["request"][0]
    assert limited.headers["Retry-After"] == "60"  # the minute's window ends within a minute
    assert post_form(client).status_code == 429  # the form shares the client's budget
    assert client.get("/").status_code == 200  # reading is never limited
    other = app.test_client()
    assert (
        other.post(
            "/api/v1/inquiries", json=body, environ_base={"REMOTE_ADDR": "192.0.2.10"}
        ).status_code
        == 202
    )
    assert stored(app) == 4
