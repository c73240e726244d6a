"""The staff benchmark, run small: `bin/bench` must keep working as the schema changes (it once
stopped at a column a migration had removed, and nothing noticed)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_staff_benchmark_runs_on_the_current_schema(postgres_url: str, tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    subprocess.run(
        [sys.executable, "bench/staff_bench.py", "--inquiries", "1500", "--requests", "4"],
        cwd=ROOT,
        env={**os.environ, "BENCH_REPORT": str(report)},
        check=True,
        capture_output=True,
        timeout=600,
    )
    written = report.read_text()
    assert "1,500 inquiries" in written
    for page in (
        "queue (everything waiting, first page)",
        "queue, page 21 of all inquiries (by key)",
        "search a word in all inquiries",
        "an inquiry's page (with similar inquiries)",
        "dashboard",
    ):
        assert f"| {page} | " in written, page
    assert "CSV export of everything waiting" in written
