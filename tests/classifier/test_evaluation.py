"""The figures the committee judges a model by, computed from labels and predictions."""

from __future__ import annotations

from classifier.corpus import Example
from classifier.evaluation import evaluate
from classifier.model import Prediction


def _prediction(objective: int, decision: str) -> Prediction:
    return Prediction(
        objective=objective,
        probabilities={objective: 0.9},
        decision=decision,
        confidence=0.9,
        secondary=None,
        language="en",
        explanation=[],
        model_version="test",
    )


def test_routing_figures_count_only_what_was_routed() -> None:
    examples = [
        Example("hospital scan software", 5, "en", None),
        Example("bias in a hiring tool", 1, "en", 8),
        Example("chatbot of the tax office", 9, "en", 1),
        Example("deepfake of my mayor", 9, "en", None),
        Example("my passport", 0, "en", None),
        Example("buy cheap pills", 0, "en", None),
    ]
    predictions = [
        _prediction(5, "route"),  # right
        _prediction(8, "route"),  # wrong, to the question's second objective
        _prediction(3, "route"),  # wrong, to a service it does not concern
        _prediction(1, "review"),  # wrong but a person looks first: not a routing error
        _prediction(9, "route"),  # an out-of-scope message routed
        _prediction(0, "review"),
    ]

    metrics = evaluate(examples, predictions)

    assert metrics["auto_route_coverage"] == round(4 / 6, 4)
    assert metrics["auto_route_precision"] == 0.25
    assert metrics["out_of_scope_auto_routed"] == 0.5
    assert metrics["wrong_routes_to_secondary"] == round(1 / 3, 4)
    assert metrics["accuracy"] == round(2 / 6, 4)


def test_no_routes_means_no_precision_rather_than_a_perfect_one() -> None:
    metrics = evaluate([Example("hello", 0, "en", None)], [_prediction(0, "review")])

    assert metrics["auto_route_precision"] is None
    assert metrics["wrong_routes_to_secondary"] is None
    assert metrics["auto_route_coverage"] == 0.0
