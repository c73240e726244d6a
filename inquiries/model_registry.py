"""Model versions in the database, retraining on staff labels, and promotion by an admin.

The classifier package stores each version on disk with its card and a LIVE pointer, which is
what workers load; this module mirrors that into the model_versions table, so the committee can see
every version, its metrics and who made it live.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from classifier import registry
from classifier.corpus import Example, training_set
from classifier.evaluation import evaluate
from classifier.model import ModelCard, TrainedModel
from classifier.progress import Progress, offset
from classifier.training import TRAIN_STEPS, train
from inquiries.extensions import db
from inquiries.models import Inquiry, Label, ModelVersion
from inquiries.models.types import utcnow
from inquiries.pipeline import classification_text

COMPARED = (
    "macro_f1",
    "accuracy",
    "auto_route_precision",
    "auto_route_coverage",
    "out_of_scope_auto_routed",
)


def _model_dir() -> Path:
    return Path(current_app.config["MODEL_DIR"])


def register(card: ModelCard, *, staff_labels: int = 0) -> ModelVersion:
    row = db.session.get(ModelVersion, card.version)
    if row is None:
        row = ModelVersion(
            version=card.version,
            design=card.design,
            data_hash=card.data_hash,
            training_examples=card.training_examples,
            staff_labels=staff_labels,
            metrics=card.metrics,
            created_at=datetime.fromisoformat(card.created_at),
        )
        db.session.add(row)
    return row


def sync_live() -> ModelVersion | None:
    """Make the table agree with the LIVE pointer on disk (after a first training, say)."""
    version = registry.live_version(_model_dir())
    if version is None:
        return None
    row = register(registry.read_card(_model_dir(), version))
    if not row.is_live:
        db.session.execute(update(ModelVersion).values(is_live=False))
        row.is_live = True
        row.promoted_at = row.promoted_at or utcnow()
        row.promoted_by = row.promoted_by or "system:first-model"
    db.session.commit()
    return row


def promote(version: str, *, actor: str) -> ModelVersion:
    """Make a version live for every worker (they reload on their next classification)."""
    registry.promote(_model_dir(), version)
    row = register(registry.read_card(_model_dir(), version))
    db.session.execute(update(ModelVersion).values(is_live=False))
    row.is_live = True
    row.promoted_by = actor
    row.promoted_at = utcnow()
    db.session.commit()
    return row


def staff_examples() -> list[Example]:
    """Inquiries whose objective a person set, as training examples (the latest label wins)."""
    latest: dict[int, Label] = {}
    for label in db.session.scalars(
        select(Label).where(Label.objective.is_not(None)).order_by(Label.id)
    ):
        latest[label.inquiry_id] = label
    examples = []
    for inquiry_id, label in latest.items():
        inquiry = db.session.get(Inquiry, inquiry_id)
        if inquiry is not None and inquiry.anonymised_at is None:
            examples.append(
                Example(
                    text=classification_text(inquiry),
                    objective=int(label.objective or 0),
                    language=inquiry.detected_language or inquiry.language,
                )
            )
    return examples


def compare_on_held_out(candidate: TrainedModel, live: TrainedModel) -> dict[str, dict[str, Any]]:
    """Both models scored now on the same fixed held-out split, side by side."""
    _, held_out = training_set()
    texts = [e.text for e in held_out]
    return {
        name: {key: evaluate(held_out, model.predict_many(texts))[key] for key in COMPARED}
        for name, model in (("live", live), ("candidate", candidate))
    }


def no_worse(comparison: dict[str, dict[str, Any]]) -> bool:
    live, candidate = comparison["live"], comparison["candidate"]
    return (
        candidate["macro_f1"] >= live["macro_f1"]
        and (candidate["auto_route_precision"] or 0) >= (live["auto_route_precision"] or 0)
        and (candidate["out_of_scope_auto_routed"] or 0) <= (live["out_of_scope_auto_routed"] or 0)
    )


def retrain(*, auto_promote: bool, progress: Progress) -> dict[str, Any]:
    """Train a candidate on the corpus plus staff labels; promote only if asked and no worse."""
    total = TRAIN_STEPS + 2
    extra = staff_examples()
    progress(0, total, f"{len(extra)} inquiries labelled by staff join the corpus")
    live = registry.load_live(_model_dir())
    candidate = train(
        _model_dir(), extra=extra, make_live=False, progress=offset(progress, 0, total)
    )
    register(candidate.card, staff_labels=len(extra))
    db.session.commit()
    progress(TRAIN_STEPS, total, "scoring the live model and the candidate on the held-out split")
    comparison = compare_on_held_out(candidate, live)
    promoted = False
    if auto_promote and no_worse(comparison):
        progress(total, total, "the candidate is no worse: promoting it")
        promote(candidate.card.version, actor="system:auto-promote")
        promoted = True
    else:
        waiting = f"the candidate waits for an admin: triage promote {candidate.card.version}"
        progress(total, total, waiting)
    return {
        "live": live.card.version,
        "candidate": candidate.card.version,
        "comparison": comparison,
        "promoted": promoted,
    }
