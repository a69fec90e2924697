from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.codes import Code
from portfolio.extensions import Model


class RiskKind(Code):
    RISK = "risk", _l("Risk")
    OPPORTUNITY = "mojlighet", _l("Möjlighet")


class RiskStatus(Code):
    OPEN = "oppen", _l("Öppen")
    HANDLED = "hanterad", _l("Hanterad (åtgärdad)")
    OCCURRED = "intraffad", _l("Inträffad")
    CLOSED = "stangd", _l("Stängd")


# Plain-string aliases for older imports (queries, dashboards, decision basis).
RISK = RiskKind.RISK.value
OPPORTUNITY = RiskKind.OPPORTUNITY.value
KINDS = RiskKind.values()
STATUSES = RiskStatus.values()
OPEN_STATUSES = (RiskStatus.OPEN.value, RiskStatus.OCCURRED.value)
SCALE_MIN, SCALE_MAX = 1, 5       # probability and consequence (the CHECK constraints below)


class Risk(Model):
    __tablename__ = "risk"
    # Text lengths, declared once for the form, the service and the API.
    LIMITS: ClassVar[dict[str, int]] = {
        "title": 200, "category": 32, "cause": 5000, "event": 5000, "consequence_text": 5000,
        "mitigation": 5000, "owner": 200}
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
    category: Mapped[str] = mapped_column(String(LIMITS["category"]))
    title: Mapped[str] = mapped_column(String(LIMITS["title"]))
    cause: Mapped[str | None] = mapped_column(Text)
    event: Mapped[str | None] = mapped_column(Text)
    consequence_text: Mapped[str | None] = mapped_column(Text)
    probability: Mapped[int]
    consequence: Mapped[int]
    mitigation: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(LIMITS["owner"]))
    due_date: Mapped[date | None]
    residual_probability: Mapped[int | None]
    residual_consequence: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default=RiskStatus.OPEN.value)
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


class RiskAssessment(Model):
    """The initiative-level statement "no significant risks identified", with its reason."""

    __tablename__ = "risk_assessment"
    LIMITS: ClassVar[dict[str, int]] = {"reason": 5000}

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    no_significant_risks: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime]
