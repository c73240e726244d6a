"""What every benchmark shares: percentiles, the machine line, the processes it measures and the
report it appends to."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_REPORT: write elsewhere (the test that runs a benchmark small keeps docs/ untouched).
REPORT = Path(os.environ.get("BENCH_REPORT") or ROOT / "docs" / "benchmarks.md")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def heading(title: str) -> str:
    return f"\n## {title} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


def machine() -> str:
    return (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )


def processes() -> dict[int, tuple[int, str, float]]:
    """Every process now: pid -> (parent pid, name, CPU seconds used so far), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended while we looked
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        found[int(stat.parent.name)] = (
            int(fields[1]),
            name,
            (int(fields[11]) + int(fields[12])) / tick,
        )
    return found


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, proportional) memory of a process in MB: the second splits the pages it shares
    with other processes (a worker pool's model, loaded before the fork) among them."""
    sizes = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":")
        sizes[key] = int(value.split()[0]) / 1024
    return sizes["Rss"], sizes["Pss"]


def append_report(lines: list[str]) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    if not REPORT.exists():
        REPORT.write_text("# Benchmarks\n\nResults of the scripts under `bench/`, newest last.\n")
    with REPORT.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))
