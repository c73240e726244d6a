"""`triage import`: inquiries that reached the committee another way (post, phone, an old
mailbox), one JSON object per line with the API's fields. They are submitted like any other, so
they are acknowledged, classified and routed. The whole file is checked before anything is
stored, and a line imported before is skipped, so an interrupted import can simply be run again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from inquiries import inquiry_payload
from inquiries.extensions import db
from inquiries.models import Inquiry
from inquiries.submission import submit_inquiry

CHANNEL = "import"


@dataclass(frozen=True)
class Problem:
    line: int
    errors: inquiry_payload.Errors

    def __str__(self) -> str:
        return f"line {self.line}: " + "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in self.errors.items()
        )


def check_lines(lines: Iterable[str]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The inquiries of a file, and what is wrong with the lines that are not inquiries."""
    accepted: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            payload = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(number, {"line": [f"not JSON ({exc.msg})"]}))
            continue
        if not isinstance(payload, dict):
            problems.append(Problem(number, {"line": ["not a JSON object"]}))
            continue
        fields, errors = inquiry_payload.check(payload)
        if fields is None:
            problems.append(Problem(number, errors))
        else:
            accepted.append(fields)
    return accepted, problems


def _imported_before(fields: dict[str, Any]) -> bool:
    return (
        db.session.scalar(
            select(Inquiry.id)
            .where(Inquiry.channel == CHANNEL)
            .where(Inquiry.email == fields["email"])
            .where(Inquiry.message == fields["message"])
            .limit(1)
        )
        is not None
    )


def import_inquiries(
    inquiries: list[dict[str, Any]],
    fallback_language: str,
    progress: Callable[[int], None] = lambda _: None,
) -> tuple[int, int]:
    """Submit each inquiry (one commit each); returns (imported, skipped as imported before)."""
    imported = skipped = 0
    for fields in inquiries:
        if _imported_before(fields):
            skipped += 1
        else:
            submit_inquiry(fields, channel=CHANNEL, interface_language=fallback_language)
            imported += 1
        progress(1)
    return imported, skipped
