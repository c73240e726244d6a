"""The scikit-learn pipeline, how it is trained, and what one prediction says."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from os import cpu_count
from typing import Any

import numpy as np
import sklearn
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from classifier.corpus import Example
from classifier.feature_rows import FeatureRows, vectorizer_of
from classifier.language import detect_languages
from classifier.progress import Progress, silent
from classifier.thesaurus import ConceptAnnotator, load_terms

OUT_OF_SCOPE = 0
# Automatic routing must be right 97% of the time and route under 2% of out-of-scope messages on
# questions the model has never seen; the thresholds are chosen for both with a margin.
TARGET_ROUTE_PRECISION = 0.975
MAX_OUT_OF_SCOPE_ROUTED = 0.01
# Never route a question unless the model finds its objective more likely than all the others
# together: below that, the marginal routed question is wrong about as often as right, however
# well the questions above it do (with the corpus of 24,000 the validation questions alone let the
# threshold fall to 0.47, where 1.9% of the held-out out-of-scope messages were routed).
MIN_ROUTE_THRESHOLD = 0.5
# A question is routed only when the model also gives "out of scope" at most this probability; the
# candidates tried, loosest first (1.0: no such rule). An ordinary matter that mentions a plan topic
# (an energy premium, a hospital bill) is often confidently placed under that topic, but keeps a
# share of out-of-scope probability that questions on the topic itself do not have.
SCOPE_GATES = (1.0, 0.10, 0.05, 0.03, 0.02)
# Half the promised 2%, as on the validation questions: these out-of-fold probabilities come from
# models fitted on four fifths of the corpus, and the model fitted on all of it is surer of the
# near-misses (at 2% here, 3.6% of held-out out-of-scope messages were routed on 2026-12-07).
MAX_HARD_OUT_OF_SCOPE_ROUTED = 0.01
SECONDARY_THRESHOLD = 0.20
EXPLANATION_TERMS = 6
# Terms that weigh in the model but explain nothing to a person: the words that name AI itself
# (nearly every question has them), and question and modal words in the four languages.
UNINFORMATIVE = frozenset(
    """ai ia ki l'ia d'ia itself artificial intelligence artificielle kunstmatige kunstliche
    künstliche intelligenz use using used utiliser utilise gebruiken gebruikt nutzen einsetzen
    can could would should may might must does do did is are was be the a an and or for of to in
    on my our your it we i with what which how who kan kunnen mag mogen moet moeten wil willen
    mijn onze ons ik we wij je u hoe wat welke wie voor met een het de en van peut pouvons
    peuvent doit doivent je nous vous on il mon ma mes notre nos votre vos comment quel quelle
    quels quelles qui pour avec est sont un une le la les des du et kann konnen können darf
    durfen dürfen muss mussen müssen ich wir sie es er mein meine unser unsere wie welche wer fur
    für mit ist sind gibt ein eine der die das den dem und""".split()  # noqa: SIM905 - a word list
)

READABLE_BLOCKS = ("words", "concepts")


def _words() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        sublinear_tf=True,
        strip_accents="unicode",
        lowercase=True,
        min_df=2,
        token_pattern=r"(?u)\b\w[\w'-]+\b",  # noqa: S106 (a regex, not a password)
    )


def _chars() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        strip_accents="unicode",
        lowercase=True,
        min_df=2,
        max_features=40_000,
    )


def _concepts() -> Pipeline:
    """Concepts from the thesaurus, shared by the four languages (see classifier.thesaurus)."""
    return Pipeline(
        [
            ("annotate", ConceptAnnotator(load_terms())),
            (
                "weigh",
                TfidfVectorizer(
                    lowercase=False,
                    token_pattern=r"\S+",  # noqa: S106
                    sublinear_tf=True,
                ),
            ),
        ]
    )


def _features() -> FeatureUnion:
    return FeatureUnion([("words", _words()), ("chars", _chars()), ("concepts", _concepts())])


def _svm_calibrated() -> Pipeline:
    # A fixed seed for its coordinate descent: the same data trains the same model.
    svm = LinearSVC(C=0.5, class_weight="balanced", random_state=0)
    return Pipeline(
        [
            ("features", _features()),
            ("model", CalibratedClassifierCV(svm, method="sigmoid", cv=5, ensemble=False)),
        ]
    )


def _logistic() -> Pipeline:
    return Pipeline(
        [
            ("features", _features()),
            ("model", LogisticRegression(C=20.0, class_weight="balanced", max_iter=3000)),
        ]
    )


def _naive_bayes() -> Pipeline:
    return Pipeline(
        [("features", FeatureUnion([("words", _words())])), ("model", ComplementNB(alpha=0.3))]
    )


CANDIDATES: dict[str, Callable[[], Pipeline]] = {
    "tfidf-svm-calibrated": _svm_calibrated,
    "tfidf-logistic": _logistic,
    "tfidf-complement-nb": _naive_bayes,
}
DEFAULT_DESIGN = "tfidf-svm-calibrated"


@dataclass
class ModelCard:
    """What a trained model is: the facts stored beside it and shown to the committee."""

    version: str
    design: str
    created_at: str
    data_hash: str
    training_examples: int
    route_threshold: float
    secondary_threshold: float
    metrics: dict[str, Any] = field(default_factory=dict)
    model_sha256: str = ""
    # Routed only when P(out of scope) is at most this (1.0 in cards made before the rule).
    scope_threshold: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Prediction:
    objective: int
    probabilities: dict[int, float]
    decision: str
    confidence: float
    secondary: int | None
    language: str | None
    explanation: list[str]
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "objective": self.objective,
            "probabilities": {str(k): round(v, 4) for k, v in self.probabilities.items()},
            "decision": self.decision,
            "confidence": round(self.confidence, 4),
            "secondary": self.secondary,
            "language": self.language,
            "explanation": self.explanation,
            "model_version": self.model_version,
        }


def _class_weights(estimator: Any) -> np.ndarray:
    """Per-class weight of each feature, as a (classes, features) array, for explanations."""
    if isinstance(estimator, CalibratedClassifierCV):
        return np.mean([c.estimator.coef_ for c in estimator.calibrated_classifiers_], axis=0)
    if hasattr(estimator, "coef_"):
        return np.asarray(estimator.coef_)
    return np.asarray(estimator.feature_log_prob_)


Probabilities = Callable[[Any], np.ndarray]


def _probabilities(estimator: Any) -> Probabilities:
    """The estimator's predict_proba; for a sigmoid-calibrated linear model, the same numbers as
    one matrix product (a test holds them equal). sklearn checks its input again for each of the
    ten calibrators, which cost a third of a prediction; the arithmetic itself costs nothing."""
    if not (
        isinstance(estimator, CalibratedClassifierCV)
        and estimator.method == "sigmoid"
        and len(estimator.calibrated_classifiers_) == 1
        and hasattr(estimator.calibrated_classifiers_[0].estimator, "coef_")
    ):
        return estimator.predict_proba
    calibrated = estimator.calibrated_classifiers_[0]
    weights = calibrated.estimator.coef_.T
    intercept = calibrated.estimator.intercept_
    slope = np.array([c.a_ for c in calibrated.calibrators])
    offset = np.array([c.b_ for c in calibrated.calibrators])

    def probabilities(features: Any) -> np.ndarray:
        per_class = expit(-(slope * (features @ weights + intercept) + offset))
        total = per_class.sum(axis=1, keepdims=True)
        uniform = np.full_like(per_class, 1 / per_class.shape[1])
        return np.divide(per_class, total, out=uniform, where=total > 0)

    return probabilities


class TrainedModel:
    """A fitted pipeline with its card; decides route or review and says why."""

    def __init__(self, pipeline: Pipeline, card: ModelCard) -> None:
        self.pipeline = pipeline
        self.card = card
        self.classes = [int(c) for c in pipeline.classes_]
        self._features: FeatureUnion = pipeline.named_steps["features"]
        self._estimator = pipeline.named_steps["model"]
        self._probabilities = _probabilities(self._estimator)
        self._weights = _class_weights(self._estimator)
        self._rows = FeatureRows(self._features)
        # Each column's term for explanations: only in the readable blocks (words and thesaurus
        # concepts, not character n-grams) and only terms that tell a person something.
        self._terms = np.full(self._rows.width, "", dtype=object)
        offset = 0
        for name, block in self._features.transformer_list:
            vocabulary = vectorizer_of(block).get_feature_names_out()
            if name in READABLE_BLOCKS:
                for column, raw in enumerate(vocabulary, start=offset):
                    term = str(raw).replace("_", " ")
                    if not all(word in UNINFORMATIVE for word in term.split()):
                        self._terms[column] = term
            offset += len(vocabulary)
        self._explained = self._terms != ""

    def decide(self, probabilities: dict[int, float]) -> tuple[int, str, int | None]:
        ranked = sorted(probabilities.items(), key=lambda item: item[1], reverse=True)
        objective, confidence = ranked[0]
        route = (
            objective != OUT_OF_SCOPE
            and confidence >= self.card.route_threshold
            and probabilities.get(OUT_OF_SCOPE, 0.0) <= self.card.scope_threshold
        )
        secondary = next(
            (
                code
                for code, p in ranked[1:]
                if code != OUT_OF_SCOPE and p >= self.card.secondary_threshold
            ),
            None,
        )
        return objective, "route" if route else "review", secondary

    def explain(self, columns: np.ndarray, values: np.ndarray, objective: int) -> list[str]:
        """The words and concepts of one feature row that pushed most towards the objective."""
        keep = self._explained[columns]
        columns = columns[keep]
        scores = values[keep] * self._weights[self.classes.index(objective), columns]
        terms: list[str] = []
        for index in np.argsort(-scores, kind="stable"):
            if scores[index] <= 0 or len(terms) == EXPLANATION_TERMS:
                break
            term = self._terms[columns[index]]
            if term not in terms:  # a word and a concept may share a name
                terms.append(term)
        return terms

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        features = self._rows.matrix(texts)
        # The features are the model's own: sklearn need not check them again.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            matrix = self._probabilities(features)
        languages = detect_languages(texts)
        predictions = []
        for index, (language, row) in enumerate(zip(languages, matrix, strict=True)):
            start, end = features.indptr[index], features.indptr[index + 1]
            probabilities = {code: float(p) for code, p in zip(self.classes, row, strict=True)}
            objective, decision, secondary = self.decide(probabilities)
            predictions.append(
                Prediction(
                    objective=objective,
                    probabilities=probabilities,
                    decision=decision,
                    confidence=probabilities[objective],
                    secondary=secondary,
                    language=language,
                    explanation=self.explain(
                        features.indices[start:end], features.data[start:end], objective
                    ),
                    model_version=self.card.version,
                )
            )
        return predictions

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]


@dataclass(frozen=True)
class Routing:
    """When a prediction is routed without a person: top probability at least `threshold` and
    out-of-scope probability at most `scope_threshold`."""

    threshold: float
    scope_threshold: float


def _routable(
    probabilities: np.ndarray, classes: Sequence[int], scope_gate: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(predicted objective, confidence, may be routed at some threshold) of each row."""
    classes = list(classes)
    predicted = np.asarray(classes)[probabilities.argmax(axis=1)]
    in_scope = predicted != OUT_OF_SCOPE
    if OUT_OF_SCOPE in classes:
        in_scope &= probabilities[:, classes.index(OUT_OF_SCOPE)] <= scope_gate
    return predicted, probabilities.max(axis=1), in_scope


def choose_route_threshold(
    labels: np.ndarray,
    probabilities: np.ndarray,
    classes: Sequence[int],
    target: float = TARGET_ROUTE_PRECISION,
    max_out_of_scope_routed: float = MAX_OUT_OF_SCOPE_ROUTED,
    scope_gate: float = 1.0,
) -> float:
    """The lowest confidence down to which automatic routing stays right `target` of the time
    and routes at most `max_out_of_scope_routed` of the out-of-scope messages, routing only
    predictions whose out-of-scope probability is at most `scope_gate`.

    Walks down from the most confident prediction and stops at the first threshold that breaks
    either rule, so a lucky pocket of low-confidence predictions cannot pull it down.
    """
    predicted, confidence, in_scope = _routable(probabilities, classes, scope_gate)
    out_of_scope = labels == OUT_OF_SCOPE
    chosen = 1.0
    for threshold in sorted(np.unique(confidence[in_scope]), reverse=True):
        if threshold < MIN_ROUTE_THRESHOLD:
            break
        routed = in_scope & (confidence >= threshold)
        precise = (predicted[routed] == labels[routed]).mean() >= target
        leaks = out_of_scope.any() and routed[out_of_scope].mean() > max_out_of_scope_routed
        if not precise or leaks:
            break
        chosen = float(threshold)
    return chosen


def choose_routing(
    labels: np.ndarray,
    probabilities: np.ndarray,
    classes: Sequence[int],
    hard_labels: np.ndarray,
    hard_probabilities: np.ndarray,
) -> Routing:
    """The routing rule that sends the most validation questions without a person while keeping
    both promises there (see choose_route_threshold), over the out-of-scope limits in SCOPE_GATES.

    A validation set holds a few dozen out-of-scope messages, too few to see a leak of 2%; so the
    threshold is also raised until at most MAX_HARD_OUT_OF_SCOPE_ROUTED of the out-of-scope
    messages among the hard examples (the corpus's out-of-fold predictions, with its hundreds of
    near-misses) would be routed.
    """
    best, best_coverage = Routing(1.0, 1.0), -1.0
    for gate in SCOPE_GATES:
        _, confidence, in_scope = _routable(probabilities, classes, gate)
        threshold = max(
            choose_route_threshold(labels, probabilities, classes, scope_gate=gate),
            choose_route_threshold(
                hard_labels,
                hard_probabilities,
                classes,
                target=0.0,
                max_out_of_scope_routed=MAX_HARD_OUT_OF_SCOPE_ROUTED,
                scope_gate=gate,
            ),
        )
        routed = in_scope & (confidence >= threshold)
        if routed.mean() > best_coverage:  # a stricter limit must route more to win
            best, best_coverage = Routing(threshold, gate), float(routed.mean())
    return best


CV_FOLDS = 5
FIT_STEPS = CV_FOLDS + 1


def _fitted(design: str, texts: np.ndarray, labels: np.ndarray) -> Pipeline:
    return CANDIDATES[design]().fit(texts, labels)


def _out_of_fold(
    design: str, texts: np.ndarray, labels: np.ndarray, unseen: np.ndarray
) -> np.ndarray:
    return _fitted(design, texts, labels).predict_proba(unseen)


def _plain_vocabularies(union: FeatureUnion) -> None:
    """Make each vocabulary's columns Python ints. With max_features scikit-learn leaves NumPy
    integers, which skops stores as one file each: 40,000 files, a 90 MB model that took
    seconds to load."""
    for _, block in union.transformer_list:
        vectorizer = vectorizer_of(block)
        vectorizer.vocabulary_ = {
            term: int(column) for term, column in vectorizer.vocabulary_.items()
        }


def fit(
    examples: Sequence[Example],
    validation: Sequence[Example],
    design: str = DEFAULT_DESIGN,
    progress: Progress = silent,
) -> tuple[Pipeline, Routing, float]:
    """Fit the pipeline on all examples and choose its routing rule on the validation questions.

    The corpus is cross-validated for its macro-F1 and its out-of-scope leak. The routing
    threshold is chosen on the separate validation set, written like ordinary mail and never
    trained on: the corpus is deliberately full of hard cases, so confidences measured on it
    understate how sure the model rightly is of ordinary questions. Returns (pipeline, routing
    rule, cross-validated macro-F1); reports FIT_STEPS steps.
    """
    texts = np.asarray([e.text for e in examples], dtype=object)
    labels = np.asarray([e.objective for e in examples])
    classes = sorted(set(labels.tolist()))
    splits = list(
        StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=7).split(texts, labels)
    )
    # The folds and the final fit are independent: they run side by side, one per core (a corpus
    # of 20,000 questions took three minutes one after another on two cores). Forked, so that no
    # helper process (spawn's resource tracker) outlives the block: `triage run` trains the
    # first model and must leave nothing behind when it stops.
    workers = min(FIT_STEPS, cpu_count() or 1)
    progress(
        0, FIT_STEPS, f"cross-validation in {CV_FOLDS} folds and the final fit, {workers} at a time"
    )
    out_of_fold = np.zeros((len(texts), len(classes)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        # The longest job, the final fit, first: it runs beside the folds instead of after them.
        final = pool.submit(_fitted, design, texts, labels)
        folds = [
            pool.submit(_out_of_fold, design, texts[train], labels[train], texts[test])
            for train, test in splits
        ]
        for number, ((_, test_rows), fold) in enumerate(zip(splits, folds, strict=True)):
            out_of_fold[test_rows] = fold.result()
            progress(
                number + 1, FIT_STEPS, f"cross-validation: {number + 1} of {CV_FOLDS} folds done"
            )
        pipeline = final.result()
    cv_macro_f1 = f1_score(labels, np.asarray(classes)[out_of_fold.argmax(axis=1)], average="macro")
    _plain_vocabularies(pipeline.named_steps["features"])
    routing = choose_routing(
        np.asarray([e.objective for e in validation]),
        pipeline.predict_proba([e.text for e in validation]),
        classes,
        labels,
        out_of_fold,
    )
    return pipeline, routing, round(float(cv_macro_f1), 4)
