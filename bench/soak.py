"""Soak run: thousands of inquiries through real processes while faults are injected at random
(worker killed, Redis stopped, SMTP server down or refusing), then a reconciliation. Appends
its figures to docs/faults.md.

    .venv/bin/python bench/soak.py [--inquiries 2000] [--seed 1]

Needs PostgreSQL on 127.0.0.1:5432 and the redis-server binary; makes and drops its own database
and runs its own Redis on a free port.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, heading, machine
from classifier.corpus import training_set
from tests.conftest import MailBox, free_port
from tests.integration.conftest import RedisServer, celery_process, stop_group

SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "triage_soak"
FAULTS_DOC = ROOT / "docs" / "faults.md"


class Faults:
    """Injects one random fault at a time until told to stop, and counts them."""

    def __init__(self, rng: random.Random, redis: RedisServer, mailbox: MailBox) -> None:
        self.rng, self.redis, self.mailbox = rng, redis, mailbox
        self.worker = celery_process("worker", "--concurrency", "2")
        self.injected: Counter[str] = Counter()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.rng.uniform(4, 9)):
            fault = self.rng.choice(["kill worker", "stop redis", "smtp down", "smtp 4xx"])
            self.injected[fault] += 1
            if fault == "kill worker":
                stop_group(self.worker, signal.SIGKILL)
                time.sleep(1)
                self.worker = celery_process("worker", "--concurrency", "2")
            elif fault == "stop redis":
                self.redis.stop()
                time.sleep(self.rng.uniform(2, 6))
                self.redis.start()
            elif fault == "smtp down":
                self.mailbox.stop()
                time.sleep(self.rng.uniform(3, 10))
                self.mailbox.start()
            else:
                self.mailbox.refuse_with = "451 4.3.0 try again later"
                time.sleep(self.rng.uniform(3, 8))
                self.mailbox.refuse_with = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inquiries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    instance = Path(tempfile.mkdtemp(prefix="soak-"))
    redis = RedisServer(instance)
    redis.start()
    mailbox = MailBox(port=free_port())
    mailbox.start()
    os.environ.update(
        TRIAGE_ENV="testing",
        INSTANCE_PATH=str(instance),
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        CELERY_BROKER_URL=redis.url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mailbox.port),
        MAIL_RETRY_BASE_SECONDS="2",
        MAIL_MAX_ATTEMPTS="8",
        BROKER_VISIBILITY_TIMEOUT="10",
        OUTBOX_REPUBLISH_SECONDS="5",
        RELAY_INTERVAL_SECONDS="1",
        SUBMIT_RATE_LIMIT="100000 per minute",
    )
    from sqlalchemy import func, select

    from inquiries import create_app
    from inquiries.cli import prepare_database, prepare_model
    from inquiries.extensions import db
    from inquiries.models import Delivery, Inquiry, OutboxMessage

    app = create_app()
    with app.app_context():
        prepare_database()
        prepare_model()
    beat = celery_process("beat", "--schedule", str(instance / "beat"))
    faults = Faults(rng, redis, mailbox)
    injector = threading.Thread(target=faults.run, daemon=True)
    train, held_out = training_set()
    texts = [e.text for e in train + held_out]
    client = app.test_client()
    answers: Counter[int] = Counter()
    started = time.monotonic()
    try:
        time.sleep(8)  # the first worker loads the model
        injector.start()
        for n in range(args.inquiries):
            answer = client.post(
                "/api/v1/inquiries",
                json={"email": f"soak{n}@example.org", "message": rng.choice(texts)},
            )
            answers[answer.status_code] += 1
            time.sleep(0.02)
        submitted = time.monotonic() - started
        faults.done.set()
        injector.join()

        def open_work() -> tuple[int, int, int]:
            with app.app_context():
                received = db.session.scalar(
                    select(func.count()).where(Inquiry.status == "received")
                )
                pending = db.session.scalar(select(func.count()).where(Delivery.state == "pending"))
                outbox = db.session.scalar(
                    select(func.count()).where(OutboxMessage.completed_at.is_(None))
                )
                return received or 0, pending or 0, outbox or 0

        deadline = time.monotonic() + 900
        while any(open_work()) and time.monotonic() < deadline:
            time.sleep(2)
        settled = time.monotonic() - started
        time.sleep(5)
        with app.app_context():
            statuses = Counter(db.session.scalars(select(Inquiry.status)))
            states = Counter(db.session.scalars(select(Delivery.state)))
            stored = db.session.scalar(select(func.count(Inquiry.id))) or 0
            routed = {
                inquiry.reference
                for inquiry in db.session.scalars(select(Inquiry).where(Inquiry.status == "routed"))
            }
    finally:
        faults.done.set()
        stop_group(faults.worker, signal.SIGTERM)
        stop_group(beat, signal.SIGTERM)
        redis.stop()
        mailbox.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    routing = Counter(m["X-Triage-Reference"] for m in mailbox.of_kind("routing"))
    acks = Counter(m["X-Triage-Reference"] for m in mailbox.of_kind("acknowledgement"))
    lost = answers[202] - stored
    duplicated = sum(n - 1 for n in routing.values() if n > 1) + sum(
        n - 1 for n in acks.values() if n > 1
    )
    routed_without_mail = len(routed - set(routing))
    lines = [
        heading("Soak run"),
        "",
        f"{machine()}; seed {args.seed}. {args.inquiries} inquiries through the API in "
        f"{submitted:.0f} s to 2 worker processes and beat, all settled after {settled:.0f} s.",
        "",
        f"- Faults injected: {sum(faults.injected.values())} "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(faults.injected.items()))}).",
        f"- Answers: {dict(sorted(answers.items()))}; stored: {stored}; lost: {lost}.",
        f"- Statuses: {dict(sorted(statuses.items()))}.",
        f"- Mails: {dict(sorted(states.items()))}; routing mails {sum(routing.values())}, "
        f"acknowledgements {sum(acks.values())}; sent twice: {duplicated}; "
        f"routed without a routing mail: {routed_without_mail}.",
    ]
    with FAULTS_DOC.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if lost or duplicated or routed_without_mail:
        raise SystemExit("the soak run does not reconcile")


if __name__ == "__main__":
    main()
