"""How the contact point is doing, for the dashboard: volumes, the model in production, speed,
and mail still owed. Each figure is one grouped query over a recent window."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Date, cast, func, select

from inquiries.extensions import db
from inquiries.models import (
    AuditEvent,
    Classification,
    Delivery,
    DeliveryState,
    Inquiry,
    Label,
    Status,
)
from inquiries.models.types import utcnow

WEEKS = 8


def _day(column: ColumnElement[datetime]) -> ColumnElement[object]:
    """The calendar day (UTC) of a timestamp, on SQLite and PostgreSQL alike."""
    if db.engine.dialect.name == "sqlite":
        return func.date(column)
    return cast(func.timezone("UTC", column), Date)


def week_of(day: object) -> str:
    """The ISO week a day falls in, e.g. 2026-W48."""
    parsed = day if hasattr(day, "isocalendar") else datetime.fromisoformat(str(day))
    year, week, _ = parsed.isocalendar()  # type: ignore[union-attr]
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Summary:
    weeks: list[str]
    per_week: dict[str, dict[int | None, int]]  # week -> objective -> inquiries
    classified: int
    routed_by_model: int
    corrections: dict[int, tuple[int, int]]  # model objective -> (corrected, classified)
    route_median_minutes: float | None
    route_p90_minutes: float | None
    routed_count: int
    deliveries: dict[str, int]
    waiting: int

    @property
    def automatic_share(self) -> float | None:
        return self.routed_by_model / self.classified if self.classified else None


def summary(now: datetime | None = None, weeks: int = WEEKS) -> Summary:
    now = now or utcnow()
    since = now - timedelta(weeks=weeks)
    day = _day(Inquiry.created_at)
    per_week: dict[str, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for on, objective, count in db.session.execute(
        select(day, Inquiry.objective_code, func.count())
        .where(Inquiry.created_at >= since)
        .group_by(day, Inquiry.objective_code)
    ):
        per_week[week_of(on)][objective] += count
    week_labels = sorted({week_of(since + timedelta(weeks=i)) for i in range(weeks + 1)})
    week_labels = [w for w in week_labels if w <= week_of(now)][-weeks:]

    decisions = dict(
        db.session.execute(
            select(Classification.decision, func.count())
            .where(Classification.created_at >= since)
            .group_by(Classification.decision)
        ).all()
    )
    classified_per_objective = dict(
        db.session.execute(
            select(Classification.objective, func.count())
            .where(Classification.created_at >= since)
            .group_by(Classification.objective)
        ).all()
    )
    # A correction: a person's label that disagrees with the model's objective.
    corrected = dict(
        db.session.execute(
            select(Classification.objective, func.count(func.distinct(Label.inquiry_id)))
            .join(Label, Label.inquiry_id == Classification.inquiry_id)
            .where(
                Classification.created_at >= since,
                (Label.objective != Classification.objective)
                | (Label.rejected_objective == Classification.objective),
            )
            .group_by(Classification.objective)
        ).all()
    )
    corrections = {
        code: (corrected.get(code, 0), count) for code, count in classified_per_objective.items()
    }

    first_routed = (
        select(AuditEvent.inquiry_id, func.min(AuditEvent.at).label("at"))
        .where(AuditEvent.to_status == Status.ROUTED, AuditEvent.at >= since)
        .group_by(AuditEvent.inquiry_id)
        .subquery()
    )
    minutes = sorted(
        (routed_at - created).total_seconds() / 60
        for created, routed_at in db.session.execute(
            select(Inquiry.created_at, first_routed.c.at).join(
                first_routed, first_routed.c.inquiry_id == Inquiry.id
            )
        )
    )
    deliveries = dict(
        db.session.execute(
            select(Delivery.state, func.count())
            .where(
                Delivery.state.in_(
                    [DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.UNCERTAIN]
                )
            )
            .group_by(Delivery.state)
        ).all()
    )
    waiting = db.session.scalar(
        select(func.count()).where(
            Inquiry.status.in_([Status.NEEDS_REVIEW, Status.DELIVERY_FAILED, Status.SENT_BACK])
        )
    )
    return Summary(
        weeks=week_labels,
        per_week={week: dict(counts) for week, counts in per_week.items()},
        classified=sum(decisions.values()),
        routed_by_model=decisions.get("route", 0),
        corrections=corrections,
        route_median_minutes=statistics.median(minutes) if minutes else None,
        route_p90_minutes=_percentile(minutes, 0.9),
        routed_count=len(minutes),
        deliveries={
            state: deliveries.get(state, 0) for state in ("pending", "failed", "uncertain")
        },
        waiting=waiting or 0,
    )


def _percentile(ordered: list[float], share: float) -> float | None:
    """Nearest-rank percentile of an ordered list."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]
