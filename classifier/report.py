"""The evaluation report staff can open: an HTML page with tables and two pictures (SVG).

Per-objective precision, recall and F1, per-language results, the confusion matrix, precision
against coverage of automatic routing, and (when asked) the candidate designs side by side.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.corpus import Example
from classifier.evaluation import HEADLINE_FIGURES, evaluate
from classifier.model import (
    CANDIDATES,
    OUT_OF_SCOPE,
    SECONDARY_THRESHOLD,
    ModelCard,
    Prediction,
    TrainedModel,
    fit,
)
from config.catalogue import objectives

LANGUAGES = ("nl", "fr", "de", "en")


def precision_coverage(
    examples: Sequence[Example], predictions: Sequence[Prediction], scope_threshold: float = 1.0
) -> list[tuple[float, float, float]]:
    """(threshold, coverage, precision) of automatic routing for every threshold that matters,
    with the model's out-of-scope rule."""
    truth = np.array([e.objective for e in examples])
    guess = np.array([p.objective for p in predictions])
    confidence = np.array([p.confidence for p in predictions])
    in_scope = np.array([p.probabilities.get(OUT_OF_SCOPE, 0.0) for p in predictions]) <= (
        scope_threshold
    )
    points = []
    for threshold in sorted(set(np.round(confidence, 3)), reverse=True):
        routed = (guess != OUT_OF_SCOPE) & in_scope & (confidence >= threshold)
        if routed.any():
            points.append(
                (
                    float(threshold),
                    float(routed.mean()),
                    float((guess[routed] == truth[routed]).mean()),
                )
            )
    return points


def _svg_confusion(rows: list[list[int]]) -> str:
    size, cell = len(rows), 34
    top = max(max(r) for r in rows) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{cell * (size + 1) + 40}"'
        f' height="{cell * (size + 1) + 40}" aria-labelledby="cm-title">'
        '<title id="cm-title">Confusion matrix: rows are the true objective, columns the '
        "predicted one; darker is more questions.</title>"
    ]
    for i in range(size):
        parts.append(
            f'<text x="{cell * (i + 1) + cell / 2 + 30}" y="20" text-anchor="middle" '
            f'font-size="13">{i}</text>'
        )
        parts.append(
            f'<text x="{cell / 2 + 20}" y="{cell * (i + 1) + cell / 2 + 25}" '
            f'text-anchor="middle" font-size="13">{i}</text>'
        )
        for j in range(size):
            value = rows[i][j]
            shade = int(255 - 200 * value / top)
            ink = "#fff" if shade < 130 else "#1d1d1b"
            x, y = cell * (j + 1) + 30, cell * (i + 1) + 8
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="rgb({shade},{shade + 20 if shade < 235 else 255},255)"/>'
            )
            parts.append(
                f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" '
                f'text-anchor="middle" font-size="12" fill="{ink}">{value}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _svg_curve(points: list[tuple[float, float, float]], chosen: float) -> str:
    width, height, pad = 520, 320, 45

    def xy(coverage: float, precision: float) -> tuple[float, float]:
        lower = 0.5
        return (
            pad + coverage * (width - 2 * pad),
            height - pad - max(0.0, precision - lower) / (1 - lower) * (height - 2 * pad),
        )

    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(c, p) for _, c, p in points))
    target_y = xy(0, 0.97)[1]
    chosen_point = next(((c, p) for t, c, p in reversed(points) if t >= chosen), None)
    marker = ""
    if chosen_point:
        mx, my = xy(*chosen_point)
        marker = (
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="6" fill="#b00020"/>'
            f'<text x="{mx + 8:.1f}" y="{my + 18:.1f}" font-size="12">routing threshold '
            f"{chosen:.2f}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" aria-labelledby="pc-title"><title id="pc-title">Precision '
        "of automatic routing against the share of inquiries routed without a person, "
        "for every threshold</title>"
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#1d1d1b"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#1d1d1b"/>'
        f'<line x1="{pad}" y1="{target_y:.1f}" x2="{width - pad}" y2="{target_y:.1f}" '
        'stroke="#777" stroke-dasharray="4 4"/>'
        f'<text x="{width - pad}" y="{target_y - 5:.1f}" text-anchor="end" font-size="12">'
        "target precision 0.97</text>"
        f'<polyline points="{line}" fill="none" stroke="#1b4f8a" stroke-width="2"/>{marker}'
        f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" font-size="13">'
        "coverage (share routed automatically)</text>"
        f'<text x="14" y="{height / 2}" font-size="13" transform="rotate(-90 14 '
        f'{height / 2})" text-anchor="middle">precision (0.5 to 1)</text></svg>'
    )


def compare_designs(
    train: Sequence[Example], validation: Sequence[Example], held_out: Sequence[Example]
) -> list[dict[str, Any]]:
    """Each candidate design: cross-validated on the training part, its routing rule chosen on
    the validation questions, then scored on held-out."""
    rows = []
    for design in CANDIDATES:
        started = time.perf_counter()
        pipeline, routing, cv_macro_f1 = fit(train, validation, design)
        card = ModelCard(
            version=design,
            design=design,
            created_at="",
            data_hash="",
            training_examples=len(train),
            route_threshold=routing.threshold,
            scope_threshold=routing.scope_threshold,
            secondary_threshold=SECONDARY_THRESHOLD,
        )
        model = TrainedModel(pipeline, card)
        metrics = evaluate(held_out, model.predict_many([e.text for e in held_out]))
        ordinary = evaluate(validation, model.predict_many([e.text for e in validation]))
        rows.append(
            {
                "design": design,
                "cv_macro_f1": cv_macro_f1,
                "held_out_macro_f1": metrics["macro_f1"],
                "route_threshold": round(routing.threshold, 3),
                "scope_threshold": routing.scope_threshold,
                "auto_route_precision": metrics["auto_route_precision"],
                "auto_route_coverage": metrics["auto_route_coverage"],
                "out_of_scope_auto_routed": metrics["out_of_scope_auto_routed"],
                "validation_route_precision": ordinary["auto_route_precision"],
                "validation_route_coverage": ordinary["auto_route_coverage"],
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    return rows


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(h))}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(
    model: TrainedModel, held_out: Sequence[Example], comparison: Sequence[dict[str, Any]] = ()
) -> str:
    predictions = model.predict_many([e.text for e in held_out])
    metrics = evaluate(held_out, predictions)
    names = {spec.code: spec.name["en"] for spec in objectives()}
    card = model.card
    per_objective = [
        (code, names.get(int(code), ""), d["precision"], d["recall"], d["f1"], d["support"])
        for code, d in metrics["per_objective_detail"].items()
    ]
    per_language = []
    for language in LANGUAGES:
        pairs = [
            (e, p) for e, p in zip(held_out, predictions, strict=True) if e.language == language
        ]
        if pairs:
            m = evaluate([e for e, _ in pairs], [p for _, p in pairs])
            per_language.append(
                (
                    language,
                    len(pairs),
                    m["accuracy"],
                    m["macro_f1"],
                    m["auto_route_precision"],
                    m["auto_route_coverage"],
                )
            )
    sections = [
        f"<h1>Evaluation of model {html.escape(card.version)}</h1>",
        f"<p>Design <strong>{html.escape(card.design)}</strong>, trained {card.created_at} on "
        f"{card.training_examples} examples (data hash <code>{card.data_hash[:16]}</code>). "
        f"Scored on the fixed held-out split: {len(held_out)} questions the model never saw. "
        f"A question is routed without a person when its most likely objective has a "
        f"probability of at least {card.route_threshold:.3f} and out of scope at most "
        f"{card.scope_threshold:.2f}. This rule was chosen on validation questions written like "
        "ordinary mail and never trained on, so that automatic routing is right at least 97.5% "
        "of the time there and routes at most 1% of out-of-scope messages; the held-out split "
        "below is harder by design.</p>",
        _table(
            ["measure", "value"],
            [(k, metrics[k]) for k in HEADLINE_FIGURES],
        ),
        "<h2>Per objective</h2>",
        _table(["code", "objective", "precision", "recall", "F1", "questions"], per_objective),
        "<h2>Per language</h2>",
        _table(
            ["language", "questions", "accuracy", "macro-F1", "route precision", "route coverage"],
            per_language,
        ),
        "<h2>Confusion matrix</h2>",
        _svg_confusion(metrics["confusion_matrix"]["rows"]),
        "<h2>Precision against coverage of automatic routing</h2>",
        _svg_curve(
            precision_coverage(held_out, predictions, card.scope_threshold), card.route_threshold
        ),
    ]
    if comparison:
        sections += [
            "<h2>Candidate designs</h2>",
            _table(list(comparison[0]), [list(row.values()) for row in comparison]),
        ]
    style = (
        "body{font-family:Arial,sans-serif;max-width:60rem;margin:2rem auto;color:#1d1d1b}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #c8ccd0;"
        "padding:.3rem .6rem;text-align:left}"
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Model '
        f"{html.escape(card.version)}</title><style>{style}</style></head><body>"
        + "".join(sections)
        + "</body></html>"
    )
