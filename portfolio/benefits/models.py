from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.extensions import db
from portfolio.types import FixedDecimal, Money

COST_CATEGORIES = {
    # code: one-off (engång) or recurring (löpande) by default
    "forstudie": "engang", "upphandling": "engang", "utveckling": "engang",
    "inforande": "engang", "utbildning": "engang", "intern_tid": "engang",
    "drift": "lopande", "licens": "lopande", "forvaltning": "lopande", "ovrigt": "engang",
}
BENEFICIARIES = ("invanare", "medarbetare", "organisationen", "samhallet")
DIRECTIONS = ("hogre", "lagre")
FREQUENCIES = ("manad", "kvartal", "halvar", "ar")
CERTAINTIES = ("saker", "trolig", "osaker")
BENEFIT_STATUSES = ("aktiv", "verifierad", "avskriven")


class BenefitCase(db.Model):
    """Nyttokalkyl: one per initiative. Years are offsets from `start_year` (t = 0)."""

    __tablename__ = "benefit_case"
    __table_args__ = (
        CheckConstraint("horizon BETWEEN 1 AND 30", name="horizon_1_30"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    start_year: Mapped[int]
    horizon: Mapped[int] = mapped_column(default=5)
    discount_rate: Mapped[Decimal] = mapped_column(FixedDecimal(4))   # 0.0300 = 3 %
    hourly_cost: Mapped[Decimal] = mapped_column(Money())
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    updated_at: Mapped[datetime]

    cost_lines: Mapped[list[CostLine]] = relationship(
        cascade="all, delete-orphan", order_by="(CostLine.first_year, CostLine.id)",
        back_populates="case")
    benefits: Mapped[list[Benefit]] = relationship(
        order_by="Benefit.id", back_populates="case")

    @property
    def last_year(self) -> int:
        return self.start_year + self.horizon - 1


class CostLine(db.Model):
    """A cost per year in [first_year, last_year] (calendar years): an amount, or hours × an
    hourly cost."""

    __tablename__ = "cost_line"
    __table_args__ = (CheckConstraint("last_year >= first_year", name="years_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("benefit_case.id", ondelete="CASCADE"),
                                         index=True)
    category: Mapped[str] = mapped_column(String(20))
    recurring: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(String(300))
    first_year: Mapped[int]
    last_year: Mapped[int]
    amount: Mapped[Decimal | None] = mapped_column(Money())
    hours: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    hourly_cost: Mapped[Decimal | None] = mapped_column(Money())
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative

    case: Mapped[BenefitCase] = relationship(back_populates="cost_lines")


class Benefit(db.Model):
    """A benefit-register entry (nytta). When it belongs to a case it is also a benefit line of
    the calculation, so the case and the follow-up cannot drift apart."""

    __tablename__ = "benefit"
    __table_args__ = (
        CheckConstraint("realisation_share >= 0 AND realisation_share <= 10000",
                        name="share_0_100"),
        Index("ix_benefit_initiative", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("benefit_case.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    beneficiary: Mapped[str] = mapped_column(String(20))
    indicator: Mapped[str | None] = mapped_column(String(300))
    unit: Mapped[str | None] = mapped_column(String(50))
    direction: Mapped[str] = mapped_column(String(10), default="hogre")
    data_source: Mapped[str | None] = mapped_column(String(300))
    baseline: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    baseline_date: Mapped[date | None]
    target: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    target_date: Mapped[date | None]
    frequency: Mapped[str] = mapped_column(String(10), default="ar")
    certainty: Mapped[str] = mapped_column(String(10), default="trolig")
    owner: Mapped[str | None] = mapped_column(String(200))
    # Calculation (per year in [first_year, last_year])
    first_year: Mapped[int | None]
    last_year: Mapped[int | None]
    amount: Mapped[Decimal | None] = mapped_column(Money())
    volume: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    minutes_saved: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    hourly_cost: Mapped[Decimal | None] = mapped_column(Money())
    realisation_share: Mapped[Decimal] = mapped_column(FixedDecimal(2), default=Decimal(100))
    ramp_up: Mapped[str | None] = mapped_column(String(100))  # "50;80" = 50 %, 80 %, then 100 %
    comment: Mapped[str | None] = mapped_column(Text)
    # Follow-up: a benefit stays active (also after its initiative closes) until it is verified
    # or written off with a reason.
    status: Mapped[str] = mapped_column(String(12), default="aktiv", server_default="aktiv",
                                        index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    case: Mapped[BenefitCase | None] = relationship(back_populates="benefits")
