"""Benchmark of the staff pages with 100,000 inquiries in PostgreSQL: the queue, a filtered and a
deep page of it, searches, an inquiry's page (with similar inquiries) and the dashboard. Each is
a whole Flask request (routing, queries, template), timed in-process. Appends to
docs/benchmarks.md.

    .venv/bin/python bench/staff_bench.py [--inquiries 100000] [--requests 40]

Needs PostgreSQL (BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432); it makes and
drops a database of its own. Target (issue 7): each page under 150 ms at p95.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import append_report, heading, machine, percentile
from classifier.corpus import training_set
from inquiries.similarity import terms_of

SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "triage_staff_bench"
STATUSES = [  # (status, share) roughly as two years of a working contact point would leave them
    ("acknowledged", 0.55),
    ("routed", 0.12),
    ("closed", 0.08),
    ("out_of_scope", 0.06),
    ("needs_review", 0.14),
    ("delivery_failed", 0.02),
    ("sent_back", 0.03),
]


def make_database() -> str:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{SERVER}/{DATABASE}"


def drop_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def fill(url: str, count: int, services: dict[int, str | None]) -> float:
    """COPY `count` inquiries, their classification, terms and history; returns seconds."""
    started = time.perf_counter()
    train, held_out = training_set()
    examples = train + held_out
    rng = random.Random(7)
    now = datetime.now(UTC)
    statuses = [s for s, _ in STATUSES]
    weights = [w for _, w in STATUSES]
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        with (
            cursor.copy(
                "COPY inquiries (id, status_token, channel, email, name, organisation,"
                " subject, message, language, detected_language, consent_to_share, status,"
                " objective_code, service_key, routing_round, confidence, created_at, updated_at)"
                " FROM STDIN"
            ) as inquiries,
        ):
            rows = []
            for number in range(1, count + 1):
                example = examples[rng.randrange(len(examples))]
                created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                status = rng.choices(statuses, weights)[0]
                objective = example.objective
                confidence = round(rng.uniform(0.2, 0.99), 4)
                text = f"{example.text} (ref. dossier {rng.randrange(10**6)})"
                rows.append((number, created, status, objective, confidence, text, example))
                inquiries.write_row(
                    (
                        number,
                        secrets.token_urlsafe(32),
                        "api",
                        f"person{number}@example.org",
                        f"Person {number}",
                        "",
                        "",
                        text,
                        example.language,
                        example.language,
                        True,
                        status,
                        objective,
                        services.get(objective),
                        1,
                        confidence,
                        created,
                        created,
                    )
                )
        with cursor.copy(
            "COPY classifications (inquiry_id, model_version, objective, confidence,"
            " probabilities, decision, explanation, language, created_at) FROM STDIN"
        ) as classifications:
            for number, created, status, objective, confidence, _, example in rows:
                classifications.write_row(
                    (
                        number,
                        "bench",
                        objective,
                        confidence,
                        f'{{"{objective}": {confidence}}}',
                        "review" if status == "needs_review" else "route",
                        '["word"]',
                        example.language,
                        created,
                    )
                )
        with cursor.copy(
            "COPY audit_events (inquiry_id, at, actor, action, from_status, to_status, note,"
            " detail) FROM STDIN"
        ) as events:
            for number, created, status, *_ in rows:
                events.write_row(
                    (number, created, "submitter", "received", None, "received", "", "{}")
                )
                events.write_row(
                    (
                        number,
                        created + timedelta(seconds=2),
                        "classifier",
                        "status",
                        "received",
                        status,
                        "",
                        "{}",
                    )
                )
        with cursor.copy("COPY inquiry_terms (inquiry_id, term) FROM STDIN") as terms:
            for number, *_, text, _ in rows:
                for term in terms_of(text):
                    terms.write_row((number, term))
        cursor.execute("SELECT setval('inquiries_id_seq', %s)", (count,))
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def timed(client, url: str, repeat: int) -> list[float]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, url
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inquiries", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    url = make_database()
    instance = tempfile.mkdtemp(prefix="bench-staff-")
    os.environ.update(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": instance,
            "TRIAGE_ENV": "testing",
            "MODEL_DIR": instance,
        }
    )
    from flask_migrate import upgrade

    from inquiries import accounts, create_app
    from inquiries.catalogue import load_catalogue
    from inquiries.extensions import db
    from inquiries.models import Objective

    app = create_app()
    try:
        with app.app_context():
            upgrade()
            load_catalogue()
            services = {o.code: o.service_key for o in db.session.query(Objective)}
            accounts.create_user("bench@example.org", "a long bench password", "admin")
            db.session.commit()
        fill_seconds = fill(url, args.inquiries, services)
        client = app.test_client()
        page = client.get("/staff/login").get_data(True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post(
            "/staff/login",
            data={
                "csrf_token": token,
                "email": "bench@example.org",
                "password": "a long bench password",
            },
        )
        deep = "/triage?show=all"
        for _ in range(20):  # follow "next page" twenty times: page 21 of the whole history
            html = client.get(deep).get_data(True)
            deep = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
        rng = random.Random(3)
        pages = {
            "queue (everything waiting, first page)": ["/triage"],
            "queue filtered (objective 5, French)": ["/triage?objective=5&language=fr"],
            "queue, page 21 of all inquiries (by key)": [deep],
            "search a word in all inquiries": ["/triage?show=all&q=ziekenhuis"],
            "search an email address": ["/triage?show=all&q=person4242%40example"],
            "search a reference": [f"/triage?show=all&q=AI-{datetime.now(UTC):%Y}-000042"],
            "an inquiry's page (with similar inquiries)": [
                f"/triage/inquiries/{rng.randrange(1, args.inquiries)}"
                for _ in range(args.requests)
            ],
            "dashboard": ["/triage/dashboard"],
        }
        results = []
        for name, urls in pages.items():
            times = []
            for target in urls:
                times += timed(client, target, max(1, args.requests // len(urls)))
            results.append((name, percentile(times, 0.5), percentile(times, 0.95)))
        started = time.perf_counter()
        exported = client.get("/triage/export.csv").get_data()
        export_seconds = time.perf_counter() - started
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database()

    lines = [
        heading("Staff pages"),
        "",
        f"{machine()}; PostgreSQL on the same machine; {args.inquiries:,} inquiries "
        f"(filled in {fill_seconds:.0f} s), {args.requests} requests per page after 3 warm-ups, "
        "each a whole request through Flask's test client (no network).",
        "",
        "| page | p50 | p95 |",
        "|---|---|---|",
        *(f"| {name} | {p50:.1f} ms | {p95:.1f} ms |" for name, p50, p95 in results),
        "",
        f"CSV export of everything waiting: {len(exported) / 2**20:.1f} MB "
        f"in {export_seconds:.1f} s.",
    ]
    append_report(lines)


if __name__ == "__main__":
    main()
