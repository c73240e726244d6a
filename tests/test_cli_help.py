"""Every command an operator types explains itself with --help."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from inquiries.cli import main as triage_cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


def test_every_triage_command_has_help() -> None:
    commands = _commands(triage_cli)
    assert {("train",), ("retrain",), ("import",), ("export",), ("purge",)} <= set(commands)
    runner = CliRunner()
    for command in commands:
        result = runner.invoke(triage_cli, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage:" in result.output, command
        described = result.output.split("Options:")[0].split("\n", 2)[-1].strip()
        assert described, f"triage {' '.join(command)} --help says nothing about what it does"


def test_every_classifier_command_has_help() -> None:
    for command in ("train", "evaluate", "predict", "report"):
        result = subprocess.run(
            [sys.executable, "-m", "classifier", command, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0 and "usage:" in result.stdout, command
