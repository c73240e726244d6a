"""PostgreSQL restarts while inquiries arrive and a worker runs: every request gets 202 or a clear
503 (never a 500), every accepted inquiry is stored, classified and routed, and no mail goes out
twice. Restarts the machine's own PostgreSQL cluster (pg_ctlcluster, as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections import Counter

from flask import Flask
from sqlalchemy import func, select

from inquiries.extensions import db
from inquiries.models import Delivery, DeliveryState, Inquiry, Status
from tests.conftest import require
from tests.integration.test_end_to_end import QUESTIONS, wait_until


def cluster() -> list[str]:
    """The local cluster's version and name, as pg_ctlcluster wants them."""
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        version, name, port, *_ = line.split()
        if port == "5432":
            return [version, name]
    raise AssertionError("no cluster on port 5432")


def test_postgres_restart_loses_nothing(
    make_app, start_worker, redis_url, mailbox, monkeypatch
) -> None:
    require(
        "pg_ctlcluster as root",
        shutil.which("pg_ctlcluster") is not None and os.geteuid() == 0,
    )
    monkeypatch.setenv("SUBMIT_RATE_LIMIT", "1000 per minute")
    app: Flask = make_app(redis_url)
    start_worker(app)
    from workers.tasks import dispatch_deliveries, relay_outbox

    stop_beat = threading.Event()

    def beat() -> None:
        """Celery beat's safety nets, every second: republish what waited, dispatch retries."""
        while not stop_beat.wait(1):
            try:
                relay_outbox.delay()
                dispatch_deliveries.delay()
            except Exception:  # the broker is fine; a hiccup just waits for the next beat
                pass

    threading.Thread(target=beat, daemon=True).start()
    restart = threading.Thread(
        target=lambda: subprocess.run(["pg_ctlcluster", *cluster(), "restart"], check=True)
    )
    client = app.test_client()
    answers: Counter[int] = Counter()
    accepted: list[str] = []
    try:
        for n in range(40):
            if n == 10:
                restart.start()
            text, _ = QUESTIONS[n % len(QUESTIONS)]
            answer = client.post(
                "/api/v1/inquiries", json={"email": f"p{n}@example.org", "message": text}
            )
            answers[answer.status_code] += 1
            if answer.status_code == 202:
                accepted.append(answer.get_json()["reference"])
            else:
                assert answer.status_code == 503, answer.get_data(True)
                assert int(answer.headers["Retry-After"]) > 0
                assert "send it again" in answer.get_json()["errors"]["request"][0]
            time.sleep(0.1)
        restart.join(60)

        def settled() -> bool:
            with app.app_context():
                stuck = db.session.scalar(
                    select(func.count()).where(Inquiry.status == Status.RECEIVED)
                )
                unsent = db.session.scalar(
                    select(func.count()).where(Delivery.state == DeliveryState.PENDING)
                )
                return stuck == 0 and unsent == 0

        wait_until(settled, timeout=240, every=1)
        time.sleep(3)
    finally:
        stop_beat.set()
    with app.app_context():
        stored = {inquiry.reference for inquiry in db.session.scalars(select(Inquiry))}
        statuses = Counter(db.session.scalars(select(Inquiry.status)))
    assert stored == set(accepted)  # every 202 is stored; a 503 stored nothing
    assert set(statuses) <= {Status.ROUTED, Status.NEEDS_REVIEW}
    routing = Counter(m["X-Triage-Reference"] for m in mailbox.of_kind("routing"))
    assert routing and max(routing.values()) == 1
    print(f"answers {dict(answers)}; statuses {dict(statuses)}")
