from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.extensions import db

DRAFT = "utkast"
COMPLETE = "klar"


class NeedsAnalysis(db.Model):
    """One per initiative. A draft may be partial; marking it complete enforces the required
    fields (see needs.requirements.REQUIREMENTS)."""

    __tablename__ = "needs_analysis"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    problem: Mapped[str | None] = mapped_column(Text)
    target_groups: Mapped[str | None] = mapped_column(Text)
    needs_capture: Mapped[str | None] = mapped_column(Text)
    involvement_who: Mapped[str | None] = mapped_column(Text)
    involvement_how: Mapped[str | None] = mapped_column(Text)
    involvement_when: Mapped[date | None]
    inclusion_considered: Mapped[bool | None]
    inclusion_how: Mapped[str | None] = mapped_column(Text)
    current_state: Mapped[str | None] = mapped_column(Text)
    desired_state: Mapped[str | None] = mapped_column(Text)
    alternatives: Mapped[str | None] = mapped_column(Text)
    architecture: Mapped[str | None] = mapped_column(Text)
    tech_debt: Mapped[str | None] = mapped_column(Text)
    infosec_class: Mapped[str | None] = mapped_column(String(32))
    personal_data: Mapped[bool | None]
    dpia_needed: Mapped[str | None] = mapped_column(String(10))  # ja / nej / utreds
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
