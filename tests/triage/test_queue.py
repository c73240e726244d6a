"""The queue at /triage: what waits for a person, its buckets, filters, search, order, pages and
the CSV export."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask

from inquiries import queue
from inquiries.extensions import db
from inquiries.models import Inquiry
from tests.conftest import ADMIN, TRIAGER, sign_in


def references(html: str) -> list[str]:
    """The references listed in the queue's table, in order."""
    return re.findall(r'class="reference">(AI-\d{4}-\d{6})<', html)


def ref(app: Flask, inquiry_id: int) -> str:
    with app.app_context():
        return db.session.get(Inquiry, inquiry_id).reference


def test_queue_shows_what_waits_for_a_person_oldest_first(app: Flask, staff, make_inquiry) -> None:
    unsure = make_inquiry("Unsure", age_days=2)
    out_of_scope = make_inquiry("Taxes", objective=0, confidence=0.7, age_days=3)
    failed = make_inquiry("Failed", status="delivery_failed", objective=5, age_days=1)
    sent_back = make_inquiry("Back", status="sent_back", objective=6, age_days=4)
    make_inquiry("Routed", status="routed", objective=2)
    make_inquiry("Closed", status="closed", objective=0)
    client = app.test_client()
    sign_in(client, *TRIAGER)
    page = client.get("/triage").get_data(True)
    expected = [sent_back, out_of_scope, unsure, failed]
    assert references(page) == [ref(app, i) for i in expected]
    for label, count in [
        ("Everything waiting", 4),
        ("The model is unsure", 1),
        ("The model thinks it is out of scope", 1),
        ("Delivery failed", 1),
        ("Sent back by the service", 1),
    ]:
        assert re.search(rf'{label} <span class="count">{count}</span>', page), label
    only_failed = client.get("/triage?show=delivery_failed").get_data(True)
    assert references(only_failed) == [ref(app, failed)]
    everything = client.get("/triage?show=all").get_data(True)
    assert len(references(everything)) == 6


def test_filters_narrow_the_queue(app: Flask, staff, make_inquiry) -> None:
    french = make_inquiry("Q1", language="fr", objective=5, confidence=0.3, age_days=10)
    dutch = make_inquiry("Q2", language="nl", objective=5, confidence=0.65, age_days=2)
    german = make_inquiry("Q3", language="de", objective=7, confidence=0.9)
    client = app.test_client()
    sign_in(client, *TRIAGER)

    def listed(query: str) -> set[str]:
        return set(references(client.get(f"/triage?{query}").get_data(True)))

    assert listed("objective=5") == {ref(app, french), ref(app, dutch)}
    assert listed("language=de") == {ref(app, german)}
    assert listed("band=low") == {ref(app, french)}
    assert listed("band=medium") == {ref(app, dutch)}
    assert listed("band=high") == {ref(app, german)}
    assert listed("age=7") == {ref(app, french)}
    assert listed("objective=5&language=nl") == {ref(app, dutch)}
    assert listed("language=xx&band=nonsense") == listed("")  # unknown choices are ignored


def test_assignee_filter(app: Flask, staff, make_inquiry) -> None:
    mine = make_inquiry("Mine", assignee_id=staff["triager"])
    theirs = make_inquiry("Theirs", assignee_id=staff["admin"])
    nobodys = make_inquiry("Nobody's")
    client = app.test_client()
    sign_in(client, *TRIAGER)
    assert references(client.get("/triage?assignee=me").get_data(True)) == [ref(app, mine)]
    assert references(client.get("/triage?assignee=nobody").get_data(True)) == [ref(app, nobodys)]
    listed = client.get(f"/triage?assignee={staff['admin']}").get_data(True)
    assert references(listed) == [ref(app, theirs)]


def test_search_finds_reference_words_name_and_email(app: Flask, staff, make_inquiry) -> None:
    hospital = make_inquiry("Mag ons ziekenhuis een AI-triage gebruiken?", name="Els Peeters")
    school = make_inquiry(
        "Comment utiliser l'IA à l'école ?", email="prof.dubois@ecole.example", language="fr"
    )
    percent = make_inquiry("Is 100% accuracy possible?")
    client = app.test_client()
    sign_in(client, *TRIAGER)

    def found(text: str) -> list[str]:
        return references(client.get("/triage", query_string={"q": text}).get_data(True))

    assert found("ZIEKENHUIS") == [ref(app, hospital)]
    assert found("peeters") == [ref(app, hospital)]
    assert found("dubois@ecole") == [ref(app, school)]
    assert found(ref(app, school).lower()) == [ref(app, school)]
    assert found("100%") == [ref(app, percent)]  # % is a character, not a wildcard
    assert found("%") == [ref(app, percent)]
    assert found("' OR 1=1 --") == []


def test_pages_cover_every_row_once_in_each_order(app: Flask, staff, make_inquiry) -> None:
    made = [
        make_inquiry(f"Question {n}", age_days=n / 10, confidence=(n % 7) / 10) for n in range(23)
    ]
    with app.app_context():
        for sort in queue.SORTS:
            seen: list[int] = []
            chosen = queue.QueueFilter(sort=sort)
            while True:
                page = queue.page(chosen, staff["triager"], size=5)
                seen.extend(row.id for row in page.rows)
                if page.next_cursor is None:
                    break
                chosen = queue.QueueFilter(sort=sort, after=page.next_cursor)
            assert sorted(seen) == sorted(made), sort
            assert len(seen) == len(set(seen)), sort
            rows = [db.session.get(Inquiry, i) for i in seen]
            if sort == "oldest":
                assert [r.created_at for r in rows] == sorted(r.created_at for r in rows)
            if sort == "newest":
                assert [r.created_at for r in rows] == sorted(
                    (r.created_at for r in rows), reverse=True
                )
            if sort == "least_confident":
                assert [r.confidence for r in rows] == sorted(r.confidence for r in rows)


def test_next_page_link_in_the_page(app: Flask, staff, make_inquiry) -> None:
    for n in range(queue.PAGE_SIZE + 3):
        make_inquiry(f"Question {n}", age_days=1 - n / 1000)
    client = app.test_client()
    sign_in(client, *TRIAGER)
    first = client.get("/triage").get_data(True)
    assert len(references(first)) == queue.PAGE_SIZE
    link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(link).get_data(True)
    assert len(references(second)) == 3
    assert not set(references(first)) & set(references(second))
    assert client.get("/triage?after=garbage").status_code == 200  # a bad cursor: first page


def test_csv_export_of_the_filtered_queue(app: Flask, staff, make_inquiry) -> None:
    make_inquiry('=HYPERLINK("http://evil.example")', language="fr", name="+Attacker")
    make_inquiry("Another one", language="nl")
    client = app.test_client()
    sign_in(client, *ADMIN)
    answer = client.get("/triage/export.csv?language=fr")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(True))))
    assert len(rows) == 1
    assert rows[0]["language"] == "fr"
    assert rows[0]["message"].startswith("'=HYPERLINK")  # never a formula in a spreadsheet
    assert rows[0]["name"] == "'+Attacker"
    assert rows[0]["reference"].startswith("AI-")


def test_dates_and_channels_read_as_people_in_belgium_write_them(
    app: Flask, staff, make_inquiry
) -> None:
    inquiry_id = make_inquiry("Een vraag over een algoritme bij het OCMW.")
    with app.app_context():
        inquiry = db.session.get(Inquiry, inquiry_id)
        inquiry.channel = "import"
        inquiry.created_at = inquiry.created_at.replace(
            year=2026, month=3, day=9, hour=13, minute=5, second=0
        )  # 14:05 in Brussels (winter time)
        db.session.commit()
    client = app.test_client()
    sign_in(client, *TRIAGER)
    expected = {
        "en": ("09 Mar 2026, 14:05:00", "via an import"),
        "nl": ("9 mrt 2026, 14:05:00", "via een import"),
        "fr": ("9 mars 2026, 14:05:00", "un import"),
        "de": ("09.03.2026, 14:05:00", "einen Import"),
    }
    for language, (when, channel) in expected.items():
        page = client.get(f"/triage/inquiries/{inquiry_id}?lang={language}").get_data(True)
        assert when in page and channel in page, language
    queue_page = client.get("/triage?lang=en").get_data(True)
    assert "09/03/26, 14:05" in queue_page  # day first, 24 hours: not 3/9/26, 2:05 PM
