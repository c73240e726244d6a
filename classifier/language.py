"""Which of the four languages an inquiry is written in, detected offline with lingua."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = {
    Language.DUTCH: "nl",
    Language.FRENCH: "fr",
    Language.GERMAN: "de",
    Language.ENGLISH: "en",
}
# lingua's time grows with the text and its verdict does not change after a few sentences: on
# the 5,576 corpus questions longer than 250 characters, their first 200 give the same language
# as the whole text every time. A long letter's first 300 characters are enough.
SAMPLE_CHARACTERS = 300


@cache
def _detector() -> LanguageDetector:
    # Built on first use, not at import: the models cost memory and a few hundred milliseconds.
    return (
        LanguageDetectorBuilder.from_languages(*SUPPORTED)
        .with_minimum_relative_distance(0.05)
        .with_preloaded_language_models()
        .build()
    )


def preload() -> None:
    """Load the language models now: a worker does it before forking its pool, so the pool
    processes share one copy (about 140 MB) instead of each loading its own on first use."""
    _detector()


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """ISO 639-1 code of each text's language, or None where a text is too short to tell.
    A batch is spread over the cores by lingua's own threads."""
    samples = [text[:SAMPLE_CHARACTERS] for text in texts]
    found = _detector().detect_languages_in_parallel_of(samples)
    return [SUPPORTED.get(language) if language is not None else None for language in found]


def detect_language(text: str) -> str | None:
    return detect_languages([text])[0]
