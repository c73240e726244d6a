"""Benchmark of the classifier: training time, one prediction's latency, batch throughput,
load time and memory. Writes a dated section to docs/benchmarks.md.

    .venv/bin/python bench/classifier_bench.py [--model-dir DIR]

Run it on an otherwise idle machine; it pins nothing and reports what it measured.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import append_report, heading, machine, percentile  # noqa: E402
from classifier.corpus import training_set  # noqa: E402
from classifier.training import train  # noqa: E402


def load_in_fresh_process(model_dir: Path) -> tuple[float, float, float]:
    """(seconds to load the live model and predict once, resident MB afterwards, peak MB)
    in a new interpreter, as a worker process starts."""
    code = (
        "import time, resource; from pathlib import Path; "
        "from classifier import registry; t = time.perf_counter(); "
        f"m = registry.load_live(Path({str(model_dir)!r})); m.predict('warm up'); "
        "rss = int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize(); "
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
        "print(time.perf_counter() - t, rss / 2**20, int(hwm.split()[1]) / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path)
    args = parser.parse_args()
    model_dir = args.model_dir or Path(tempfile.mkdtemp(prefix="bench-models-"))

    started = time.perf_counter()
    model = train(model_dir)
    training_seconds = time.perf_counter() - started

    _, held_out = training_set()
    texts = [e.text for e in held_out]
    model.predict(texts[0])
    single = []
    for text in texts:
        t = time.perf_counter()
        model.predict(text)
        single.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    model.predict_many(texts)
    batch_rate = len(texts) / (time.perf_counter() - t)
    load_seconds, resident_mb, peak_mb = load_in_fresh_process(model_dir)

    lines = [
        heading("Classifier"),
        "",
        f"{machine()}; model {model.card.version} ({model.card.design}), "
        f"{model.card.training_examples} training examples, {len(texts)} held-out questions.",
        "",
        "| measure | value |",
        "|---|---|",
        "| training (5-fold cross-validation, the routing rule, the final fit) | "
        f"{training_seconds:.1f} s |",
        f"| one prediction, p50 | {statistics.median(single):.2f} ms |",
        f"| one prediction, p99 | {percentile(single, 0.99):.2f} ms |",
        f"| batch throughput | {batch_rate:.0f} questions/s |",
        f"| load time in a new process (incl. first prediction) | {load_seconds:.2f} s |",
        f"| resident memory of a process that loaded it and predicted once | "
        f"{resident_mb:.0f} MB |",
        f"| peak memory of that process (while loading) | {peak_mb:.0f} MB |",
        f"| peak memory of this process (training included) | "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB |",
        "",
        "One prediction includes language detection and the explanation.",
    ]
    append_report(lines)


if __name__ == "__main__":
    main()
