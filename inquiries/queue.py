"""The triage queue: which inquiries wait for a person, filtered, searched and paged.

Pages are cut by key (the sort value and the id of the last row), never by offset, so the
thousandth page costs what the first does; the filters use the indexes on status, creation time,
objective and assignee, and the search uses trigram indexes on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true, tuple_
from sqlalchemy.orm import joinedload

from config.settings import LANGUAGES
from inquiries.extensions import db
from inquiries.models import Inquiry, Status
from inquiries.models.inquiry import parse_reference
from inquiries.models.types import utcnow

PAGE_SIZE = 50
MAX_SEARCH = 200


class Bucket(StrEnum):
    """Why an inquiry waits for a person."""

    UNSURE = "unsure"  # the model was not sure enough to route it
    SUGGESTED_OUT_OF_SCOPE = "suggested_out_of_scope"  # the model thinks it is not for us
    DELIVERY_FAILED = "delivery_failed"
    SENT_BACK = "sent_back"


WAITING = (Status.NEEDS_REVIEW, Status.DELIVERY_FAILED, Status.SENT_BACK)
SHOW_WAITING = "waiting"
SHOW_ALL = "all"
SHOW_CHOICES = (SHOW_WAITING, *Bucket, *Status, SHOW_ALL)

BANDS: dict[str, tuple[float, float]] = {
    "low": (0.0, 0.5),
    "medium": (0.5, 0.8),
    "high": (0.8, 1.01),
}
AGES = (1, 3, 7, 30)  # "waiting longer than N days"
SORTS = ("oldest", "newest", "least_confident")


def bucket_of(inquiry: Inquiry) -> Bucket | None:
    if inquiry.status == Status.NEEDS_REVIEW:
        return Bucket.SUGGESTED_OUT_OF_SCOPE if inquiry.objective_code == 0 else Bucket.UNSURE
    if inquiry.status == Status.DELIVERY_FAILED:
        return Bucket.DELIVERY_FAILED
    if inquiry.status == Status.SENT_BACK:
        return Bucket.SENT_BACK
    return None


def _bucket_condition(bucket: str) -> ColumnElement[bool]:
    if bucket == Bucket.UNSURE:
        return and_(
            Inquiry.status == Status.NEEDS_REVIEW,
            or_(Inquiry.objective_code.is_(None), Inquiry.objective_code != 0),
        )
    if bucket == Bucket.SUGGESTED_OUT_OF_SCOPE:
        return and_(Inquiry.status == Status.NEEDS_REVIEW, Inquiry.objective_code == 0)
    return Inquiry.status == bucket


@dataclass(frozen=True)
class QueueFilter:
    show: str = SHOW_WAITING
    objective: int | None = None
    language: str | None = None
    band: str | None = None
    older_than_days: int | None = None
    assignee: str | None = None  # "me", "nobody" or a staff id
    search: str = ""
    sort: str = "oldest"
    after: str | None = None  # the cursor of the next page

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilter:
        """Read the filters from a query string, ignoring what is not a valid choice."""
        show = args.get("show", SHOW_WAITING)
        objective = args.get("objective", "")
        assignee = args.get("assignee", "")
        age = args.get("age", "")
        return cls(
            show=show if show in SHOW_CHOICES else SHOW_WAITING,
            objective=int(objective) if objective.isdigit() and int(objective) <= 9 else None,
            language=args.get("language") if args.get("language") in LANGUAGES else None,
            band=args.get("band") if args.get("band") in BANDS else None,
            older_than_days=int(age) if age.isdigit() and int(age) in AGES else None,
            assignee=assignee if assignee in ("me", "nobody") or assignee.isdigit() else None,
            search=" ".join(args.get("q", "").split())[:MAX_SEARCH],
            sort=args.get("sort") if args.get("sort") in SORTS else "oldest",
            after=args.get("after") or None,
        )

    def as_args(self, **changes: Any) -> dict[str, str]:
        """The query string of this filter (with changes), for links and forms."""
        chosen = replace(self, **changes)
        args = {
            "show": chosen.show if chosen.show != SHOW_WAITING else None,
            "objective": chosen.objective,
            "language": chosen.language,
            "band": chosen.band,
            "age": chosen.older_than_days,
            "assignee": chosen.assignee,
            "q": chosen.search or None,
            "sort": chosen.sort if chosen.sort != "oldest" else None,
            "after": chosen.after,
        }
        return {key: str(value) for key, value in args.items() if value is not None}


def _search_condition(text: str) -> ColumnElement[bool]:
    reference = parse_reference(text)
    if reference is not None:
        year, number = reference
        return and_(
            Inquiry.id == number,
            Inquiry.created_at >= datetime(year, 1, 1, tzinfo=UTC),
            Inquiry.created_at < datetime(year + 1, 1, 1, tzinfo=UTC),
        )
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
        *(
            column.ilike(pattern, escape="\\")
            for column in (
                Inquiry.message,
                Inquiry.subject,
                Inquiry.email,
                Inquiry.name,
                Inquiry.organisation,
            )
        )
    )


def _sort_key(sort: str) -> ColumnElement[Any]:
    if sort == "least_confident":
        return func.coalesce(Inquiry.confidence, 0.0)
    return Inquiry.created_at


def conditions(chosen: QueueFilter, user_id: int) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if chosen.show == SHOW_WAITING:
        where.append(Inquiry.status.in_(WAITING))
    elif chosen.show in set(Bucket):
        where.append(_bucket_condition(chosen.show))
    elif chosen.show != SHOW_ALL:
        where.append(Inquiry.status == chosen.show)
    if chosen.objective is not None:
        where.append(Inquiry.objective_code == chosen.objective)
    if chosen.language:
        where.append(Inquiry.language == chosen.language)
    if chosen.band:
        low, high = BANDS[chosen.band]
        where.append(and_(Inquiry.confidence >= low, Inquiry.confidence < high))
    if chosen.older_than_days:
        where.append(Inquiry.created_at < utcnow() - timedelta(days=chosen.older_than_days))
    if chosen.assignee == "me":
        where.append(Inquiry.assignee_id == user_id)
    elif chosen.assignee == "nobody":
        where.append(Inquiry.assignee_id.is_(None))
    elif chosen.assignee:
        where.append(Inquiry.assignee_id == int(chosen.assignee))
    if chosen.search:
        where.append(_search_condition(chosen.search))
    return where


def filtered(chosen: QueueFilter, user_id: int) -> Select[tuple[Inquiry]]:
    """Every inquiry the filter selects, in its order (for the page and the CSV export)."""
    key = _sort_key(chosen.sort)
    order = (key.desc(), Inquiry.id.desc()) if chosen.sort == "newest" else (key, Inquiry.id)
    return (
        select(Inquiry)
        .where(*conditions(chosen, user_id))
        .options(joinedload(Inquiry.assignee), joinedload(Inquiry.service))
        .order_by(*order)
    )


def _cursor(chosen: QueueFilter, row: Inquiry) -> str:
    if chosen.sort == "least_confident":
        return f"{row.confidence or 0.0!r}~{row.id}"
    return f"{row.created_at.isoformat()}~{row.id}"


def _after(chosen: QueueFilter) -> ColumnElement[bool]:
    """Rows after the cursor; an unreadable cursor starts from the beginning."""
    value, _, row_id = (chosen.after or "").partition("~")
    try:
        key: Any = (
            float(value) if chosen.sort == "least_confident" else datetime.fromisoformat(value)
        )
        last = (key, int(row_id))
    except ValueError:
        return true()
    pair = tuple_(_sort_key(chosen.sort), Inquiry.id)
    return pair < last if chosen.sort == "newest" else pair > last


@dataclass(frozen=True)
class Page:
    rows: list[Inquiry]
    next_cursor: str | None


def page(chosen: QueueFilter, user_id: int, size: int = PAGE_SIZE) -> Page:
    query = filtered(chosen, user_id)
    if chosen.after:
        query = query.where(_after(chosen))
    rows = list(db.session.scalars(query.limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, _cursor(chosen, rows[-1]) if more else None)


def bucket_counts() -> dict[Bucket, int]:
    """How many inquiries wait in each bucket (one grouped query on the status index)."""
    out_of_scope = func.coalesce(Inquiry.objective_code == 0, false())
    counts = {bucket: 0 for bucket in Bucket}
    for status, is_zero, count in db.session.execute(
        select(Inquiry.status, out_of_scope, func.count())
        .where(Inquiry.status.in_(WAITING))
        .group_by(Inquiry.status, out_of_scope)
    ):
        if status == Status.NEEDS_REVIEW:
            counts[Bucket.SUGGESTED_OUT_OF_SCOPE if is_zero else Bucket.UNSURE] += count
        else:
            counts[Bucket(status)] += count
    return counts
