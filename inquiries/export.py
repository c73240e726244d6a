"""Inquiries as CSV, written row by row so a large export never sits in memory: the triage
queue's download and `triage export` use the same columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context
from sqlalchemy import Select, select

from inquiries.extensions import db
from inquiries.models import Inquiry, Objective
from inquiries.models.types import utcnow

COLUMNS = (
    "reference",
    "received_at",
    "status",
    "language",
    "objective",
    "objective_name",
    "confidence",
    "service",
    "assignee",
    "name",
    "organisation",
    "email",
    "subject",
    "message",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text as a spreadsheet shows it, never as a formula it would run (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(inquiry: Inquiry, objectives: dict[int, Objective], language: str) -> list[str]:
    objective = (
        objectives.get(inquiry.objective_code) if inquiry.objective_code is not None else None
    )
    values = (
        inquiry.reference,
        inquiry.created_at.isoformat(timespec="seconds"),
        inquiry.status,
        inquiry.language,
        inquiry.objective_code,
        objective.name(language) if objective else "",
        f"{inquiry.confidence:.3f}" if inquiry.confidence is not None else "",
        inquiry.service_key,
        inquiry.assignee.email if inquiry.assignee else "",
        inquiry.name,
        inquiry.organisation,
        inquiry.email,
        inquiry.subject,
        inquiry.message,
    )
    return [_cell(value) for value in values]


def objectives_by_code() -> dict[int, Objective]:
    return {o.code: o for o in db.session.scalars(select(Objective).order_by(Objective.code))}


def csv_lines(
    query: Select[tuple[Inquiry]], objectives: dict[int, Objective], language: str
) -> Iterator[str]:
    """The header line, then one line per inquiry."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(COLUMNS)
    for inquiry in db.session.scalars(query.execution_options(yield_per=500)):
        yield line(_row(inquiry, objectives, language))


def queue_csv(
    query: Select[tuple[Inquiry]], objectives: dict[int, Objective], language: str
) -> Response:
    name = f"triage-queue-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(csv_lines(query, objectives, language)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
