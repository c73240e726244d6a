"""Published answers shown while a citizen writes: found across languages, given in the page's
language, never another person's inquiry, and escaped like everything else."""

from __future__ import annotations

from flask import Flask

from config import catalogue
from inquiries.faq import suggestions

HOSPITAL = (
    "Mag ons ziekenhuis software gebruiken die röntgenfoto's analyseert, "
    "heeft die een CE-markering nodig?"
)


def test_every_entry_speaks_four_languages() -> None:
    entries = catalogue.faq()
    assert {entry.objective for entry in entries} == set(range(1, 10))
    for entry in entries:
        assert set(entry.question) == set(entry.answer) == {"nl", "fr", "de", "en"}


def test_similar_published_questions_come_first() -> None:
    found = suggestions(HOSPITAL, "nl")
    assert found and "CE" in found[0].question
    assert found[0].service == "fagg"
    in_english = suggestions(HOSPITAL, "en")
    assert in_english[0].question == next(
        e.question["en"] for e in catalogue.faq() if e.question["nl"] == found[0].question
    )
    assert suggestions("When will I get my tax refund from last year?", "en") == []
    assert suggestions("AI", "en") == []


def test_the_form_asks_as_the_citizen_types(app: Flask, client) -> None:
    answer = client.get("/similar-questions", query_string={"text": HOSPITAL, "lang": "fr"})
    assert answer.status_code == 200
    [first, *_] = answer.get_json()["suggestions"]
    assert "CE" in first["question"] and first["service"]
    assert first["question"] in {e.question["fr"] for e in catalogue.faq()}


def test_after_an_error_the_form_shows_them_without_javascript(app: Flask, client) -> None:
    page = client.get("/").get_data(True)
    assert 'id="similar-questions"' in page and "similar.js" in page
    from tests.conftest import csrf_of

    answer = client.post(
        "/?lang=en",
        data={"csrf_token": csrf_of(page), "message": HOSPITAL + " <script>x</script>"},
    )
    html = answer.get_data(True)
    assert answer.status_code == 422
    assert "Already answered: perhaps your question is here" in html
    assert "<script>x</script>" not in html
