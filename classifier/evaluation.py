"""How good a model is, in the terms the committee cares about: right answers and safe routing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from classifier.corpus import Example
from classifier.model import OUT_OF_SCOPE, Prediction

# The figures printed by `evaluate` and shown first in a model's report.
HEADLINE_FIGURES = (
    "accuracy",
    "macro_f1",
    "auto_route_precision",
    "auto_route_coverage",
    "out_of_scope_auto_routed",
    "wrong_routes_to_secondary",
)


def evaluate(examples: Sequence[Example], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Metrics of predictions against labels; every rate is a share between 0 and 1."""
    truth = [e.objective for e in examples]
    guess = [p.objective for p in predictions]
    labels = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guess, labels=labels, zero_division=0
    )
    routed = [(e, p) for e, p in zip(examples, predictions, strict=True) if p.decision == "route"]
    wrong_routes = [(e, p) for e, p in routed if e.objective != p.objective]
    # A wrong route to the question's own second objective reaches a service it also concerns:
    # a different mistake from one that reaches a service it does not concern at all.
    to_secondary = sum(1 for e, p in wrong_routes if e.secondary == p.objective)
    out_of_scope = [
        p for e, p in zip(examples, predictions, strict=True) if e.objective == OUT_OF_SCOPE
    ]
    return {
        "examples": len(examples),
        "accuracy": round(float(accuracy_score(truth, guess)), 4),
        "macro_f1": round(
            float(f1_score(truth, guess, labels=labels, average="macro", zero_division=0)), 4
        ),
        "per_objective": {
            str(code): round(float(score), 4) for code, score in zip(labels, f1, strict=True)
        },
        "per_objective_detail": {
            str(code): {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(s), 4),
                "support": int(n),
            }
            for code, p, r, s, n in zip(labels, precision, recall, f1, support, strict=True)
        },
        "auto_route_precision": (
            round((len(routed) - len(wrong_routes)) / len(routed), 4) if routed else None
        ),
        "auto_route_coverage": round(len(routed) / len(examples), 4) if examples else 0.0,
        "out_of_scope_auto_routed": (
            round(sum(p.decision == "route" for p in out_of_scope) / len(out_of_scope), 4)
            if out_of_scope
            else None
        ),
        "wrong_routes_to_secondary": (
            round(to_secondary / len(wrong_routes), 4) if wrong_routes else None
        ),
        "confusion_matrix": {
            "labels": list(range(10)),
            "rows": confusion_matrix(truth, guess, labels=list(range(10))).tolist(),
        },
    }
