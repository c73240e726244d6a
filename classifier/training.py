"""Train a new model version from the corpus (plus any staff labels) and store it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from classifier import registry
from classifier.corpus import Example, data_hash, training_set, validation_set
from classifier.evaluation import evaluate
from classifier.model import (
    DEFAULT_DESIGN,
    FIT_STEPS,
    SECONDARY_THRESHOLD,
    ModelCard,
    TrainedModel,
    fit,
)
from classifier.progress import Progress, offset, silent
from classifier.report import render

TRAIN_STEPS = FIT_STEPS + 2
# What the card keeps of the validation questions, on which the routing rule was chosen.
VALIDATION_FIGURES = (
    "examples",
    "macro_f1",
    "auto_route_precision",
    "auto_route_coverage",
    "out_of_scope_auto_routed",
)


def train(
    model_dir: Path,
    *,
    extra: Iterable[Example] = (),
    design: str = DEFAULT_DESIGN,
    make_live: bool = True,
    progress: Progress = silent,
) -> TrainedModel:
    """Train, score on the fixed held-out split, save as a new version, optionally make it live."""
    train_examples, held_out = training_set(extra)
    validation = validation_set()
    fingerprint = data_hash([*train_examples, *validation])
    pipeline, routing, cv_macro_f1 = fit(
        train_examples, validation, design, offset(progress, 0, TRAIN_STEPS)
    )
    card = ModelCard(
        version=registry.new_version(fingerprint),
        design=design,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        data_hash=fingerprint,
        training_examples=len(train_examples),
        route_threshold=routing.threshold,
        scope_threshold=routing.scope_threshold,
        secondary_threshold=SECONDARY_THRESHOLD,
    )
    model = TrainedModel(pipeline, card)
    progress(FIT_STEPS, TRAIN_STEPS, f"scoring on the {len(held_out)} held-out examples")
    metrics = evaluate(held_out, model.predict_many([e.text for e in held_out]))
    card.metrics = {k: v for k, v in metrics.items() if k != "confusion_matrix"}
    card.metrics["cv_macro_f1"] = cv_macro_f1
    on_validation = evaluate(validation, model.predict_many([e.text for e in validation]))
    card.metrics["validation"] = {key: on_validation[key] for key in VALIDATION_FIGURES}
    progress(FIT_STEPS + 1, TRAIN_STEPS, "saving the model and its report")
    folder = registry.save(model_dir, model)
    (folder / "report.html").write_text(render(model, held_out), encoding="utf-8")
    if make_live:
        registry.promote(model_dir, card.version)
    progress(
        TRAIN_STEPS,
        TRAIN_STEPS,
        f"saved model {card.version}: macro-F1 {metrics['macro_f1']}, "
        f"auto-route precision {metrics['auto_route_precision']} "
        f"at coverage {metrics['auto_route_coverage']}",
    )
    return model


def live_or_train(model_dir: Path, progress: Progress = silent) -> TrainedModel:
    """The live model; trains the first one when none exists (a fresh install)."""
    try:
        return registry.load_live(model_dir)
    except registry.NoModelError:
        progress(0, TRAIN_STEPS, "no model yet: training the first one from the corpus")
        return train(model_dir, progress=progress)
