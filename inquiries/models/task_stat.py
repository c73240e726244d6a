"""How each kind of Celery task has fared: runs, failures and a histogram of durations.

Written by every worker process (one small upsert per task run), read by /metrics; kept in the
database because web and workers run in different processes and often on different hosts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inquiries.extensions import db

# Upper bounds (seconds) of the duration histogram's buckets; +Inf is the run count.
BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class TaskStat(db.Model):
    __tablename__ = "task_stats"

    task: Mapped[str] = mapped_column(String(80), primary_key=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    seconds_sum: Mapped[float] = mapped_column(Float, default=0.0)
    # Cumulative counts per bucket, keyed by the bucket's upper bound as text.
    buckets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
