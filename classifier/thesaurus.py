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
from pathlib import Path

from sklearn.base import BaseEstimator, TransformerMixin

THESAURUS_FILE = Path(__file__).resolve().parent / "thesaurus.toml"
LANGUAGES = ("nl", "fr", "de", "en")
MAX_TERM_WORDS = 4
_WORD = re.compile(r"\w+")


def normalise(text: str) -> list[str]:
    """Lowercased words without accents: people often type "hopital" for "hôpital"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(plain)


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


def concepts_in(words: list[str], terms: dict[str, str]) -> list[str]:
    """Concepts named in a word list, longest match first, each place counted once."""
    found: list[str] = []
    position = 0
    while position < len(words):
        for size in range(min(MAX_TERM_WORDS, len(words) - position), 0, -1):
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

    def transform(self, texts: Iterable[str]) -> list[str]:
        terms = self.terms or {}
        return [" ".join(concepts_in(normalise(text), terms)) or "no_concept" for text in texts]
