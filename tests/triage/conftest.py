"""Inquiries in every state the queue knows, made straight in the database (fast), and real
ones classified by the live model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from inquiries import pipeline
from inquiries.extensions import db
from inquiries.models import Classification, Inquiry
from inquiries.models.types import utcnow
from inquiries.submission import submit_inquiry


@pytest.fixture
def make_inquiry(app: Flask) -> Callable[..., int]:
    """An inquiry with the given fields, as the pipeline would have left it."""

    def make(
        message: str = "A question about AI.",
        *,
        status: str = "needs_review",
        objective: int | None = 3,
        confidence: float | None = 0.4,
        age_days: float = 0,
        **fields: Any,
    ) -> int:
        with app.app_context():
            created = utcnow() - timedelta(days=age_days)
            inquiry = Inquiry(
                channel="api",
                email=fields.pop("email", "someone@example.org"),
                message=message,
                language=fields.pop("language", "en"),
                status=status,
                objective_code=objective,
                confidence=confidence,
                created_at=created,
                **fields,
            )
            db.session.add(inquiry)
            db.session.flush()
            inquiry.assign_reference()
            if objective is not None and confidence is not None:
                inquiry.classifications.append(
                    Classification(
                        model_version="test",
                        objective=objective,
                        confidence=confidence,
                        probabilities={str(objective): confidence},
                        decision="review",
                        secondary=None,
                        explanation=[],
                        language=inquiry.language,
                        created_at=created,
                    )
                )
            db.session.commit()
            return inquiry.id

    return make


@pytest.fixture
def classified(app: Flask) -> Callable[..., int]:
    """A question submitted and classified by the real model, as the worker does it."""

    def submit(message: str, language: str = "en", **fields: Any) -> int:
        with app.test_request_context():
            inquiry = submit_inquiry(
                {"email": "citizen@example.org", "message": message, **fields},
                channel="api",
                interface_language=language,
            )
            pipeline.classify(inquiry.id)
            return inquiry.id

    return submit
