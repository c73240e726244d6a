"""The words an inquiry is about: an inverted index for finding similar earlier inquiries."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inquiries.extensions import db


class InquiryTerm(db.Model):
    __tablename__ = "inquiry_terms"
    __table_args__ = (Index("ix_inquiry_terms_term_inquiry", "term", "inquiry_id"),)

    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(24), primary_key=True)
