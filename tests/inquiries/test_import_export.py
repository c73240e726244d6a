"""`triage import` and `triage export`: inquiries in and out in bulk, as operators run them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from inquiries.cli import main as triage_cli
from inquiries.extensions import db
from inquiries.models import Inquiry, Status
from tests.conftest import worker_thread

LETTERS = [
    {
        "email": "griet@example.org",
        "name": "Griet Claes",
        "message": "Per brief: mag het OCMW een algoritme laten beslissen over mijn leefloon?",
    },
    {
        "email": "luc@example.org",
        "message": "Reçu par téléphone : les caméras intelligentes de la STIB, est-ce légal ?",
        "language": "fr",
        "consent_to_share": False,
    },
    {
        "email": "anna@example.org",
        "message": "Brief aus Eupen: Welche Förderung gibt es für KI in kleinen Betrieben?",
    },
]


def _import(app: Flask, path: Path):
    return app.test_cli_runner().invoke(cli=triage_cli, args=["import", str(path)])


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Inquiry))


def test_imported_letters_are_acknowledged_and_classified_once(
    app: Flask, mailbox, tmp_path: Path
) -> None:
    letters = tmp_path / "letters.jsonl"
    lines = [json.dumps(letter, ensure_ascii=False) for letter in LETTERS]
    letters.write_text("\n".join([*lines[:2], "", *lines[2:]]) + "\n", encoding="utf-8")

    with worker_thread(app):
        result = _import(app, letters)
        assert result.exit_code == 0, result.output
        assert "3 inquiries imported, 0 skipped" in result.stdout
        assert "Importing" in result.stderr  # the progress bar
        acknowledgements = mailbox.wait_for(lambda ms: len(ms) >= 3)
    assert sorted(m["To"] for m in acknowledgements) == sorted(x["email"] for x in LETTERS)
    languages = {m["To"]: m["Content-Language"] for m in acknowledgements}
    assert languages == {
        "griet@example.org": "nl",
        "luc@example.org": "fr",
        "anna@example.org": "de",
    }
    with app.app_context():
        imported = db.session.scalars(select(Inquiry).order_by(Inquiry.id)).all()
        assert [i.channel for i in imported] == ["import"] * 3
        assert imported[0].name == "Griet Claes" and imported[1].consent_to_share is False
        assert all(i.reference and i.reference.startswith("AI-") for i in imported)

    # Run again after an interruption: nothing is stored twice.
    again = _import(app, letters)
    assert again.exit_code == 0 and "0 inquiries imported, 3 skipped" in again.stdout
    assert _count(app) == 3


def test_a_file_with_bad_lines_imports_nothing_and_says_where(app: Flask, tmp_path: Path) -> None:
    letters = tmp_path / "letters.jsonl"
    letters.write_text(
        "\n".join(
            [
                json.dumps(LETTERS[0]),
                '{"email": "x@example.org", "message": "too short"}',
                "not json at all",
                json.dumps(["a", "list"]),
                json.dumps(LETTERS[1] | {"phone": "0470 00 00 00"}),
                json.dumps(LETTERS[2] | {"subject": "Line one\r\nBcc: victim@example.org"}),
            ]
        ),
        encoding="utf-8",
    )
    result = _import(app, letters)
    assert result.exit_code != 0
    assert "5 invalid lines: nothing was imported" in result.output
    for line in (2, 3, 4, 5, 6):
        assert f"line {line}:" in result.stderr
    assert "line 1:" not in result.stderr
    assert "message: Write at least 10 characters." in result.stderr
    assert "phone: Unknown field." in result.stderr
    assert "subject: Use a single line" in result.stderr
    assert _count(app) == 0


def test_export_writes_the_inquiries_as_csv(app: Flask, make_inquiry, tmp_path: Path) -> None:
    make_inquiry("How do I report a deepfake of my daughter?", objective=9, status="routed")
    make_inquiry('=HYPERLINK("http://evil.example")', objective=0, status="needs_review")
    make_inquiry("Subsidies for AI in a bakery?", objective=3, status="needs_review")
    out = tmp_path / "all.csv"
    result = app.test_cli_runner().invoke(cli=triage_cli, args=["export", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 inquiries exported" in result.stderr and "Exporting" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["message"] for r in rows] == [
        "How do I report a deepfake of my daughter?",
        '\'=HYPERLINK("http://evil.example")',  # never a formula in a spreadsheet
        "Subsidies for AI in a bakery?",
    ]
    assert rows[0]["status"] == Status.ROUTED and rows[0]["objective"] == "9"

    only = tmp_path / "waiting-3.csv"
    filtered = app.test_cli_runner().invoke(
        cli=triage_cli, args=["export", str(only), "--show", "waiting", "--objective", "3"]
    )
    assert filtered.exit_code == 0, filtered.output
    rows = list(csv.DictReader(io.StringIO(only.read_text(encoding="utf-8"))))
    assert [r["message"] for r in rows] == ["Subsidies for AI in a bakery?"]
