"""A published yearly report: the frozen files KS received (HTML and PDF), with their SHA-256,
the KS case number and meeting, who published and when. A year may be published again as a new
version (with a reason); the older versions stay readable, marked superseded.

The files live in the file store (FILES_DIR/reports/…, backed up with the database); the row
only names them. Nothing in the database feeds a published report again: it is served from its
stored bytes."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portfolio import clock
from portfolio.extensions import Model


class PublishedReport(Model):
    __tablename__ = "published_report"
    __table_args__ = (
        UniqueConstraint("year", "version", name="uq_published_report_year_version"),
        Index("ix_published_report_year", "year"),
    )
    LIMITS: ClassVar[dict[str, int]] = {"case_number": 60, "reason": 2000}

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    version: Mapped[int]
    case_number: Mapped[str] = mapped_column(String(60))       # KS diarienummer
    meeting_date: Mapped[date]                                  # the KS meeting it goes to
    reason: Mapped[str | None] = mapped_column(Text)            # why a year was published again
    published_at: Mapped[datetime] = mapped_column(default=clock.now)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    published_by_name: Mapped[str] = mapped_column(String(200))  # as it was when published
    # Paths relative to the file store.
    html_path: Mapped[str] = mapped_column(String(200))
    html_sha256: Mapped[str] = mapped_column(String(64))
    html_size: Mapped[int]
    print_path: Mapped[str] = mapped_column(String(200))        # the PDF's frozen input
    pdf_path: Mapped[str | None] = mapped_column(String(200))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None]
    pdf_created_at: Mapped[datetime | None]
