"""Benchmark of intake: POST /api/v1/inquiries under gunicorn with PostgreSQL and the Redis broker,
side by side with a bare Flask app under the same gunicorn settings in the same run (the ratio is
the figure that matters on a noisy machine), and with a bare app that only makes the one durable
commit a stored inquiry needs (the floor). Load from wrk (Debian's package) on loopback.
Appends to docs/benchmarks.md.

    .venv/bin/python bench/intake_bench.py [--seconds 15] [--connections 16] [--workers 4]

Needs PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379 (database 13) and wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, append_report, heading, machine, processes

SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "triage_intake_bench"
BODY = {
    "email": "bench@example.org",
    "message": "Mag mijn werkgever software gebruiken die mijn e-mails leest om mijn "
    "productiviteit te beoordelen? Ik werk in een callcenter.",
    "language": "nl",
}
LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '%s'
"""


def gunicorn(target: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/inquiries",
                data=json.dumps(BODY).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 202:
                    return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def load(port: int, seconds: int, connections: int, script: Path) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) from wrk."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/api/v1/inquiries",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"some requests failed:\n{out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, ms("50"), ms("99")


def cpu_seconds(web: subprocess.Popen) -> dict[str, float]:
    """CPU time used so far by the web server (gunicorn and its workers), PostgreSQL and Redis:
    where a request's cost lands on a machine that runs all three."""
    totals = {"web": 0.0, "PostgreSQL": 0.0, "Redis": 0.0}
    for pid, (parent, name, seconds) in processes().items():
        if web.pid in (pid, parent):
            totals["web"] += seconds
        elif name == "postgres":
            totals["PostgreSQL"] += seconds
        elif name == "redis-server":
            totals["Redis"] += seconds
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    instance = tempfile.mkdtemp(prefix="bench-intake-")
    env = {
        **os.environ,
        "TRIAGE_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 40,
        "INSTANCE_PATH": instance,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        "SUBMIT_RATE_LIMIT": "1000000 per minute",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [str(Path(sys.executable).with_name("triage")), "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    script = Path(instance) / "post.lua"
    script.write_text(LUA % json.dumps(BODY).replace("'", "\\'"))
    results = {}
    costs: dict[str, dict[str, float]] = {}
    try:
        for name, target, port in (
            ("bare Flask app", "bench.bare_app:app", 8761),
            ("bare Flask app + one INSERT and commit", "bench.commit_app:app", 8763),
            ("AI contact point (PostgreSQL + Redis)", "inquiries.wsgi:app", 8762),
        ):
            server = gunicorn(target, port, args.workers, env)
            try:
                load(port, 3, args.connections, script)  # warm up
                before = cpu_seconds(server)
                results[name] = load(port, args.seconds, args.connections, script)
                after = cpu_seconds(server)
                handled = results[name][0] * args.seconds
                costs[name] = {k: (after[k] - before[k]) / handled * 1000 for k in after}
            finally:
                server.terminate()
                server.wait(30)
        with psycopg.connect(f"{SERVER}/{DATABASE}") as connection:
            stored = connection.execute("SELECT count(*) FROM inquiries").fetchone()[0]
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        subprocess.run(["redis-cli", "-n", "13", "flushdb"], stdout=subprocess.DEVNULL)
    bare = results["bare Flask app"][0]
    lines = [
        heading("Intake"),
        "",
        f"{machine()}; gunicorn {args.workers} sync workers for both, wrk 2 threads "
        f"{args.connections} connections for {args.seconds} s after a 3 s warm-up, on loopback; "
        f"PostgreSQL and Redis on the same machine. {stored} inquiries stored by the run.",
        "",
        "| app | requests/s | p50 | p99 | share of bare Flask | CPU per request: web, "
        "PostgreSQL, Redis |",
        "|---|---|---|---|---|---|",
        *(
            f"| {name} | {rate:.0f} | {p50:.1f} ms | {p99:.1f} ms | {rate / bare:.0%} | "
            + ", ".join(f"{ms:.2f}" for ms in costs[name].values())
            + " ms |"
            for name, (rate, p50, p99) in results.items()
        ),
    ]
    append_report(lines)


if __name__ == "__main__":
    main()
