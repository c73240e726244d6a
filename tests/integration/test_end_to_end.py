"""From POST /api/v1/inquiries to the routing mail, on PostgreSQL, Redis and a real worker."""

from __future__ import annotations

import re
import time

from flask import Flask
from sqlalchemy import func, select

from inquiries import outbox
from inquiries.extensions import db
from inquiries.models import Delivery, DeliveryState, Inquiry, MailKind, Status

QUESTIONS = [
    (
        "Ons ziekenhuis wil software gebruiken die röntgenfoto's automatisch analyseert. Moet die "
        "software een CE-markering hebben als medisch hulpmiddel?",
        5,
    ),
    (
        "Nous avons reçu un appel avec la voix clonée de notre directeur qui demandait un virement "
        "urgent. Qui faut-il prévenir pour ce type de fraude ?",
        2,
    ),
    (
        "Our start-up builds a chatbot for SMEs. Which federal subsidies or investment programmes "
        "exist to help us grow in Belgium?",
        3,
    ),
]


def wait_until(condition, timeout: float = 60, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(every)


def statuses(app: Flask) -> dict[str, str]:
    with app.app_context():
        return {i.reference: i.status for i in db.session.scalars(select(Inquiry))}


def test_question_travels_from_api_to_the_service_mailbox(
    make_app, start_worker, redis_url, mailbox
) -> None:
    app = make_app(redis_url)
    start_worker(app)
    client = app.test_client()
    answers = [
        client.post("/api/v1/inquiries", json={"email": f"person{i}@example.org", "message": text})
        for i, (text, _) in enumerate(QUESTIONS)
    ]
    assert all(a.status_code == 202 for a in answers)
    references = {
        a.get_json()["reference"]: code for a, (_, code) in zip(answers, QUESTIONS, strict=True)
    }

    mailbox.wait_for(
        lambda ms: len([m for m in ms if m["X-Triage-Kind"] == "routing"]) == 3, timeout=60
    )
    routing = mailbox.of_kind("routing")
    assert {m["X-Triage-Reference"] for m in routing} == set(references)
    for mail in routing:
        assert mail["X-Triage-Objective"] == str(references[mail["X-Triage-Reference"]])
        assert mail["Content-Language"] in {"nl", "fr"}
    acknowledgements = mailbox.wait_for(
        lambda ms: len([m for m in ms if m["X-Triage-Kind"] == "acknowledgement"]) == 3
    )
    assert len(acknowledgements) == 6

    wait_until(lambda: set(statuses(app).values()) == {Status.ROUTED})
    status = client.get(
        answers[0].get_json()["status_url"], headers={"Accept": "application/json"}
    ).get_json()
    assert status["status"] == "routed" and status["service"]["key"] == "health"
    assert [step["status"] for step in status["history"]] == ["received", "routed"]
    with app.app_context():
        assert outbox.open_count() == 0
        sent = db.session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.state == DeliveryState.SENT)
        )
        assert sent == 6

    # The worker timed every task it ran (take_in: acknowledge and classify one new inquiry);
    # /metrics reports it, and the broker's queue is empty.
    metrics = client.get("/metrics").get_data(True)
    runs = re.search(
        r'triage_task_duration_seconds_count\{task="workers.tasks.take_in"\} (\S+)',
        metrics,
    )
    assert runs and float(runs.group(1)) == 3
    assert 'triage_inquiries{status="routed"} 3.0' in metrics
    assert "triage_broker_queue_length 0.0" in metrics


def test_submissions_survive_a_broker_outage(make_app, start_worker, own_redis, mailbox) -> None:
    app = make_app(own_redis.url)
    start_worker(app)
    client = app.test_client()
    own_redis.stop()
    started = time.monotonic()
    answers = [
        client.post("/api/v1/inquiries", json={"email": "late@example.org", "message": text})
        for text, _ in QUESTIONS
    ]
    assert time.monotonic() - started < 30, "intake must answer while the broker is down"
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert set(statuses(app).values()) == {Status.RECEIVED}

    own_redis.start()
    time.sleep(3)  # the relay waits OUTBOX_REPUBLISH_SECONDS (2 s here) before republishing

    def relayed_and_routed() -> bool:
        with app.app_context():
            outbox.relay()
            from inquiries import mailer

            mailer.due_deliveries()
            db.session.commit()
        return set(statuses(app).values()) == {Status.ROUTED}

    wait_until(relayed_and_routed, timeout=90, every=1)
    with app.app_context():
        for delivery_id in db.session.scalars(
            select(Delivery.id).where(Delivery.kind == MailKind.ACKNOWLEDGEMENT)
        ):
            outbox.publish("deliver_mail", delivery_id)
    mailbox.wait_for(lambda ms: len(ms) >= 6, timeout=60)
    time.sleep(2)
    routing = mailbox.of_kind("routing")
    assert sorted(m["X-Triage-Reference"] for m in routing) == sorted(statuses(app))
    assert len(mailbox.of_kind("acknowledgement")) == 3  # none twice
