"""Faults that strike while work is under way, on real processes (Celery worker and beat, Redis,
PostgreSQL, an SMTP server): the broker stops while the worker is busy, and a worker is killed in
the middle of an SMTP conversation. Each ends with a reconciliation: every accepted inquiry is
routed or waits for a person, none is lost, no mail went out twice."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from inquiries import accounts, mailer, outbox
from inquiries.extensions import db
from inquiries.models import Classification, Delivery, DeliveryState, Inquiry, MailKind, Status
from inquiries.models.inquiry import parse_reference
from inquiries.models.types import utcnow
from inquiries.queue import Bucket, bucket_of
from tests.conftest import TRIAGER, csrf_of, sign_in
from tests.integration.conftest import celery_process, stop_group
from tests.integration.test_end_to_end import QUESTIONS, wait_until


def _count(app: Flask, query) -> int:
    with app.app_context():
        return db.session.scalar(query) or 0


def test_broker_stops_while_the_worker_is_busy(
    make_app, own_redis, mailbox, processes, monkeypatch
) -> None:
    # Redis here keeps nothing on disk: what it held when it stopped is gone for good, so every
    # lost task must come back from the database (outbox relay, mail dispatch lease).
    monkeypatch.setenv("MAIL_DISPATCH_LEASE_SECONDS", "5")
    monkeypatch.setenv("SUBMIT_RATE_LIMIT", "1000 per minute")
    app: Flask = make_app(own_redis.url)
    processes += [
        celery_process("worker", "--pool", "prefork", "--concurrency", "2"),
        celery_process("beat", "--schedule", os.environ["INSTANCE_PATH"] + "/beat"),
    ]
    client = app.test_client()

    def submit(n: int) -> int:
        text, _ = QUESTIONS[n % len(QUESTIONS)]
        answer = client.post(
            "/api/v1/inquiries", json={"email": f"b{n}@example.org", "message": f"{text} ({n})"}
        )
        return answer.status_code

    before, during = 30, 10
    assert [submit(n) for n in range(before)] == [202] * before
    classified = select(func.count(Classification.id))
    wait_until(lambda: _count(app, classified) >= 3, timeout=120, every=0.05)
    own_redis.stop()
    busy_at = _count(app, classified)
    assert busy_at < before, "the worker finished before the broker stopped"
    assert [submit(n) for n in range(before, before + during)] == [202] * during
    time.sleep(5)
    own_redis.start()

    total = before + during
    received = select(func.count()).where(Inquiry.status == Status.RECEIVED)
    unsent = select(func.count()).where(Delivery.state == DeliveryState.PENDING)
    wait_until(
        lambda: _count(app, received) == 0 and _count(app, unsent) == 0, timeout=240, every=1
    )
    time.sleep(4)  # a duplicate, were there one, would arrive now
    with app.app_context():
        rows = db.session.scalars(select(Inquiry)).all()
        assert len(rows) == total  # none lost
        assert {row.status for row in rows} <= {Status.ROUTED, Status.NEEDS_REVIEW}
        assert all(len(row.classifications) == 1 for row in rows)
        assert outbox.open_count() == 0
        states = Counter(d.state for d in db.session.scalars(select(Delivery)))
        assert set(states) == {DeliveryState.SENT}, states
        routed = sorted(row.reference for row in rows if row.status == Status.ROUTED)
    routing = Counter(m["X-Triage-Reference"] for m in mailbox.of_kind("routing"))
    acknowledgements = Counter(m["X-Triage-Reference"] for m in mailbox.of_kind("acknowledgement"))
    assert sorted(routing) == routed and set(routing.values()) == {1}
    assert len(acknowledgements) == total and set(acknowledgements.values()) == {1}
    print(f"broker stopped after {busy_at} of {before} classifications; {during} arrived meanwhile")


def test_worker_killed_in_the_middle_of_an_smtp_conversation(
    make_app, redis_url, mailbox, processes
) -> None:
    """The mail may or may not have left, so it is never resent blindly: the inquiry waits for
    a person in the queue's "delivery failed" bucket, who routes it again."""
    app: Flask = make_app(redis_url)
    mailbox.hold = "routing"
    worker = celery_process("worker", "--pool", "prefork", "--concurrency", "1")
    processes.append(worker)
    text, objective = QUESTIONS[0]
    answer = app.test_client().post(
        "/api/v1/inquiries", json={"email": "an@example.org", "message": text}
    )
    assert answer.status_code == 202
    reference = answer.get_json()["reference"]

    assert mailbox.holding.wait(120), "the routing mail never reached the SMTP server"
    stop_group(worker, signal.SIGKILL)  # mid-conversation: the server has not answered DATA
    mailbox.let_go.set()
    with app.app_context():
        routing = db.session.scalar(select(Delivery).where(Delivery.kind == MailKind.ROUTING))
        assert routing.state == DeliveryState.SENDING
        routing_id = routing.id

    # A new worker and the dispatcher run; once the send lease has run out, the claim is flagged.
    processes.append(celery_process("worker", "--pool", "prefork", "--concurrency", "1"))
    with app.app_context():
        db.session.execute(
            update(Delivery)
            .where(Delivery.id == routing_id)
            .values(claimed_at=utcnow() - mailer.SEND_LEASE - timedelta(seconds=1))
        )
        db.session.commit()
    celery = app.extensions["celery"]
    celery.send_task("workers.tasks.dispatch_deliveries")

    def state() -> str:
        with app.app_context():
            return db.session.get(Delivery, routing_id).state

    wait_until(lambda: state() == DeliveryState.UNCERTAIN, timeout=60)
    with app.app_context():
        inquiry = db.session.get(Inquiry, parse_reference(reference)[1])
        assert inquiry.status == Status.DELIVERY_FAILED
        assert bucket_of(inquiry) == Bucket.DELIVERY_FAILED
        assert "check before sending again" in inquiry.events[-1].note
        inquiry_id = inquiry.id
    time.sleep(3)
    assert mailbox.of_kind("routing") == []  # nothing sent again behind a person's back
    assert len(mailbox.of_kind("acknowledgement")) == 1

    # A person looks, and routes it again: exactly one routing mail arrives.
    mailbox.hold = None
    with app.app_context():
        accounts.create_user(*TRIAGER, role="triager")
        db.session.commit()
    client = app.test_client()
    sign_in(client, *TRIAGER)
    assert reference in client.get("/triage?show=delivery_failed").get_data(True)
    page = client.get(f"/triage/inquiries/{inquiry_id}").get_data(True)
    client.post(f"/triage/inquiries/{inquiry_id}/route", data={"csrf_token": csrf_of(page)})
    mailbox.wait_for(lambda ms: len([m for m in ms if m["X-Triage-Kind"] == "routing"]) == 1)
    time.sleep(3)
    mails = mailbox.of_kind("routing")
    assert [m["X-Triage-Reference"] for m in mails] == [reference]
    assert mails[0]["X-Triage-Objective"] == str(objective)

    def status() -> str:
        with app.app_context():
            return db.session.get(Inquiry, inquiry_id).status

    wait_until(lambda: status() == Status.ROUTED)
