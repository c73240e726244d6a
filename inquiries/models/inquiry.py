"""An inquiry, its history of status changes, and what the model made of it."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inquiries.extensions import db
from inquiries.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from inquiries.models.catalogue import Objective, Service
    from inquiries.models.delivery import Delivery
    from inquiries.models.staff import StaffUser


class Status(StrEnum):
    RECEIVED = "received"
    NEEDS_REVIEW = "needs_review"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    SENT_BACK = "sent_back"
    DELIVERY_FAILED = "delivery_failed"
    OUT_OF_SCOPE = "out_of_scope"
    CLOSED = "closed"


def new_status_token() -> str:
    return secrets.token_urlsafe(32)


def format_reference(created_at: datetime, inquiry_id: int) -> str:
    """A reference people can read out on the phone, e.g. AI-2026-000123. It is the year and
    the id, so it is not stored: storing it cost every new inquiry an UPDATE."""
    return f"AI-{created_at:%Y}-{inquiry_id:06d}"


_REFERENCE = re.compile(r"AI-(\d{4})-(\d{6,})")


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, id) of a reference as people type it (any case, spaces around), else None."""
    found = _REFERENCE.fullmatch(text.strip().upper())
    return (int(found[1]), int(found[2])) if found else None


class Inquiry(db.Model):
    __tablename__ = "inquiries"
    __table_args__ = (
        Index("ix_inquiries_status_created", "status", "created_at"),
        Index("ix_inquiries_created_id", "created_at", "id"),
        *(
            Index(
                f"ix_inquiries_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            ).ddl_if(dialect="postgresql")
            for column in ("message", "subject", "email", "name", "organisation")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_status_token)
    channel: Mapped[str] = mapped_column(String(8))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))  # the language we answer in
    # False when the submitter named none: `language` is then the page's or the API's until the
    # worker reads what they wrote (pipeline.settle_language), so the web tier needs no detector.
    language_declared: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    detected_language: Mapped[str | None] = mapped_column(String(2))
    consent_to_share: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=Status.RECEIVED)
    objective_code: Mapped[int | None] = mapped_column(ForeignKey("objectives.code"))
    service_key: Mapped[str | None] = mapped_column(ForeignKey("services.key"))
    routing_round: Mapped[int] = mapped_column(Integer, default=0)
    # The latest classification's confidence, kept here so the queue can filter on it cheaply.
    confidence: Mapped[float | None] = mapped_column(Float)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    # Set when the personal data was removed (retention period over, or erasure asked for).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    objective: Mapped[Objective | None] = relationship()
    service: Mapped[Service | None] = relationship()
    assignee: Mapped[StaffUser | None] = relationship()
    events: Mapped[list[AuditEvent]] = relationship(
        back_populates="inquiry", order_by="AuditEvent.id", cascade="all, delete-orphan"
    )
    classifications: Mapped[list[Classification]] = relationship(
        back_populates="inquiry", order_by="Classification.id", cascade="all, delete-orphan"
    )
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="inquiry", order_by="Delivery.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return format_reference(self.created_at, self.id)

    def change_status(
        self, new: Status, *, actor: str, note: str = "", detail: dict[str, Any] | None = None
    ) -> None:
        """Every status change goes through here, so every one leaves an audit event."""
        self.record("status", actor=actor, note=note, detail=detail, to_status=new)
        self.status = new

    def record(
        self,
        action: str,
        *,
        actor: str,
        note: str = "",
        detail: dict[str, Any] | None = None,
        to_status: str | None = None,
    ) -> None:
        """An audit event: who or what did what to this inquiry, and why. Added to the session
        rather than appended to `events`, which would load the whole history first."""
        db.session.add(
            AuditEvent(
                inquiry=self,
                actor=actor,
                action=action,
                from_status=self.status,
                to_status=to_status or self.status,
                note=note,
                detail=detail or {},
            )
        )

    @property
    def latest_classification(self) -> Classification | None:
        return self.classifications[-1] if self.classifications else None


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    inquiry: Mapped[Inquiry] = relationship(back_populates="events")


class Classification(db.Model):
    __tablename__ = "classifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(40))
    objective: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    probabilities: Mapped[dict[str, float]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(8))
    secondary: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[list[str]] = mapped_column(JSON)
    language: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inquiry: Mapped[Inquiry] = relationship(back_populates="classifications")
