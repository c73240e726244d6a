"""Objectives and the federal services that answer them: the live routing table."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inquiries.extensions import db


class Service(db.Model):
    __tablename__ = "services"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    languages: Mapped[list[str]] = mapped_column(JSON)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Working days without an answer before a reminder, then before the committee takes it back.
    reminder_after_days: Mapped[int] = mapped_column(Integer, default=5)
    escalate_after_days: Mapped[int] = mapped_column(Integer, default=5)

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]

    def mail_language(self, preferred: str) -> str:
        """The language to write to this service in: the submitter's if it reads it."""
        return preferred if preferred in self.languages else self.languages[0]


class Objective(db.Model):
    __tablename__ = "objectives"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON)
    service_key: Mapped[str | None] = mapped_column(ForeignKey("services.key"))
    routing_changed_by_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # When an inquiry's secondary objective is this one, its service gets a copy for information.
    copy_when_secondary: Mapped[bool] = mapped_column(Boolean, default=False)

    service: Mapped[Service | None] = relationship()

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]
