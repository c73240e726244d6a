"""What every benchmark shares: percentiles, the machine line, and the report it appends to."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def heading(title: str) -> str:
    return f"\n## {title} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


def machine() -> str:
    return (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )


def append_report(lines: list[str]) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    if not REPORT.exists():
        REPORT.write_text("# Benchmarks\n\nResults of the scripts under `bench/`, newest last.\n")
    with REPORT.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))
