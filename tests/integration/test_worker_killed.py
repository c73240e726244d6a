"""A worker killed with SIGKILL while it classifies and sends: after a new worker starts, every
inquiry is classified and routed or waits for a person, and no mail went out twice (real worker
and beat processes, Redis, PostgreSQL, an SMTP server)."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

from flask import Flask
from sqlalchemy import func, select

from inquiries.extensions import db
from inquiries.models import Classification, Delivery, DeliveryState, Inquiry, Status
from tests.integration.conftest import celery_process, stop_group
from tests.integration.test_end_to_end import QUESTIONS, wait_until


def test_worker_killed_mid_work_loses_and_repeats_nothing(
    make_app, redis_url, mailbox, processes, monkeypatch
) -> None:
    monkeypatch.setenv("BROKER_VISIBILITY_TIMEOUT", "5")  # unacknowledged tasks come back fast
    monkeypatch.setenv("SUBMIT_RATE_LIMIT", "1000 per minute")
    app: Flask = make_app(redis_url)
    worker = celery_process("worker", "--pool", "prefork", "--concurrency", "2")
    processes += [
        worker,
        celery_process("beat", "--schedule", os.environ["INSTANCE_PATH"] + "/beat"),
    ]
    client = app.test_client()
    count = 40
    for n in range(count):
        text, _ = QUESTIONS[n % len(QUESTIONS)]
        answer = client.post(
            "/api/v1/inquiries", json={"email": f"p{n}@example.org", "message": f"{text} ({n})"}
        )
        assert answer.status_code == 202

    def classified() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count(Classification.id))) or 0

    wait_until(lambda: classified() >= 3, timeout=120, every=0.05)
    assert classified() < count, "the worker finished before it could be killed"
    stop_group(
        worker, signal.SIGKILL
    )  # SIGKILL to the worker and its pool: nothing gets to clean up
    killed_at = classified()
    processes.append(celery_process("worker", "--pool", "prefork", "--concurrency", "2"))

    def settled() -> bool:
        with app.app_context():
            waiting = db.session.scalar(
                select(func.count()).where(Inquiry.status == Status.RECEIVED)
            )
            unsent = db.session.scalar(
                select(func.count()).where(Delivery.state == DeliveryState.PENDING)
            )
            return waiting == 0 and unsent == 0

    wait_until(settled, timeout=240, every=1)
    time.sleep(3)  # a duplicate, were there one, would arrive now

    with app.app_context():
        rows = db.session.scalars(select(Inquiry)).all()
        assert len(rows) == count  # none lost
        statuses = Counter(row.status for row in rows)
        assert set(statuses) <= {Status.ROUTED, Status.NEEDS_REVIEW, Status.DELIVERY_FAILED}
        assert all(len(row.classifications) == 1 for row in rows)  # classified once each
        states = Counter(d.state for d in db.session.scalars(select(Delivery)))
        # A mail whose sender died mid-send is held (sending, later uncertain), never resent.
        assert set(states) <= {DeliveryState.SENT, DeliveryState.SENDING}
        routed = {row.reference for row in rows if row.status == Status.ROUTED}
    routing = Counter(m["X-Triage-Reference"] for m in mailbox.of_kind("routing"))
    acknowledgements = Counter(m["X-Triage-Reference"] for m in mailbox.of_kind("acknowledgement"))
    assert max(routing.values()) == 1 and max(acknowledgements.values()) == 1  # none twice
    assert set(routing) >= routed
    print(f"killed after {killed_at} of {count} classifications; statuses {dict(statuses)}")
