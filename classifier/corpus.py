"""The labelled examples the model learns from, the fixed held-out split it is judged on, and the
validation questions its routing rule is chosen on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from config.catalogue import objectives

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
VALIDATION_DIR = Path(__file__).resolve().parent / "validation"
HELD_OUT_EVERY = 5  # about one example in five of each (objective, language) group is held out


@dataclass(frozen=True)
class Example:
    text: str
    objective: int
    language: str | None = None
    secondary: int | None = None


class CorpusError(ValueError):
    """A line of a labelled data file is not a valid example."""


def parse_line(line: str, *, source: str = "<input>", number: int = 0) -> Example | None:
    """One JSONL line as an Example; blank lines give None."""
    if not line.strip():
        return None
    try:
        row = json.loads(line)
        text = row["text"]
        objective = int(row["objective"])
        secondary = row.get("secondary")
        secondary = int(secondary) if secondary not in (None, "") else None
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{source}:{number}: not a labelled example ({exc})") from exc
    if not isinstance(text, str) or not text.strip() or objective not in range(10):
        raise CorpusError(f"{source}:{number}: needs a text and an objective from 0 to 9")
    return Example(
        text=text, objective=objective, language=row.get("language"), secondary=secondary
    )


def read_jsonl(path: Path) -> list[Example]:
    # utf-8-sig: a file saved by a spreadsheet or Notepad may start with a byte-order mark.
    with path.open(encoding="utf-8-sig") as handle:
        parsed = (parse_line(line, source=str(path), number=n) for n, line in enumerate(handle, 1))
        return [example for example in parsed if example is not None]


def written_examples(corpus_dir: Path = CORPUS_DIR, pattern: str = "*/*.jsonl") -> list[Example]:
    """Every example the team wrote, in a stable order."""
    examples: list[Example] = []
    for path in sorted(corpus_dir.glob(pattern)):
        examples.extend(read_jsonl(path))
    return examples


def description_examples() -> list[Example]:
    """The objectives' own names and descriptions from config/, as labelled text."""
    return [
        Example(
            text=f"{spec.name[lang]}. {spec.description[lang]}", objective=spec.code, language=lang
        )
        for spec in objectives()
        for lang in spec.name
    ]


def _held_out(example: Example) -> bool:
    digest = hashlib.sha256(example.text.strip().lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % HELD_OUT_EVERY == 0


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """Split into (train, held_out): one text in HELD_OUT_EVERY, in every objective and language.

    Each text's own hash decides, so the split never moves as the corpus grows: a held-out text
    can never become training data because others were added. (Ranking each group by hash and
    holding out every fifth, as before 2026-12-07, moved most of the split whenever a group grew.)
    """
    train: list[Example] = []
    held_out: list[Example] = []
    for example in examples:
        (held_out if _held_out(example) else train).append(example)
    return train, held_out


def validation_set(validation_dir: Path = VALIDATION_DIR) -> list[Example]:
    """Questions written apart from the corpus, like ordinary mail, on which the routing rule is
    chosen; never trained on."""
    return written_examples(validation_dir, "*.jsonl")


def training_set(extra: Iterable[Example] = ()) -> tuple[list[Example], list[Example]]:
    """(train, held_out): the written corpus split, plus descriptions and extra labels in train."""
    train, held_out = split(written_examples())
    return [*train, *description_examples(), *extra], held_out


def data_hash(examples: Iterable[Example]) -> str:
    """A fingerprint of exactly what a model was trained on."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(
            json.dumps(
                [example.text, example.objective, example.language], ensure_ascii=False
            ).encode("utf-8")
        )
        digest.update(b"\n")
    return digest.hexdigest()


def iter_texts(lines: Iterable[str]) -> Iterator[str]:
    """Texts from JSONL lines of the form {"text": "..."}; blank lines are skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            text = json.loads(line)["text"]
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f'line {number}: expected {{"text": "..."}}') from exc
        if not isinstance(text, str):
            raise CorpusError(f"line {number}: text must be a string")
        yield text
