"""Questions already answered that look like the one a citizen is typing, so they may find an
answer before they send it. Published answers only (config/faq.toml): never another person's
inquiry.

Each entry is indexed by the words of its question and answer in all four languages; a text is
scored by the summed rarity (idf) of the words it shares with an entry, so a question typed in
any language meets the entries about the same things.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

from config import catalogue
from inquiries.similarity import terms_of

MIN_SHARED = 2  # one shared word is chance; two start to say something
MIN_SCORE = 0.12


@dataclass(frozen=True)
class Suggestion:
    question: str
    answer: str
    service: str
    score: float


@cache
def _index() -> tuple[list[set[str]], dict[str, float]]:
    documents = [
        set(terms_of(" ".join([*entry.question.values(), *entry.answer.values()])))
        for entry in catalogue.faq()
    ]
    counts = Counter(term for document in documents for term in document)
    idf = {term: math.log(1 + len(documents) / count) for term, count in counts.items()}
    return documents, idf


def suggestions(text: str, language: str, limit: int = 3) -> list[Suggestion]:
    """The published questions most like `text`, in `language`, best first."""
    words = set(terms_of(text))
    if len(words) < MIN_SHARED:
        return []
    documents, idf = _index()
    own = sum(idf.get(term, 0.0) for term in words) or 1.0
    scored = []
    for entry, document in zip(catalogue.faq(), documents, strict=True):
        shared = words & document
        if len(shared) < MIN_SHARED:
            continue
        score = sum(idf[term] for term in shared) / own
        if score >= MIN_SCORE:
            scored.append((score, entry))
    scored.sort(key=lambda pair: -pair[0])
    return [
        Suggestion(
            question=entry.question.get(language) or entry.question["en"],
            answer=entry.answer.get(language) or entry.answer["en"],
            service=entry.service,
            score=round(score, 3),
        )
        for score, entry in scored[:limit]
    ]
