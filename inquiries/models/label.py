"""Labels for retraining: what people said an inquiry's objective is, or is not."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inquiries.extensions import db
from inquiries.models.types import UTCDateTime, utcnow


class LabelSource(StrEnum):
    STAFF = "staff"  # staff confirmed or corrected the objective
    SERVICE_SEND_BACK = "service_send_back"  # a service said: not ours


class Label(db.Model):
    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    # The right objective when someone knows it; a send-back only says which one was wrong.
    objective: Mapped[int | None] = mapped_column(Integer)
    rejected_objective: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
