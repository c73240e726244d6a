"""`python -m classifier train|evaluate|predict`: the model on its own, without the web app."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from classifier import registry
from classifier.corpus import CorpusError, iter_texts, read_jsonl, training_set, validation_set
from classifier.evaluation import HEADLINE_FIGURES, evaluate
from classifier.model import CANDIDATES, DEFAULT_DESIGN, TrainedModel
from classifier.progress import StepBar
from classifier.report import compare_designs, render
from classifier.training import live_or_train, train

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "instance" / "models"


def _model_dir(args: argparse.Namespace) -> Path:
    return Path(args.model_dir or os.environ.get("MODEL_DIR") or DEFAULT_MODEL_DIR)


def _load(args: argparse.Namespace) -> TrainedModel:
    model_dir = _model_dir(args)
    if args.version:
        return registry.load_version(model_dir, args.version)
    return live_or_train(model_dir, progress=StepBar("Training"))


def cmd_train(args: argparse.Namespace) -> int:
    model = train(
        _model_dir(args),
        design=args.design,
        make_live=not args.candidate,
        progress=StepBar("Training"),
    )
    print(json.dumps(model.card.to_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    examples = read_jsonl(Path(args.data))
    model = _load(args)
    metrics = evaluate(examples, model.predict_many([e.text for e in examples]))
    metrics["model_version"] = model.card.version
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False))
    else:
        print(f"model {model.card.version} on {metrics['examples']} examples")
        for key in HEADLINE_FIGURES:
            print(f"  {key:26} {metrics[key]}")
        for code, f1 in metrics["per_objective"].items():
            print(f"  objective {code}: F1 {f1}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    model = _load(args)
    for text in iter_texts(sys.stdin):
        print(json.dumps(model.predict(text).to_dict(), ensure_ascii=False), flush=True)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    model = _load(args)
    train_examples, held_out = training_set()
    comparison = compare_designs(train_examples, validation_set(), held_out) if args.compare else []
    out = Path(args.out) if args.out else _model_dir(args) / model.card.version / "report.html"
    out.write_text(render(model, held_out, comparison), encoding="utf-8")
    print(out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    parser.add_argument(
        "--model-dir", help="where model versions live (default: $MODEL_DIR or instance/models)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    p_train = commands.add_parser("train", help="train a new model version from the corpus")
    p_train.add_argument("--design", choices=sorted(CANDIDATES), default=DEFAULT_DESIGN)
    p_train.add_argument(
        "--candidate", action="store_true", help="save the new version without making it live"
    )
    p_train.set_defaults(func=cmd_train)

    p_eval = commands.add_parser("evaluate", help="score a model on labelled JSONL data")
    p_eval.add_argument("--data", required=True, help='JSONL lines {"text": ..., "objective": 0-9}')
    p_eval.add_argument("--json", action="store_true", help="print one JSON object")
    p_eval.add_argument("--version", help="a stored version instead of the live one")
    p_eval.set_defaults(func=cmd_evaluate)

    p_predict = commands.add_parser(
        "predict", help='read JSONL {"text": ...} on stdin, write one JSON prediction per line'
    )
    p_predict.add_argument("--version", help="a stored version instead of the live one")
    p_predict.set_defaults(func=cmd_predict)
    p_report = commands.add_parser("report", help="write the HTML evaluation report of a model")
    p_report.add_argument("--version", help="a stored version instead of the live one")
    p_report.add_argument(
        "--compare",
        action="store_true",
        help="also train and score every candidate design (minutes)",
    )
    p_report.add_argument("--out", help="where to write it (default: beside the model)")
    p_report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CorpusError, registry.NoModelError, registry.ModelIntegrityError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
