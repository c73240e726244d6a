"""Feature rows of a fitted FeatureUnion of TF-IDF blocks, made without scikit-learn's transform.

A prediction is one short text. In each of the three blocks scikit-learn's transform checks its
input again and builds intermediate sparse matrices, which cost about half of a prediction;
the arithmetic itself is small: look the analyzer's terms up in the vocabulary, count them,
weigh each by (1 + log count) × idf and scale the row to unit length. The rows made here are
the union's own (a test holds the model's probabilities equal to the pipeline's); a block with
settings they would not reproduce is refused when the model loads, not guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline


@dataclass(frozen=True)
class _Block:
    ahead: tuple[Any, ...]  # fitted steps ahead of the vectorizer (the concept annotator), if any
    columns_of: Callable[[str], np.ndarray]  # the column of each term found, repeats kept
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear: bool
    offset: int  # the block's first column in the union's output

    def prepare(self, texts: list[str]) -> list[str]:
        for step in self.ahead:
            texts = step.transform(texts)
        return texts

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns in the union's output, weights) of one text, columns ascending."""
        columns, counts = np.unique(self.columns_of(text), return_counts=True)
        weights = (np.log(counts) + 1 if self.sublinear else counts.astype(np.float64)) * self.idf[
            columns
        ]
        length = np.sqrt(weights @ weights)
        if length > 0:
            weights /= length
        return columns + self.offset, weights


def _term_columns(
    analyzer: Callable[[str], list[str]], vocabulary: dict[str, int]
) -> Callable[[str], np.ndarray]:
    def columns_of(text: str) -> np.ndarray:
        terms = analyzer(text)
        columns = np.fromiter(
            map(vocabulary.get, terms, repeat(-1)), dtype=np.int64, count=len(terms)
        )
        return columns[columns >= 0]

    return columns_of


# Distinct words whose character n-gram columns a block keeps at hand (a few MB).
WORDS_KEPT = 20_000


def _word_by_word_columns(
    vectorizer: TfidfVectorizer, vocabulary: dict[str, int]
) -> Callable[[str], np.ndarray]:
    """Character n-grams within word bounds never cross a space: a text's are its words'
    together. The same words come back in every text, so each word's columns are looked up once;
    a long letter's character block then costs a few hundred dictionary lookups, not thousands."""
    preprocess = vectorizer.build_preprocessor()
    word_columns = lru_cache(maxsize=WORDS_KEPT)(
        _term_columns(vectorizer._char_wb_ngrams, vocabulary)  # the analyzer's own n-grams
    )

    def columns_of(text: str) -> np.ndarray:
        words = preprocess(vectorizer.decode(text)).split()
        if not words:
            return np.empty(0, dtype=np.int64)
        return np.concatenate([word_columns(word) for word in words])

    return columns_of


def vectorizer_of(block: object) -> Any:
    """The block's last step, which makes its columns (a block may be a pipeline)."""
    return block.steps[-1][1] if isinstance(block, Pipeline) else block


def _block(name: str, block: object, offset: int) -> _Block:
    vectorizer = vectorizer_of(block)
    if not (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and not vectorizer.binary
        and vectorizer.dtype == np.float64
    ):
        raise ValueError(f"feature block {name!r} is not a TF-IDF block these rows reproduce")
    return _Block(
        ahead=tuple(step for _, step in block.steps[:-1]) if isinstance(block, Pipeline) else (),
        columns_of=(
            _word_by_word_columns(vectorizer, vectorizer.vocabulary_)
            if vectorizer.analyzer == "char_wb"
            else _term_columns(vectorizer.build_analyzer(), vectorizer.vocabulary_)
        ),
        vocabulary=vectorizer.vocabulary_,
        idf=vectorizer.idf_,
        sublinear=vectorizer.sublinear_tf,
        offset=offset,
    )


class FeatureRows:
    """The union's transform for texts one at a time or a few at once."""

    def __init__(self, union: FeatureUnion) -> None:
        if union.transformer_weights:
            raise ValueError("weighted feature blocks are not reproduced")
        self._blocks: list[_Block] = []
        offset = 0
        for name, block in union.transformer_list:
            self._blocks.append(_block(name, block, offset))
            offset += len(self._blocks[-1].vocabulary)
        self.width = offset

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """One row per text, as the union's transform gives it."""
        texts = list(texts)
        per_block = [[block.row(text) for text in block.prepare(texts)] for block in self._blocks]
        columns: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        ends = [0]
        for rows in zip(*per_block, strict=True):
            for row_columns, row_weights in rows:
                columns.append(row_columns)
                weights.append(row_weights)
            ends.append(ends[-1] + sum(len(row_columns) for row_columns, _ in rows))
        return sparse.csr_matrix(
            (
                np.concatenate(weights) if weights else np.empty(0),
                np.concatenate(columns).astype(np.int32) if columns else np.empty(0, np.int32),
                np.array(ends, dtype=np.int32),
            ),
            shape=(len(texts), self.width),
        )
