"""Shared concepts across the four languages, so evidence in one language helps the others.

classifier/thesaurus.toml (written by us) maps the words people use for a routing clue, in nl, fr,
de and en, to one concept name ("ziekenhuis", "hôpital", "Krankenhaus", "hospital" -> hospital). The
annotator turns a text into the concepts it mentions; the model learns weights for concepts as well
as for words. The term table is copied into each trained model, so a model never changes when the
thesaurus file is edited later.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

from sklearn.base import BaseEstimator, TransformerMixin

THESAURUS_FILE = Path(__file__).resolve().parent / "thesaurus.toml"
LANGUAGES = ("nl", "fr", "de", "en")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> list[str]:
    """Lowercased words without accents: people often type "hopital" for "hôpital"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    if not decomposed.isascii():
        decomposed = "".join([c for c in decomposed if not unicodedata.combining(c)])
    return _WORD.findall(decomposed)


def load_terms(path: Path = THESAURUS_FILE) -> dict[str, str]:
    """Normalised term (words joined by spaces) -> concept name."""
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    terms: dict[str, str] = {}
    for concept, languages in table.items():
        for language in LANGUAGES:
            for term in languages.get(language, []):
                key = " ".join(normalise(term))
                if key:
                    terms.setdefault(key, concept)
    return terms


def longest_terms(terms: dict[str, str]) -> dict[str, int]:
    """First word of a term -> the most words a term starting with it has. Most words of a text
    start no term: one lookup skips them instead of one per possible term length."""
    longest: dict[str, int] = {}
    for term in terms:
        words = term.split(" ")
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return longest


def concepts_in(words: list[str], terms: dict[str, str], longest: dict[str, int]) -> list[str]:
    """Concepts named in a word list, longest match first, each place counted once."""
    found: list[str] = []
    position = 0
    while position < len(words):
        most = longest.get(words[position], 0)
        for size in range(min(most, len(words) - position), 0, -1):
            concept = terms.get(" ".join(words[position : position + size]))
            if concept is not None:
                found.append(concept)
                position += size
                break
        else:
            position += 1
    return found


class ConceptAnnotator(TransformerMixin, BaseEstimator):
    """Text in, a string of concept names out; feed it to a vectorizer."""

    def __init__(self, terms: dict[str, str] | None = None) -> None:
        self.terms = terms

    def fit(self, texts: Iterable[str], y: object = None) -> ConceptAnnotator:
        return self

    @cached_property
    def _longest(self) -> dict[str, int]:
        return longest_terms(self.terms or {})

    def __getstate__(self) -> dict[str, object]:
        # The index is rebuilt from the terms on first use; a stored model holds only the terms.
        return {k: v for k, v in super().__getstate__().items() if k != "_longest"}

    def transform(self, texts: Iterable[str]) -> list[str]:
        terms = self.terms or {}
        return [
            " ".join(concepts_in(normalise(text), terms, self._longest)) or "no_concept"
            for text in texts
        ]
