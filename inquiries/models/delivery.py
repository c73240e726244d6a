"""One email the system owes someone, and every attempt to send it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inquiries.extensions import db
from inquiries.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from inquiries.models.catalogue import Service
    from inquiries.models.inquiry import Inquiry


class MailKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    ROUTING = "routing"
    COPY = "copy"  # for information, to the service of a secondary objective; no links
    REMINDER = "reminder"
    STATUS = "status"


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt at next_attempt_at
    SENDING = "sending"  # claimed by one worker; nobody else may send it
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; a person decides
    UNCERTAIN = "uncertain"  # a worker died mid-send: it may have left; never resent blindly


class Delivery(db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    dedup_key: Mapped[str] = mapped_column(String(120), unique=True)
    service_key: Mapped[str | None] = mapped_column(ForeignKey("services.key"))
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(12), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the receiving service did with it, through the signed links in the mail (once).
    response: Mapped[str | None] = mapped_column(String(12))
    response_note: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inquiry: Mapped[Inquiry] = relationship(back_populates="deliveries")
    service: Mapped[Service | None] = relationship()
