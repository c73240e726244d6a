"""The objectives and services data files as plain data (no Flask), for the classifier too."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ObjectiveSpec:
    code: int
    slug: str
    service: str
    also: tuple[str, ...]
    name: dict[str, str] = field(hash=False)
    description: dict[str, str] = field(hash=False)


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    email: str
    languages: tuple[str, ...]
    name: dict[str, str] = field(hash=False)


def _load(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@cache
def objectives() -> tuple[ObjectiveSpec, ...]:
    """The objectives in code order (0 last in the file, first here)."""
    specs = [
        ObjectiveSpec(
            code=int(row["code"]),
            slug=row["slug"],
            service=row["service"],
            also=tuple(row.get("also", ())),
            name=dict(row["name"]),
            description=dict(row["description"]),
        )
        for row in _load("objectives.toml")["objective"]
    ]
    return tuple(sorted(specs, key=lambda spec: spec.code))


@cache
def services() -> tuple[ServiceSpec, ...]:
    return tuple(
        ServiceSpec(
            key=row["key"],
            email=row["email"],
            languages=tuple(row["languages"]),
            name=dict(row["name"]),
        )
        for row in _load("services.toml")["service"]
    )


@dataclass(frozen=True)
class FaqEntry:
    objective: int
    service: str
    question: dict[str, str] = field(hash=False)
    answer: dict[str, str] = field(hash=False)


@cache
def faq() -> tuple[FaqEntry, ...]:
    """The questions the committee has answered publicly, shown on the form before sending."""
    return tuple(
        FaqEntry(
            objective=int(row["objective"]),
            service=row["service"],
            question=dict(row["question"]),
            answer=dict(row["answer"]),
        )
        for row in _load("faq.toml")["faq"]
    )
