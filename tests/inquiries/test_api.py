import pytest
from flask import Flask
from sqlalchemy import func, select

from inquiries.extensions import db
from inquiries.models import Delivery, Inquiry, OutboxMessage

VALID = {
    "email": "an.peeters@example.org",
    "message": "Mag een gemeente camerabeelden met gezichtsherkenning analyseren?",
    "name": "An Peeters",
}


def stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Inquiry))


def test_valid_inquiry_is_accepted_with_reference_and_status_url(app: Flask, client) -> None:
    response = client.post("/api/v1/inquiries", json=VALID)
    assert response.status_code == 202
    body = response.get_json()
    assert body["reference"].startswith("AI-2026-") or body["reference"].startswith("AI-")
    assert body["status_url"].startswith("http")
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        assert inquiry.reference == body["reference"]
        assert inquiry.status == "received"
        # None was named: the worker reads the message's language before answering.
        assert inquiry.language == "en" and not inquiry.language_declared
        assert inquiry.events[0].action == "received"
        # One transaction holds the inquiry, its outbox row and its acknowledgement.
        assert db.session.scalar(select(OutboxMessage.task)) == "classify_inquiry"
        assert db.session.scalar(select(Delivery.kind)) == "acknowledgement"
    status = client.get(body["status_url"], headers={"Accept": "application/json"})
    assert status.status_code == 200
    assert status.get_json()["reference"] == body["reference"]


def test_status_url_cannot_be_guessed(app: Flask, client) -> None:
    first = client.post("/api/v1/inquiries", json=VALID).get_json()["status_url"]
    second = client.post("/api/v1/inquiries", json=VALID).get_json()["status_url"]
    token = first.rsplit("/", 1)[1]
    assert len(token) >= 40 and first != second
    assert (
        client.get("/status/" + token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"message": VALID["message"]}, "email"),
        ({"email": "an@example.org"}, "message"),
        ({**VALID, "email": "not an address"}, "email"),
        ({**VALID, "message": "   \n  "}, "message"),
        ({**VALID, "message": "x" * 6000}, "message"),
        ({**VALID, "subject": "Hello\r\nBcc: victim@example.org"}, "subject"),
        ({**VALID, "name": "An\nPeeters"}, "name"),
        ({**VALID, "language": "es"}, "language"),
        ({**VALID, "message": 42}, "message"),
        ({**VALID, "email": ["a@example.org"]}, "email"),
        ({**VALID, "is_admin": True}, "is_admin"),
        ({**VALID, "consent_to_share": "yes"}, "consent_to_share"),
    ],
)
def test_invalid_input_is_refused_per_field_and_not_stored(
    app: Flask, client, payload, field
) -> None:
    response = client.post("/api/v1/inquiries", json=payload)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors and errors[field] and all(isinstance(m, str) for m in errors[field])
    assert stored(app) == 0


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('"text"', "application/json", 400),
        ("email=a@example.org", "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe{}", "application/json", 400),
    ],
)
def test_malformed_bodies_get_a_clear_error(app: Flask, client, data, content_type, status) -> None:
    response = client.post("/api/v1/inquiries", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["errors"]
    assert stored(app) == 0


def test_oversized_body_is_refused(app: Flask, client) -> None:
    response = client.post("/api/v1/inquiries", json={**VALID, "message": "a" * 200_000})
    assert response.status_code == 413
    assert response.get_json()["errors"]
    assert stored(app) == 0


def test_errors_come_in_the_language_asked_for(app: Flask, client) -> None:
    english = client.post("/api/v1/inquiries", json={"message": VALID["message"]})
    french = client.post(
        "/api/v1/inquiries",
        json={"message": VALID["message"]},
        headers={"Accept-Language": "fr-BE,fr;q=0.9"},
    )
    dutch = client.post("/api/v1/inquiries", json={"message": VALID["message"], "language": "nl"})
    messages = {r.get_json()["errors"]["email"][0] for r in (english, french, dutch)}
    assert len(messages) == 3, messages
    assert "adresse" in french.get_json()["errors"]["email"][0].lower()
    assert "e-mailadres" in dutch.get_json()["errors"]["email"][0].lower()


@pytest.mark.parametrize(
    "message",
    [
        "Mag een chatbot 🤖 mijn klanten antwoorden? 👍🏽 Alvast bedankt!",
        "هل يمكن استخدام الذكاء الاصطناعي في البلدية؟ \u202eevil\u202c Is AI allowed here?",
        "Robert'); DROP TABLE inquiries;-- wants to know about AI rules",
        "<script>alert('x')</script><img src=x onerror=alert(1)> Is this AI question ok?",
        "A very long line about AI " + "word " * 900 + "end",
    ],
)
def test_unusual_but_harmless_text_is_kept_as_written(app: Flask, client, message: str) -> None:
    response = client.post("/api/v1/inquiries", json={**VALID, "message": message})
    assert response.status_code == 202
    with app.app_context():
        assert db.session.scalar(select(Inquiry.message)) == message  # stored, not mangled
