from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.codes import Code
from portfolio.extensions import Model
from portfolio.types import FixedDecimal, Money


class FollowUpStatus(Code):
    """A period follow-up's (and a plan goal follow-up's) traffic light."""

    GRON = "gron", _l("Grön – enligt plan")
    GUL = "gul", _l("Gul – avvikelse som hanteras")
    ROD = "rod", _l("Röd – allvarlig avvikelse")


class GoalsMet(Code):
    JA = "ja", _l("Ja")
    DELVIS = "delvis", _l("Delvis")
    NEJ = "nej", _l("Nej")


STATUSES = FollowUpStatus.values()      # aliases for older imports
GOALS_MET = GoalsMet.values()


class Measurement(Model):
    """A measured value of a benefit's indicator (nyttomätning)."""

    __tablename__ = "measurement"
    __table_args__ = (Index("ix_measurement_benefit_date", "benefit_id", "measured_on"),)
    LIMITS: ClassVar[dict[str, int]] = {"comment": 5000}

    id: Mapped[int] = mapped_column(primary_key=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefit.id", ondelete="CASCADE"))
    measured_on: Mapped[date]
    value: Mapped[Decimal] = mapped_column(FixedDecimal(4))
    realised_amount: Mapped[Decimal | None] = mapped_column(Money())
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]

    user: Mapped[User | None] = relationship(lazy="joined")


class FollowUp(Model):
    """The follow-up of one initiative for one period (delår/helår) of one year."""

    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("initiative_id", "year", "period"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_0_100"),
        Index("ix_follow_up_period", "year", "period"),
    )
    LIMITS: ClassVar[dict[str, int]] = {"comment": 5000, "achievements": 5000, "next_steps": 5000}

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    year: Mapped[int]
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[int]
    cost_to_date: Mapped[Decimal | None] = mapped_column(Money())
    achievements: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Evaluation(Model):
    """Utvärdering when an initiative closes; its lessons are searchable across the portfolio."""

    __tablename__ = "evaluation"
    LIMITS: ClassVar[dict[str, int]] = {"goals_comment": 10000, "benefits_realised": 10000,
                                        "measured_after": 10000, "lessons_learned": 10000}

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    goals_met: Mapped[str] = mapped_column(String(10))
    goals_comment: Mapped[str | None] = mapped_column(Text)
    benefits_realised: Mapped[str | None] = mapped_column(Text)
    measured_after: Mapped[str | None] = mapped_column(Text)
    lessons_learned: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    evaluated_on: Mapped[date]
    updated_at: Mapped[datetime]
