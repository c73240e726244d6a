"""Logs as operators read them: one JSON object per line in production, text elsewhere."""

from __future__ import annotations

import json
import logging

import pytest

from config.settings import from_environment
from inquiries import logs


def test_production_logs_are_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    config = from_environment({"TRIAGE_ENV": "production", "SECRET_KEY": "x" * 40})
    assert config["LOG_FORMAT"] == "json"
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logs.configure(config)
        logging.getLogger("inquiries.mailer").warning("delivery %s given up", 42)
    finally:
        root.handlers[:], root.level = saved
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "inquiries.mailer"
    assert line["message"] == "delivery 42 given up" and line["time"] and line["pid"]


def test_development_logs_are_text() -> None:
    assert from_environment({"TRIAGE_ENV": "development"})["LOG_FORMAT"] == "text"
    assert from_environment({"LOG_FORMAT": "json"})["LOG_FORMAT"] == "json"


def test_access_log_lines_lose_secrets_and_queries() -> None:
    from inquiries.access_log import redact

    assert (
        redact('"GET /status/3JmP_C9t7FKfdQ5i54rakkjNhfkBI0c HTTP/1.1"')
        == '"GET /status/… HTTP/1.1"'
    )
    assert redact("/service/abc.def-ghi?action=accept") == "/service/…?…"
    assert redact("/triage?q=els.peeters@example.org&show=all") == "/triage?…"
