"""`triage run`: the whole system as child processes in the foreground, stopped together."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import Any

STOP_GRACE_SECONDS = 15


def commands(config: Mapping[str, Any]) -> dict[str, list[str]]:
    python = sys.executable
    instance = config["INSTANCE_PATH"]
    result: dict[str, list[str]] = {}
    if config["MAIL_SINK_ENABLED"]:
        result["mail sink"] = [
            python,
            "-m",
            "inquiries.mailsink",
            "--port",
            str(config["MAIL_PORT"]),
            "--dir",
            config["MAIL_SINK_DIR"],
        ]
    result["worker"] = [
        python,
        "-m",
        "celery",
        "-A",
        "workers.app",
        "worker",
        "--loglevel=INFO",
        "--concurrency=2",
    ]
    result["beat"] = [
        python,
        "-m",
        "celery",
        "-A",
        "workers.app",
        "beat",
        "--loglevel=INFO",
        "--schedule",
        os.path.join(instance, "celerybeat-schedule"),
    ]
    result["web"] = [
        python,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{config['PORT']}",
        "--workers",
        "2",
        "--access-logfile",
        "-",
        "--logger-class",
        "inquiries.access_log.RedactingLogger",
        "inquiries.wsgi:app",
    ]
    return result


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each part (a warm shutdown), SIGKILL to whatever is left after the grace."""
    for process in children.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Each part runs in its own process group, so this also reaches its own children.
        _signal_group(process, signal.SIGKILL)


def run_all(config: Mapping[str, Any]) -> int:
    """Start every part; if one dies, stop the rest. Returns the exit status."""
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    children: dict[str, subprocess.Popen[bytes]] = {}
    for name, argv in commands(config).items():
        # Own process group: a stop reaches the part's children (pool processes) too.
        children[name] = subprocess.Popen(argv, start_new_session=True)  # noqa: S603
        print(f"[triage] started {name} (pid {children[name].pid})", file=sys.stderr, flush=True)
    print(
        f"[triage] contact point on http://127.0.0.1:{config['PORT']}/"
        + (
            f" - mail sink at http://127.0.0.1:{config['PORT']}/dev/mail/"
            if config["MAIL_SINK_ENABLED"]
            else ""
        ),
        file=sys.stderr,
        flush=True,
    )
    status = 0
    while not stopping:
        for name, process in children.items():
            if process.poll() is not None:
                print(
                    f"[triage] {name} stopped (exit {process.returncode}); stopping all",
                    file=sys.stderr,
                    flush=True,
                )
                status = 1
                stopping = True
        time.sleep(0.2)
    _stop(children)
    return status
