"""The SMTP server is down for 20 seconds while an inquiry is routed: the mails still arrive,
each exactly once, with every attempt recorded (real worker, Redis, PostgreSQL, SMTP server)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from inquiries.extensions import db
from inquiries.models import Delivery, Inquiry, MailKind, Status
from inquiries.models.inquiry import parse_reference
from tests.integration.test_end_to_end import QUESTIONS, wait_until


def test_mail_arrives_once_after_the_mail_server_was_down(
    make_app, start_worker, redis_url, mailbox, monkeypatch
) -> None:
    monkeypatch.setenv("MAIL_RETRY_BASE_SECONDS", "5")  # retries after 5, 10, 20 s...
    app = make_app(redis_url)
    start_worker(app)
    from workers.tasks import dispatch_deliveries

    stop_beat = threading.Event()

    def beat() -> None:
        """What Celery beat does every RELAY_INTERVAL_SECONDS: hand due retries to a worker."""
        while not stop_beat.wait(1):
            dispatch_deliveries.delay()

    threading.Thread(target=beat, daemon=True).start()
    try:
        mailbox.stop()
        down_since = time.monotonic()
        text, objective = QUESTIONS[1]
        answer = app.test_client().post(
            "/api/v1/inquiries", json={"email": "marie@example.org", "message": text}
        )
        assert answer.status_code == 202
        reference = answer.get_json()["reference"]

        def attempts() -> dict[str, int]:
            with app.app_context():
                return dict(db.session.execute(select(Delivery.kind, Delivery.attempts)).all())

        wait_until(lambda: attempts().get(MailKind.ROUTING, 0) >= 2, timeout=30)
        time.sleep(max(0.0, 20 - (time.monotonic() - down_since)))
        mailbox.start()

        mailbox.wait_for(
            lambda ms: {m["X-Triage-Kind"] for m in ms} >= {"routing", "acknowledgement"},
            timeout=90,
        )
        time.sleep(8)  # long enough for a duplicate to show up, were there one
    finally:
        stop_beat.set()
    routing = mailbox.of_kind("routing")
    assert [m["X-Triage-Reference"] for m in routing] == [reference]
    assert routing[0]["X-Triage-Objective"] == str(objective)
    assert len(mailbox.of_kind("acknowledgement")) == 1
    with app.app_context():
        inquiry = db.session.get(Inquiry, parse_reference(reference)[1])
        assert inquiry.status == Status.ROUTED
        routed = next(d for d in inquiry.deliveries if d.kind == MailKind.ROUTING)
        assert routed.attempts >= 3 and routed.state == "sent"  # refused at least twice
