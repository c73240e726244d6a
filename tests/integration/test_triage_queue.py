"""Out-of-scope questions nobody has seen before, through the API, a real worker, PostgreSQL and
Redis: they wait in /triage for a person and are never routed."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from inquiries.cli import main as triage_cli
from inquiries.extensions import db
from inquiries.models import Inquiry, Status
from tests.conftest import sign_in
from tests.integration.test_end_to_end import wait_until

OUT_OF_SCOPE = [
    ("Hoe vraag ik een nieuwe identiteitskaart aan voor mijn dochter van twaalf?", "nl"),
    ("Bonjour, où puis-je faire renouveler mon permis de conduire européen ?", "fr"),
    ("Wann wird meine Kindergeldzahlung für Dezember überwiesen?", "de"),
    ("Cheap replica handbags!!! Visit our shop and get 80% off today only", "en"),
    ("asdkjh qwpoeiru zmxncb lkjhasd poiuqwe", "en"),
    ("Mijn buurman laat elke nacht zijn hond blaffen, wat kan ik doen?", "nl"),
]


def test_unseen_out_of_scope_questions_wait_in_the_queue(
    make_app, start_worker, redis_url, mailbox
) -> None:
    app: Flask = make_app(redis_url)
    start_worker(app)
    made = app.test_cli_runner().invoke(
        cli=triage_cli,
        args=["create-user", "chef@example.org", "--role", "admin", "--password-stdin"],
        input="correct horse battery staple\n",
    )
    assert made.exit_code == 0, made.output
    client = app.test_client()
    references = []
    for text, language in OUT_OF_SCOPE:
        answer = client.post(
            "/api/v1/inquiries",
            json={"email": "someone@example.org", "message": text, "language": language},
        )
        assert answer.status_code == 202
        references.append(answer.get_json()["reference"])

    def all_classified() -> bool:
        with app.app_context():
            statuses = db.session.scalars(select(Inquiry.status)).all()
            return Status.RECEIVED not in statuses

    wait_until(all_classified)
    with app.app_context():
        rows = db.session.scalars(select(Inquiry).order_by(Inquiry.id)).all()
        assert {row.status for row in rows} == {Status.NEEDS_REVIEW}
        # Most are recognised as out of scope; any other guess is unsure, so a person decides.
        assert sum(row.objective_code == 0 for row in rows) >= len(OUT_OF_SCOPE) - 1
    assert not mailbox.of_kind("routing")

    assert client.get("/triage").status_code == 302  # an anonymous visitor is sent to sign in
    signed_in = sign_in(client, "chef@example.org", "correct horse battery staple")
    assert signed_in.status_code == 303
    queue = client.get("/triage").get_data(True)
    assert set(re.findall(r'class="reference">(AI-[\d-]+)<', queue)) == set(references)
    found = client.get("/triage", query_string={"q": "Kindergeld"}).get_data(True)
    assert re.findall(r'class="reference">(AI-[\d-]+)<', found) == [references[2]]
