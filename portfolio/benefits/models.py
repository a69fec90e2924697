from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.codes import Code
from portfolio.domain import benefit_calc as calc
from portfolio.extensions import Model
from portfolio.types import FixedDecimal, Money


class CostCategory(Code):
    PRESTUDY = "forstudie", _l("Förstudie")
    PROCUREMENT = "upphandling", _l("Upphandling")
    DEVELOPMENT = "utveckling", _l("Utveckling")
    ROLLOUT = "inforande", _l("Införande")
    TRAINING = "utbildning", _l("Utbildning")
    INTERNAL_TIME = "intern_tid", _l("Intern tid")
    OPERATIONS = "drift", _l("Drift")
    LICENCE = "licens", _l("Licens")
    MAINTENANCE = "forvaltning", _l("Förvaltning")
    OTHER = "ovrigt", _l("Övrigt")


class Recurrence(Code):
    """A cost line once (one year) or every year of a span."""
    ONCE = "engang", _l("Engångskostnad (ett år)")
    RECURRING = "lopande", _l("Löpande (varje år i perioden)")


RECURRING_BY_DEFAULT = (CostCategory.OPERATIONS, CostCategory.LICENCE, CostCategory.MAINTENANCE)


class BenefitKind(Code):
    FINANCIAL = calc.FINANCIAL, _l("Finansiell (frigör budget)")
    REALLOCATION = calc.REALLOCATION, _l("Omfördelning (frigjord tid)")
    QUALITATIVE = calc.QUALITATIVE, _l("Kvalitativ (ingen kronor)")
    NEGATIVE = calc.NEGATIVE, _l("Negativ nytta")


class Beneficiary(Code):
    RESIDENTS = "invanare", _l("Invånare")
    STAFF = "medarbetare", _l("Medarbetare")
    ORGANISATION = "organisationen", _l("Organisationen")
    SOCIETY = "samhallet", _l("Samhället")


class Direction(Code):
    HIGHER = "hogre", _l("Högre är bättre")
    LOWER = "lagre", _l("Lägre är bättre")


class Frequency(Code):
    MONTHLY = "manad", _l("Varje månad")
    QUARTERLY = "kvartal", _l("Varje kvartal")
    HALF_YEARLY = "halvar", _l("Varje halvår")
    YEARLY = "ar", _l("Varje år")


class Certainty(Code):
    CERTAIN = "saker", _l("Säker")
    LIKELY = "trolig", _l("Trolig")
    UNCERTAIN = "osaker", _l("Osäker")


class BenefitStatus(Code):
    ACTIVE = "aktiv", _l("Aktiv (följs upp)")
    VERIFIED = "verifierad", _l("Verifierad")
    WRITTEN_OFF = "avskriven", _l("Avskriven")


# Plain aliases for older imports (API, follow-up, dashboards).
COST_CATEGORIES = {  # code: one-off (engång) or recurring (löpande) by default
    c.value: (Recurrence.RECURRING if c in RECURRING_BY_DEFAULT else Recurrence.ONCE).value
    for c in CostCategory}
BENEFICIARIES = Beneficiary.values()
DIRECTIONS = Direction.values()
FREQUENCIES = Frequency.values()
CERTAINTIES = Certainty.values()
BENEFIT_STATUSES = BenefitStatus.values()
BENEFIT_KINDS = BenefitKind.values()


class BenefitCase(Model):
    """Nyttokalkyl: one per initiative. Years are offsets from `start_year` (t = 0)."""

    __tablename__ = "benefit_case"
    # Limits, declared once for the form, the service and the API (rate in per cent).
    LIMITS: ClassVar[dict[str, int]] = {
        "year_min": 2000, "year_max": 2100, "horizon_max": calc.MAX_HORIZON,
        "discount_rate_percent_max": 50, "hourly_cost_max": 100000}
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


class CostLine(Model):
    """A cost per year in [first_year, last_year] (calendar years): an amount, or hours × an
    hourly cost."""

    __tablename__ = "cost_line"
    LIMITS: ClassVar[dict[str, int]] = {
        "description": 300, "amount_max": 10**11, "hours_max": 10**7,
        "hourly_cost_max": BenefitCase.LIMITS["hourly_cost_max"]}
    __table_args__ = (CheckConstraint("last_year >= first_year", name="years_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("benefit_case.id", ondelete="CASCADE"),
                                         index=True)
    category: Mapped[str] = mapped_column(String(20))
    recurring: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(String(LIMITS["description"]))
    first_year: Mapped[int]
    last_year: Mapped[int]
    amount: Mapped[Decimal | None] = mapped_column(Money())
    hours: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    hourly_cost: Mapped[Decimal | None] = mapped_column(Money())
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative

    case: Mapped[BenefitCase] = relationship(back_populates="cost_lines")


class Benefit(Model):
    """A benefit-register entry (nytta). When it belongs to a case it is also a benefit line of
    the calculation, so the case and the follow-up cannot drift apart."""

    __tablename__ = "benefit"
    LIMITS: ClassVar[dict[str, int]] = {
        "title": 200, "indicator": 300, "unit": 50, "data_source": 300, "owner": 200,
        "ramp_up": 100, "comment": 5000, "amount_max": CostLine.LIMITS["amount_max"],
        "measure_max": 10**9, "volume_max": 10**9, "minutes_saved_max": 10**6,
        "hourly_cost_max": BenefitCase.LIMITS["hourly_cost_max"], "share_percent_max": 100}
    TEXTS: ClassVar[tuple[str, ...]] = ("title", "indicator", "unit", "data_source", "owner",
                                        "ramp_up", "comment")
    __table_args__ = (
        CheckConstraint("realisation_share >= 0 AND realisation_share <= 10000",
                        name="share_0_100"),
        Index("ix_benefit_initiative", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("benefit_case.id"), index=True)
    title: Mapped[str] = mapped_column(String(LIMITS["title"]))
    kind: Mapped[str] = mapped_column(String(20))
    beneficiary: Mapped[str] = mapped_column(String(20))
    indicator: Mapped[str | None] = mapped_column(String(LIMITS["indicator"]))
    unit: Mapped[str | None] = mapped_column(String(LIMITS["unit"]))
    direction: Mapped[str] = mapped_column(String(10), default=Direction.HIGHER.value)
    data_source: Mapped[str | None] = mapped_column(String(LIMITS["data_source"]))
    baseline: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    baseline_date: Mapped[date | None]
    target: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    target_date: Mapped[date | None]
    frequency: Mapped[str] = mapped_column(String(10), default=Frequency.YEARLY.value)
    certainty: Mapped[str] = mapped_column(String(10), default=Certainty.LIKELY.value)
    owner: Mapped[str | None] = mapped_column(String(LIMITS["owner"]))
    # Calculation (per year in [first_year, last_year])
    first_year: Mapped[int | None]
    last_year: Mapped[int | None]
    amount: Mapped[Decimal | None] = mapped_column(Money())
    volume: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    minutes_saved: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    hourly_cost: Mapped[Decimal | None] = mapped_column(Money())
    realisation_share: Mapped[Decimal] = mapped_column(FixedDecimal(2), default=Decimal(100))
    ramp_up: Mapped[str | None] = mapped_column(String(LIMITS["ramp_up"]))  # "50;80" = 50 %, 80 %, then 100 %
    comment: Mapped[str | None] = mapped_column(Text)
    # Follow-up: a benefit stays active (also after its initiative closes) until it is verified
    # or written off with a reason.
    status: Mapped[str] = mapped_column(String(12), default=BenefitStatus.ACTIVE.value,
                                        server_default=BenefitStatus.ACTIVE.value,
                                        index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    case: Mapped[BenefitCase | None] = relationship(back_populates="benefits")
