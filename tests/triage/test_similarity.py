"""Similar earlier inquiries: duplicates and precedents come first, unrelated ones not at all."""

from __future__ import annotations

from flask import Flask

from inquiries import similarity
from inquiries.extensions import db
from inquiries.models import Inquiry
from tests.conftest import TRIAGER, sign_in


def test_terms_fold_case_accents_and_endings() -> None:
    assert similarity.terms_of("Ziekenhuizen, ZIEKENHUIS; Élève élèves à l'école 2026") == [
        "ziekenh",
        "eleve",
        "eleves",
        "ecole",
    ]


def test_duplicates_and_precedents_come_first(app: Flask, staff, classified) -> None:
    precedent = classified(
        "Mag een ziekenhuis software gebruiken die röntgenfoto's automatisch beoordeelt?",
        language="nl",
    )
    classified("Which subsidies exist for a start-up that builds chatbots?")
    classified("Quand les voitures autonomes pourront-elles rouler sur les routes belges ?", "fr")
    duplicate = classified(
        "Mag een ziekenhuis software gebruiken die röntgenfoto's automatisch beoordeelt?",
        language="nl",
    )
    newest = classified(
        "Ons ziekenhuis wil röntgenfoto's laten beoordelen door software. Mag dat?", "nl"
    )
    with app.app_context():
        inquiry = db.session.get(Inquiry, newest)
        found = similarity.similar_to(inquiry, inquiry.message)
        assert [match.inquiry.id for match in found] == [precedent, duplicate] or [
            match.inquiry.id for match in found
        ] == [duplicate, precedent]
        assert all(match.inquiry.id < newest for match in found)  # earlier ones only
        assert {"ziekenh", "rontgen", "softwar"} <= set(found[0].shared)
        twin = db.session.get(Inquiry, duplicate)
        top = similarity.similar_to(twin, twin.message)[0]
        assert top.inquiry.id == precedent and top.score > 0.9

    client = app.test_client()
    sign_in(client, *TRIAGER)
    page = client.get(f"/triage/inquiries/{newest}").get_data(True)
    with app.app_context():
        assert db.session.get(Inquiry, precedent).reference in page
        assert "Similar earlier inquiries" in page
