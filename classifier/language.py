"""Which of the four languages an inquiry is written in, detected offline with lingua."""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = {
    Language.DUTCH: "nl",
    Language.FRENCH: "fr",
    Language.GERMAN: "de",
    Language.ENGLISH: "en",
}


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


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    language = _detector().detect_language_of(text)
    return SUPPORTED.get(language) if language is not None else None
