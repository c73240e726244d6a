"""How long work (training, retraining) reports how far it has got.

Work calls `progress(done, total, message)` before each step. On a terminal the steps fill a
click progress bar; in a log (docker, CI) each step is one line, so nothing is lost to redraws.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any

import click

Progress = Callable[[int, int, str], None]


def silent(done: int, total: int, message: str) -> None:
    return None


def offset(progress: Progress, before: int, total: int) -> Progress:
    """Report a part of a longer job: its steps come after `before` steps of `total`."""
    return lambda done, _, message: progress(before + done, total, message)


class StepBar:
    """Shows the steps on `stream`: a bar on a terminal, one line per step elsewhere."""

    def __init__(self, label: str, stream: IO[str] | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self._bar: Any = None

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self.stream.isatty():
            print(f"[{self.label} {done}/{total}] {message}", file=self.stream, flush=True)
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=total, label=self.label, file=self.stream, item_show_func=lambda m: m
            )
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos, message)
        if done >= total:
            self._bar.__exit__(None, None, None)
            self._bar = None
