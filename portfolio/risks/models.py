from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.extensions import db

RISK = "risk"
OPPORTUNITY = "mojlighet"
KINDS = (RISK, OPPORTUNITY)
STATUSES = ("oppen", "hanterad", "intraffad", "stangd")
OPEN_STATUSES = ("oppen", "intraffad")


class Risk(db.Model):
    __tablename__ = "risk"
    __table_args__ = (
        CheckConstraint("probability BETWEEN 1 AND 5", name="probability_1_5"),
        CheckConstraint("consequence BETWEEN 1 AND 5", name="consequence_1_5"),
        CheckConstraint("residual_probability IS NULL OR residual_probability BETWEEN 1 AND 5",
                        name="residual_probability_1_5"),
        CheckConstraint("residual_consequence IS NULL OR residual_consequence BETWEEN 1 AND 5",
                        name="residual_consequence_1_5"),
        Index("ix_risk_initiative_status", "initiative_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default=RISK)
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    cause: Mapped[str | None] = mapped_column(Text)
    event: Mapped[str | None] = mapped_column(Text)
    consequence_text: Mapped[str | None] = mapped_column(Text)
    probability: Mapped[int]
    consequence: Mapped[int]
    mitigation: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None]
    residual_probability: Mapped[int | None]
    residual_consequence: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="oppen")
    review_date: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def score(self) -> int:
        return self.probability * self.consequence

    @property
    def residual_score(self) -> int | None:
        if self.residual_probability and self.residual_consequence:
            return self.residual_probability * self.residual_consequence
        return None


class RiskAssessment(db.Model):
    """The initiative-level statement "no significant risks identified", with its reason."""

    __tablename__ = "risk_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    no_significant_risks: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime]
