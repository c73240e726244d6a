from collections import Counter
from pathlib import Path

import pytest

from classifier.corpus import (
    CorpusError,
    Example,
    description_examples,
    read_jsonl,
    split,
    validation_set,
    written_examples,
)

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
UNSEEN_SETS = sorted(BENCH_DIR.glob("unseen-questions*.jsonl"))


def test_every_objective_and_language_is_covered() -> None:
    counts = Counter((e.objective, e.language) for e in written_examples())
    for code in range(1, 10):
        for language in ("nl", "fr", "en"):
            assert counts[(code, language)] >= 50, (code, language)
        assert counts[(code, "de")] >= 15, code
    assert sum(n for (code, _), n in counts.items() if code == 0) >= 150


def test_examples_are_well_formed_and_unique() -> None:
    examples = written_examples()
    assert all(e.language in {"nl", "fr", "de", "en"} for e in examples)
    assert all(
        e.secondary is None or (e.secondary in range(10) and e.secondary != e.objective)
        for e in examples
    )
    texts = [e.text.strip().lower() for e in examples]
    assert len(texts) == len(set(texts))


def test_validation_questions_cover_every_objective_and_never_train() -> None:
    """The routing rule is chosen on them: each objective in each language, none in the corpus."""
    validation = validation_set()
    counts = Counter((e.objective, e.language) for e in validation)
    assert all(counts[(code, lang)] >= 8 for code in range(10) for lang in ("nl", "fr", "de", "en"))
    corpus = {e.text.strip().lower() for e in written_examples()}
    texts = [e.text.strip().lower() for e in validation]
    assert len(texts) == len(set(texts))
    assert not corpus & set(texts)


def test_unseen_question_sets_stay_out_of_the_corpus() -> None:
    """The sets written apart from the corpus measure the model on questions it never saw."""
    assert len(UNSEEN_SETS) >= 3
    corpus = {e.text.strip().lower() for e in written_examples()}
    for path in UNSEEN_SETS:
        texts = {e.text.strip().lower() for e in read_jsonl(path)}
        assert texts and not corpus & texts, path.name


def test_held_out_split_is_fixed_stratified_and_disjoint() -> None:
    examples = written_examples()
    train, held_out = split(examples)
    _again_train, again_held_out = split(list(reversed(examples)))
    assert {e.text for e in held_out} == {e.text for e in again_held_out}
    assert not {e.text for e in train} & {e.text for e in held_out}
    everything = Counter((e.objective, e.language) for e in examples)
    groups = Counter((e.objective, e.language) for e in held_out)
    for group, size in everything.items():
        assert 0.10 < groups[group] / size < 0.30, group
    assert 0.17 < len(held_out) / len(examples) < 0.23


def test_split_never_moves_old_examples_when_the_corpus_grows() -> None:
    base = [Example(text=f"question number {i}", objective=1, language="en") for i in range(200)]
    train, held_out = split(base)
    more = [Example(text=f"another question {i}", objective=1, language="en") for i in range(300)]
    train_after, held_out_after = split([*more[:150], *base, *more[150:]])
    assert {e.text for e in held_out} <= {e.text for e in held_out_after}
    assert {e.text for e in train} <= {e.text for e in train_after}


def test_objective_descriptions_are_training_text_in_four_languages() -> None:
    described = description_examples()
    assert {(e.objective, e.language) for e in described} == {
        (code, lang) for code in range(10) for lang in ("nl", "fr", "de", "en")
    }


def test_a_labelled_file_saved_by_other_tools_is_read(tmp_path: Path) -> None:
    data = tmp_path / "from-a-spreadsheet.jsonl"
    lines = [
        '{"text": "Wie controleert de algoritmes van de politie?", "objective": "9"}',
        "",
        '{"text": "Where do I renew my passport?", "objective": 0, "secondary": ""}',
        '{"text": "Welche Förderung gibt es für KI?", "objective": 3.0, "secondary": 4}',
    ]
    data.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    examples = read_jsonl(data)
    assert [(e.objective, e.secondary) for e in examples] == [(9, None), (0, None), (3, 4)]
    assert examples[0].text == "Wie controleert de algoritmes van de politie?"


@pytest.mark.parametrize(
    "line",
    [
        '{"text": "x", "objective": 3, "secondary": "two"}',
        '["text", "objective"]',
        '{"text": "x", "objective": 12}',
        '{"text": "   ", "objective": 1}',
        "not json",
    ],
)
def test_a_line_that_is_not_an_example_names_its_place(tmp_path: Path, line: str) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "fine", "objective": 1}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.jsonl:2"):
        read_jsonl(data)
