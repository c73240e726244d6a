"""The model registry as the committee sees it: which versions exist, how good, which is live."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inquiries.extensions import db
from inquiries.models.types import UTCDateTime, utcnow


class ModelVersion(db.Model):
    __tablename__ = "model_versions"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    design: Mapped[str] = mapped_column(String(40))
    data_hash: Mapped[str] = mapped_column(String(64))
    training_examples: Mapped[int] = mapped_column(Integer)
    staff_labels: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_live: Mapped[bool] = mapped_column(Boolean, default=False)
    promoted_by: Mapped[str | None] = mapped_column(String(80))
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
