"""The model's own feature rows must be exactly what scikit-learn's transform gives, or refused."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier import registry
from classifier.feature_rows import FeatureRows

TEXTS = [
    "Mag mijn werkgever met AI-camera's bijhouden hoe snel ik werk?",
    "Nous avons reçu un appel avec la voix clonée de notre directeur. Qui prévenir ?",
    "Welche Förderung gibt es für KI in kleinen Betrieben in Ostbelgien? " * 30,
    "Who checks the algorithms the police use to decide where to patrol?",
    "asdfgh qwerty zxcvb",
    "",
    "!!!",
    "AI AI AI AI AI AI",
    # Character n-grams are looked up word by word: the words must be the analyzer's own,
    # whatever the spaces and however lowercasing and accent stripping change the characters.
    "Ｆｕｌｌ\u00a0width\tand  ℌilbert's ﬁle ¨ tabs\n\nnew line\u2003em-space Æsop İstanbul",
]


def test_rows_equal_the_live_models_union(model_dir: Path) -> None:
    union = registry.load_live(model_dir).pipeline.named_steps["features"]
    ours = FeatureRows(union).matrix(TEXTS)
    theirs = union.transform(TEXTS)
    assert ours.shape == theirs.shape
    assert np.abs((ours - theirs).toarray()).max() < 1e-12
    alone = FeatureRows(union).matrix([TEXTS[2]])
    assert (alone != ours[2]).nnz == 0  # a text's row does not depend on the texts beside it


def test_rows_follow_each_tf_idf_setting_they_accept() -> None:
    union = FeatureUnion(
        [
            ("words", TfidfVectorizer(sublinear_tf=False)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)),
        ]
    ).fit(TEXTS)
    ours = FeatureRows(union).matrix(TEXTS[::-1])
    assert np.abs((ours - union.transform(TEXTS[::-1])).toarray()).max() < 1e-12
    assert FeatureRows(union).matrix([]).shape == (0, ours.shape[1])


@pytest.mark.parametrize(
    "block",
    [
        TfidfVectorizer(norm="l1"),
        TfidfVectorizer(binary=True),
        TfidfVectorizer(use_idf=False),
        TfidfVectorizer(dtype=np.float32),
        CountVectorizer(),
    ],
    ids=["l1", "binary", "no-idf", "float32", "counts"],
)
def test_a_block_the_rows_would_not_reproduce_is_refused(block) -> None:
    union = FeatureUnion([("words", TfidfVectorizer()), ("other", block)]).fit(TEXTS)
    with pytest.raises(ValueError, match="other"):
        FeatureRows(union)


def test_weighted_blocks_are_refused() -> None:
    union = FeatureUnion(
        [("a", TfidfVectorizer()), ("b", TfidfVectorizer())], transformer_weights={"a": 2.0}
    ).fit(TEXTS)
    with pytest.raises(ValueError, match="weighted"):
        FeatureRows(union)
