"""Prometheus metrics at /metrics: what is waiting, what failed, how long tasks take, which
model is live. Everything is read from the database and the broker when scraped, so every web
process reports the same numbers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from classifier import registry
from inquiries.extensions import db
from inquiries.models import Delivery, Inquiry, OutboxMessage, Status, TaskStat
from inquiries.models.task_stat import BUCKETS


def record_task_run(task: str, seconds: float, failed: bool) -> None:
    """Add one run to a task's statistics, in a transaction of its own (called by workers)."""
    try:
        _add_run(task, seconds, failed)
    except IntegrityError:  # another worker made the task's row at the same moment
        _add_run(task, seconds, failed)


def _add_run(task: str, seconds: float, failed: bool) -> None:
    with db.engine.begin() as connection:
        row = connection.execute(
            select(TaskStat.runs, TaskStat.failures, TaskStat.seconds_sum, TaskStat.buckets)
            .where(TaskStat.task == task)
            .with_for_update()
        ).first()
        buckets = dict(row.buckets) if row else {}
        for bound in BUCKETS:
            if seconds <= bound:
                buckets[str(bound)] = buckets.get(str(bound), 0) + 1
        values = {
            "runs": (row.runs if row else 0) + 1,
            "failures": (row.failures if row else 0) + int(failed),
            "seconds_sum": (row.seconds_sum if row else 0.0) + seconds,
            "buckets": buckets,
        }
        table = TaskStat.__table__
        if row:
            connection.execute(table.update().where(table.c.task == task).values(**values))
        else:
            connection.execute(table.insert().values(task=task, **values))


def _broker_queue_length() -> float | None:
    """Messages waiting in the default Celery queue, or None when the broker cannot say."""
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            # Declaring is harmless (workers declare it too) and answers with its length.
            declared = connection.default_channel.queue_declare("celery")
            return float(declared.message_count)
    except Exception:  # any broker error means "unknown"
        return None


class TriageCollector:
    """Collected at scrape time, from the application context of the request."""

    def collect(self) -> Iterator[Metric]:
        inquiries = GaugeMetricFamily("triage_inquiries", "Inquiries by status.", labels=["status"])
        counts = dict(
            db.session.execute(select(Inquiry.status, func.count()).group_by(Inquiry.status)).all()
        )
        for status in Status:
            inquiries.add_metric([status.value], counts.get(status, 0))
        yield inquiries

        deliveries = GaugeMetricFamily(
            "triage_deliveries", "Mails by kind and state.", labels=["kind", "state"]
        )
        for kind, state, count in db.session.execute(
            select(Delivery.kind, Delivery.state, func.count()).group_by(
                Delivery.kind, Delivery.state
            )
        ):
            deliveries.add_metric([kind, state], count)
        yield deliveries

        open_outbox = db.session.scalar(
            select(func.count()).where(OutboxMessage.completed_at.is_(None))
        )
        yield GaugeMetricFamily(
            "triage_outbox_open", "Tasks stored but not yet done (the outbox).", value=open_outbox
        )
        queue_length = _broker_queue_length()
        if queue_length is not None:
            yield GaugeMetricFamily(
                "triage_broker_queue_length",
                "Messages waiting in the broker's queue.",
                value=queue_length,
            )

        durations = HistogramMetricFamily(
            "triage_task_duration_seconds", "How long Celery tasks took.", labels=["task"]
        )
        failures = GaugeMetricFamily(
            "triage_task_failures", "Celery task runs that raised.", labels=["task"]
        )
        for stat in db.session.scalars(select(TaskStat).order_by(TaskStat.task)):
            buckets = [(str(b), stat.buckets.get(str(b), 0)) for b in BUCKETS]
            durations.add_metric(
                [stat.task], [*buckets, ("+Inf", stat.runs)], sum_value=stat.seconds_sum
            )
            failures.add_metric([stat.task], stat.failures)
        yield durations
        yield failures

        model = GaugeMetricFamily(
            "triage_model_live",
            "The live model version (the label); 1 when one is live.",
            labels=["version"],
        )
        live = registry.live_version(Path(current_app.config["MODEL_DIR"]))
        if live:
            model.add_metric([live], 1)
        yield model
        yield GaugeMetricFamily(
            "triage_scrape_timestamp_seconds", "When these numbers were read.", value=time.time()
        )


def exposition() -> bytes:
    registry_ = CollectorRegistry()
    registry_.register(TriageCollector())  # type: ignore[arg-type]
    return generate_latest(registry_)
