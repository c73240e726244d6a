"""What the fuzz suites share: an app without its rate limit (a fuzzer is one very busy client),
and how many inquiries it holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from inquiries.extensions import db
from inquiries.models import Inquiry
from tests.conftest import build_app


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_dir: Path) -> Flask:
    """The form and the API without their rate limit."""
    return build_app(
        monkeypatch, tmp_path / "instance", model_dir, SUBMIT_RATE_LIMIT="100000 per minute"
    )


def stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Inquiry.id))) or 0
