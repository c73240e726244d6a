import dataclasses
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from classifier import registry
from classifier.corpus import training_set
from classifier.model import (
    CANDIDATES,
    DEFAULT_DESIGN,
    UNINFORMATIVE,
    Routing,
    choose_route_threshold,
    choose_routing,
)
from classifier.progress import StepBar


@pytest.fixture(scope="module")
def model(model_dir: Path) -> registry.TrainedModel:  # type: ignore[name-defined]
    return registry.load_live(model_dir)


def test_clear_questions_go_to_their_objective(model) -> None:
    cases = {
        "Onze radiologen willen software die scans voorleest. Moet dat als medisch hulpmiddel "
        "gekeurd worden door het FAGG?": 5,
        "Nous avons reçu un appel avec la voix clonée de notre directeur demandant un virement "
        "urgent. Qui prévenir pour cette fraude?": 2,
        "Can our SME get a subsidy to start using machine learning in our production line?": 3,
        "Werden selbstfahrende Busse bald auf belgischen Straßen getestet?": 6,
    }
    for text, code in cases.items():
        assert model.predict(text).objective == code, text


def test_prediction_says_why_and_in_which_language(model) -> None:
    prediction = model.predict("Mag mijn werkgever met AI-camera's bijhouden hoe snel ik werk?")
    assert prediction.language == "nl"
    assert prediction.explanation and all(isinstance(t, str) for t in prediction.explanation)
    assert abs(sum(prediction.probabilities.values()) - 1) < 1e-6
    assert set(prediction.probabilities) == set(range(10))
    assert prediction.model_version == model.card.version


def test_explanations_name_what_the_question_is_about(model) -> None:
    """Not the words every question has ("AI", "can", "use"), but what makes this one differ."""
    for text in (
        "Can AI help our city hospital reduce traffic jams and energy use in its car park?",
        "Mag mijn werkgever met AI-camera's bijhouden hoe snel ik werk?",
        "Peut-on utiliser l'IA pour corriger les examens de nos élèves ?",
    ):
        explanation = model.predict(text).explanation
        assert explanation, text
        for term in explanation:
            assert not all(word in UNINFORMATIVE for word in term.split()), (text, term)


def test_out_of_scope_is_never_routed(model) -> None:
    for text in (
        "Wanneer krijg ik mijn belastingteruggave?",
        "Mon passeport est expiré, comment le renouveler?",
        "asdfgh qwerty",
    ):
        assert model.predict(text).decision == "review"


def test_threshold_is_the_lowest_that_keeps_routing_precise() -> None:
    labels = np.array([1, 1, 2, 2, 0])
    probabilities = np.array(
        [
            [0.0, 0.9, 0.1],
            [0.0, 0.6, 0.4],
            [0.0, 0.55, 0.45],
            [0.1, 0.1, 0.8],
            [0.9, 0.05, 0.05],
        ]
    )
    # Routing at >=0.6 is all right (3 of 3); at 0.55 one of four would be wrong.
    assert choose_route_threshold(labels, probabilities, [0, 1, 2], target=0.97) == 0.6


def test_threshold_never_routes_a_minority_guess() -> None:
    labels = np.array([1, 2, 1])
    probabilities = np.array([[0.1, 0.8, 0.1], [0.2, 0.3, 0.5], [0.3, 0.4, 0.3]])
    # Every guess is right, but the third has only 0.4 for its objective: it stays with a person.
    assert choose_route_threshold(labels, probabilities, [0, 1, 2], target=0.97) == 0.5


def test_a_tampered_model_is_refused(model_dir: Path, tmp_path: Path) -> None:
    import shutil

    version = registry.live_version(model_dir)
    copy = tmp_path / "models"
    shutil.copytree(model_dir, copy)
    with (copy / version / registry.MODEL_FILE).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(registry.ModelIntegrityError):
        registry.load_version(copy, version)


def test_cli_predict_and_evaluate(model_dir: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "classifier", "--model-dir", str(model_dir)]
    lines = [
        {"text": "Hoe vraag ik een nieuwe identiteitskaart aan?"},
        {"text": "Is the AI Act going to ban social scoring by companies in Belgium?"},
    ]
    result = subprocess.run(
        [*command, "predict"],
        input="\n".join(map(json.dumps, lines)),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    assert {"objective", "probabilities", "decision", "language", "explanation"} <= set(rows[0])
    assert rows[0]["decision"] == "review" and rows[1]["objective"] == 1

    data = tmp_path / "data.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({**line, "objective": code})
            for line, code in zip(lines, (0, 1), strict=True)
        )
    )
    result = subprocess.run(
        [*command, "evaluate", "--data", str(data), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    metrics = json.loads(result.stdout)
    assert {
        "accuracy",
        "macro_f1",
        "per_objective",
        "auto_route_precision",
        "auto_route_coverage",
        "model_version",
    } <= set(metrics)
    assert metrics["accuracy"] == 1.0
    assert metrics["model_version"] == registry.live_version(model_dir)


def test_cli_rejects_malformed_data(model_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "no label"}\n')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "classifier",
            "--model-dir",
            str(model_dir),
            "evaluate",
            "--data",
            str(data),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "objective" in result.stderr


def test_every_version_has_a_report_staff_can_open(model_dir: Path, tmp_path: Path) -> None:
    version = registry.live_version(model_dir)
    page = (model_dir / version / "report.html").read_text()
    for heading in (
        "Per objective",
        "Per language",
        "Confusion matrix",
        "Precision against coverage",
    ):
        assert heading in page
    assert page.count("<svg") == 2 and "<title" in page  # two pictures, each described
    out = tmp_path / "report.html"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "classifier",
            "--model-dir",
            str(model_dir),
            "report",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert version in out.read_text()


def test_a_version_is_stored_compactly(model_dir: Path) -> None:
    """Each retraining keeps a version on disk and every worker loads one: a model of a few
    megabytes in a few dozen parts, not 90 MB in 40,000 (one per vocabulary entry)."""
    stored = model_dir / registry.live_version(model_dir) / registry.MODEL_FILE
    assert stored.stat().st_size < 20 * 2**20
    with zipfile.ZipFile(stored) as archive:
        assert len(archive.infolist()) < 100


def test_threshold_stops_at_the_first_break_and_guards_out_of_scope() -> None:
    labels = np.array([1, 1, 2, 0, 2])
    probabilities = np.array(
        [
            [0.0, 0.95, 0.05],
            [0.0, 0.9, 0.1],
            [0.1, 0.2, 0.7],
            [0.2, 0.6, 0.2],
            [0.0, 0.45, 0.55],
        ]
    )
    # Down to 0.7 all routes are right; at 0.6 an out-of-scope message would be routed.
    assert (
        choose_route_threshold(
            labels, probabilities, [0, 1, 2], target=0.5, max_out_of_scope_routed=0.0
        )
        == 0.7
    )
    # Without the out-of-scope guard, precision alone would allow going lower.
    assert (
        choose_route_threshold(
            labels, probabilities, [0, 1, 2], target=0.5, max_out_of_scope_routed=1.0
        )
        < 0.7
    )


def test_routing_rule_keeps_back_what_might_be_out_of_scope() -> None:
    """An ordinary matter confidently placed under a topic still carries some out-of-scope
    probability: a limit on it lets the threshold go lower for questions on the topic itself."""
    labels = np.array([1, 1, 2, 2, 0, 1])
    probabilities = np.array(
        [
            [0.01, 0.95, 0.04],
            [0.02, 0.70, 0.28],
            [0.01, 0.09, 0.90],
            [0.03, 0.32, 0.65],
            [0.25, 0.72, 0.03],  # out of scope, yet 0.72 for objective 1
            [0.30, 0.40, 0.30],
        ]
    )
    # By confidence alone, routing stops above 0.72 (the out-of-scope message); with routing
    # only where out of scope has at most 0.10, it can go down to 0.65.
    assert (
        choose_route_threshold(labels, probabilities, [0, 1, 2], max_out_of_scope_routed=0) > 0.72
    )
    hard_labels = np.array([0, 1, 2])
    no_leak = np.array([[0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.0, 0.4, 0.6]])
    assert choose_routing(labels, probabilities, [0, 1, 2], hard_labels, no_leak) == Routing(
        0.65, 0.10
    )
    # Among hard examples, an out-of-scope message with 0.08 for out of scope and 0.9 for
    # objective 2: under the limit of 0.10 only a threshold above 0.9 would hold it back, so the
    # stricter limit of 0.05 routes more.
    leak = np.array([[0.08, 0.02, 0.9], [0.0, 1.0, 0.0], [0.0, 0.4, 0.6]])
    assert choose_routing(labels, probabilities, [0, 1, 2], hard_labels, leak) == Routing(
        0.65, 0.05
    )


def test_the_model_applies_its_routing_rule(model) -> None:
    ruled = registry.TrainedModel(
        model.pipeline, dataclasses.replace(model.card, route_threshold=0.6, scope_threshold=0.1)
    )
    nothing = dict.fromkeys(range(10), 0.0)
    assert ruled.decide(nothing | {5: 0.9, 0: 0.1}) == (5, "route", None)
    assert ruled.decide(nothing | {5: 0.55, 6: 0.45}) == (5, "review", 6)
    assert ruled.decide(nothing | {5: 0.8, 0: 0.2}) == (5, "review", None)
    assert ruled.decide(nothing | {0: 0.9, 5: 0.1}) == (0, "review", None)


def test_a_model_file_holding_an_unlisted_type_is_refused(model_dir: Path, tmp_path: Path) -> None:
    """Even with a matching checksum, a file that could run other code is never loaded."""
    import os
    import shutil

    from sklearn.preprocessing import FunctionTransformer
    from skops.io import dump

    version = registry.live_version(model_dir)
    copy = tmp_path / "models"
    shutil.copytree(model_dir, copy)
    path = copy / version / registry.MODEL_FILE
    dump(FunctionTransformer(os.system), path)
    card = json.loads((copy / version / registry.CARD_FILE).read_text())
    card["model_sha256"] = registry._sha256(path)
    (copy / version / registry.CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(registry.ModelIntegrityError, match="untrusted"):
        registry.load_version(copy, version)


def test_training_shows_its_progress_step_by_step(model_dir: Path) -> None:
    """`train` printed one line per step (stderr is not a terminal here), in order, to the end."""
    lines = (model_dir / "train.log").read_text(encoding="utf-8").splitlines()
    steps = [re.match(r"\[Training (\d+)/(\d+)\] (.+)", line) for line in lines]
    assert all(steps), lines
    done = [int(step[1]) for step in steps]
    assert done == sorted(done) and done[-1] == int(steps[0][2]) > 5
    assert "cross-validation in 5 folds" in lines[0] and "1 of 5 folds done" in lines[1]
    assert steps[-1][3].startswith(f"saved model {registry.live_version(model_dir)}")


def test_progress_on_a_terminal_is_a_bar() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = StepBar("Training", screen)
    for done in range(4):
        bar(done, 3, f"step {done}")
    shown = screen.getvalue()
    assert "Training" in shown and "100%" in shown and "step 3" in shown
    assert shown.endswith("\n")  # the finished bar leaves the line for what comes next


def test_fast_probabilities_are_sklearns_own(model) -> None:
    """The model computes calibrated probabilities itself (for speed): they must be exactly what
    the fitted scikit-learn pipeline says, for questions of every kind and length."""
    texts = [
        "Mag mijn werkgever met AI-camera's bijhouden hoe snel ik werk?",
        "Bonjour, je voudrais renouveler mon passeport.",
        "asdfgh qwerty",
        "",
        "Welche Förderung gibt es für KI in kleinen Betrieben in Ostbelgien? " * 40,
        "Who checks the algorithms the police use to decide where to patrol?",
    ]
    ours = np.array([list(p.probabilities.values()) for p in model.predict_many(texts)])
    assert np.allclose(ours, model.pipeline.predict_proba(texts), rtol=0, atol=1e-12)


def test_the_same_data_trains_the_same_model() -> None:
    """A version is named after the hash of its data: training again on it must not give a model
    that decides differently."""
    examples = training_set()[0][::8]
    texts, labels = [e.text for e in examples], [e.objective for e in examples]
    probe = ["Wie controleert de algoritmes van de politie?", "Mon passeport est expiré."]
    first, second = (
        CANDIDATES[DEFAULT_DESIGN]().fit(texts, labels).predict_proba(probe) for _ in range(2)
    )
    assert np.array_equal(first, second)
