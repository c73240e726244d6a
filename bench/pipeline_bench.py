"""Benchmark of the pipeline: from POST /api/v1/inquiries to the mail received by an SMTP server,
through the Redis broker and real Celery worker processes. Latency at a steady 20 inquiries per
second, and sustained throughput of a burst with one and with two worker processes. Appends to
docs/benchmarks.md.

    .venv/bin/python bench/pipeline_bench.py [--rate 20] [--seconds 30] [--burst 400]

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (database 12).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import append_report, heading, machine, memory_mb, percentile, processes
from classifier.corpus import training_set
from tests.conftest import MailBox, free_port
from tests.integration.conftest import celery_process, stop_group

SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "triage_pipeline_bench"


class TimedMailBox(MailBox):
    """Notes when each mail arrived, by kind and reference."""

    arrivals: dict[tuple[str, str], float]

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        message = self.messages[-1]
        self.arrivals[(message["X-Triage-Kind"], message["X-Triage-Reference"])] = time.monotonic()
        return answer


def row(label: str, seconds: list[float]) -> str:
    p50, p95 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000
    return f"| {label} | {len(seconds)} | {p50:.0f} ms | {p95:.0f} ms |"


def wait_for(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.05)


def worker_memory(worker: subprocess.Popen) -> list[tuple[str, float, float]]:
    """(process, resident MB, proportional MB) of a worker's main process and its pool."""
    pool = sorted(pid for pid, (parent, _, _) in processes().items() if parent == worker.pid)
    return [
        ("main process (loads the model, then forks)", *memory_mb(worker.pid)),
        *((f"pool process {n}", *memory_mb(pid)) for n, pid in enumerate(pool, start=1)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--burst", type=int, default=400)
    args = parser.parse_args()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    subprocess.run(["redis-cli", "-n", "12", "flushdb"], stdout=subprocess.DEVNULL, check=True)
    box = TimedMailBox(port=free_port())
    box.arrivals = {}
    box.start()
    os.environ.update(
        TRIAGE_ENV="testing",
        INSTANCE_PATH=tempfile.mkdtemp(prefix="bench-pipeline-"),
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/12",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(box.port),
        SUBMIT_RATE_LIMIT="1000000 per minute",
    )
    from inquiries import create_app
    from inquiries.cli import prepare_database, prepare_model

    app = create_app()
    with app.app_context():
        prepare_database()
        prepare_model()
    client = app.test_client()
    _, held_out = training_set()
    texts = [e.text for e in held_out if e.objective != 0]
    submitted: dict[str, float] = {}

    def submit(n: int) -> None:
        answer = client.post(
            "/api/v1/inquiries",
            json={"email": f"bench{n}@example.org", "message": texts[n % len(texts)]},
        )
        if answer.status_code == 202:
            submitted[answer.get_json()["reference"]] = time.monotonic()

    def acknowledged(references: list[str]) -> bool:
        return all(("acknowledgement", r) in box.arrivals for r in references)

    def done(references: list[str]) -> bool:
        """Acknowledged, and classified (routed with its mail sent, or waiting for a person)."""
        with psycopg.connect(f"{SERVER}/{DATABASE}") as connection:
            left = connection.execute(
                "SELECT count(*) FROM inquiries i WHERE i.status = 'received' OR EXISTS "
                "(SELECT 1 FROM deliveries d WHERE d.inquiry_id = i.id AND d.state <> 'sent')"
            ).fetchone()[0]
        return left == 0 and acknowledged(references)

    results: list[str] = []
    try:
        # Steady load with two worker processes: latency from submit to the mail.
        running = celery_process("worker", "--concurrency", "2")
        time.sleep(10)  # the worker loads the model before its pool starts
        total = int(args.rate * args.seconds)
        started = time.monotonic()
        for n in range(total):
            submit(n)
            time.sleep(max(0.0, started + (n + 1) / args.rate - time.monotonic()))
        steady = list(submitted)
        wait_for(lambda: acknowledged(steady), 120)
        time.sleep(3)
        routing = [
            box.arrivals[("routing", r)] - submitted[r]
            for r in steady
            if ("routing", r) in box.arrivals
        ]
        acks = [box.arrivals[("acknowledgement", r)] - submitted[r] for r in steady]
        results += [
            row(f"acknowledgement mail, at {args.rate:.0f}/s", acks),
            row(f"routing mail (routed by the model), at {args.rate:.0f}/s", routing),
        ]
        memory = worker_memory(running)
        stop_group(running, signal.SIGTERM)

        # A burst, drained by one and then by two worker processes.
        throughput = []
        for processes in (1, 2):
            first = len(submitted)
            for n in range(first, first + args.burst):
                submit(n)
            burst = list(submitted)[first:]
            running = celery_process("worker", "--concurrency", str(processes))
            time.sleep(10)
            began = time.monotonic()
            wait_for(lambda b=burst: done(b), 600)
            throughput.append((processes, len(burst) / (time.monotonic() - began)))
            stop_group(running, signal.SIGTERM)
    finally:
        box.stop()
        with app.app_context():
            from inquiries.extensions import db

            db.session.remove()
            db.engine.dispose()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    lines = [
        heading("Pipeline"),
        "",
        f"{machine()}; PostgreSQL, Redis and the SMTP server on the same machine; latency from the "
        "API's 202 to the mail received by the SMTP server.",
        "",
        "| measure | inquiries | p50 | p95 |",
        "|---|---|---|---|",
        *results,
        "",
        "| worker (after the steady load) | resident | proportional (shared pages split) |",
        "|---|---|---|",
        *(f"| {name} | {rss:.0f} MB | {pss:.0f} MB |" for name, rss, pss in memory),
        f"| all together | {sum(m[1] for m in memory):.0f} MB | "
        f"{sum(m[2] for m in memory):.0f} MB |",
        "",
        "| worker processes | burst drained (inquiries/s, classified, acknowledged and routed) |",
        "|---|---|",
        *(f"| {processes} | {rate:.1f} |" for processes, rate in throughput),
    ]
    append_report(lines)


if __name__ == "__main__":
    main()
