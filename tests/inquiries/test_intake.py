import re

from flask import Flask
from sqlalchemy import func, select

from inquiries.extensions import db
from inquiries.models import Inquiry
from tests.conftest import send_form


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Inquiry))


def test_form_offers_four_languages_and_labels_every_field(client) -> None:
    page = client.get("/").get_data(as_text=True)
    for code in ("nl", "fr", "de", "en"):
        assert f'hreflang="{code}"' in page
    for field in ("message", "email", "name", "organisation", "subject", "language"):
        assert f'for="{field}"' in page


def test_language_switch_is_remembered(client) -> None:
    first = client.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in first
    again = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in again


def test_browser_language_is_used_when_none_was_chosen(client) -> None:
    page = client.get("/", headers={"Accept-Language": "de-BE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in page.get_data(as_text=True)


def test_form_submission_gives_a_reference(app: Flask, client) -> None:
    response = send_form(
        client,
        "en",
        email="marie@example.org",
        language="fr",
        message="Comment la police fédérale utilise-t-elle la reconnaissance faciale?",
        consent_to_share="y",
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"AI-\d{4}-\d{6}", page)
    assert reference
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        assert inquiry.reference == reference.group(0)
        assert inquiry.language == "fr" and inquiry.consent_to_share


def test_form_without_csrf_token_is_refused(app: Flask, client) -> None:
    response = client.post(
        "/",
        data={"email": "marie@example.org", "message": "Une question sur l'IA et la vie privée."},
    )
    assert response.status_code in (400, 422)
    assert count(app) == 0


def test_errors_are_listed_and_linked_to_their_fields(app: Flask, client) -> None:
    response = send_form(client, "nl", email="geen-adres", message="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert 'href="#email"' in page and 'href="#message"' in page
    assert 'aria-invalid="true"' in page
    assert count(app) == 0


def test_submitted_text_is_escaped_on_the_page(app: Flask, client) -> None:
    hostile = "<script>alert(1)</script>"
    response = send_form(client, email="x@example.org", subject=hostile, message="short")
    page = response.get_data(as_text=True)
    assert hostile not in page
    assert count(app) == 0


def test_status_page_dates_read_as_in_belgium(app: Flask, client) -> None:
    response = send_form(
        client,
        "nl",
        email="jan@example.org",
        message="Mag de gemeente camera's met gezichtsherkenning gebruiken op de markt?",
    )
    assert response.status_code == 303
    status_page = response.headers["Location"].replace("/received/", "/status/")
    page = client.get(status_page + "?lang=nl").get_data(as_text=True)
    history = page.split('class="timeline"')[1]
    assert re.search(r"<time datetime=\"[^\"]+\">\d{1,2}/\d{2}/\d{4}, \d{2}:\d{2}</time>", history)
