"""`triage run`: the whole system as child processes in the foreground, stopped together."""

from __future__ import annotations

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
        result["mail sink"] = [python, "-m", "inquiries.mailsink", "--port",
                               str(config["MAIL_PORT"]), "--dir", config["MAIL_SINK_DIR"]]
    result["worker"] = [python, "-m", "celery", "-A", "workers.app", "worker",
                        "--loglevel=INFO", "--concurrency=2", "--beat",
                        "--schedule", os.path.join(instance, "celerybeat-schedule")]
    result["web"] = [python, "-m", "gunicorn", "--bind", f"127.0.0.1:{config['PORT']}",
                     "--workers", "2", "--access-logfile", "-", "inquiries.wsgi:app"]
    return result


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in children.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in children.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


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
        children[name] = subprocess.Popen(argv)  # noqa: S603 (our own interpreter and modules)
        print(f"[triage] started {name} (pid {children[name].pid})", file=sys.stderr, flush=True)
    print(f"[triage] contact point on http://127.0.0.1:{config['PORT']}/"
          + (f" - mail sink at http://127.0.0.1:{config['PORT']}/dev/mail/"
             if config["MAIL_SINK_ENABLED"] else ""), file=sys.stderr, flush=True)
    status = 0
    while not stopping:
        for name, process in children.items():
            if process.poll() is not None:
                print(f"[triage] {name} stopped (exit {process.returncode}); stopping all",
                      file=sys.stderr, flush=True)
                status = 1
                stopping = True
        time.sleep(0.2)
    _stop(children)
    return status
