from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.codes import Code
from portfolio.extensions import Model, db
from portfolio.programme.models import OrgUnit, PriorityArea
from portfolio.types import FixedDecimal


class PlanStatus(Code):
    SAKNAS = "saknas", _l("Saknas")
    UNDER_ARBETE = "under_arbete", _l("Under arbete")
    BESLUTAD = "beslutad", _l("Beslutad")
    ERSATT = "ersatt", _l("Ersatt")     # set when a newer plan is decided, never chosen


PLAN_STATUSES = PlanStatus.values()     # alias for older imports
CURRENT_PLAN_STATUSES = (PlanStatus.BESLUTAD.value, PlanStatus.UNDER_ARBETE.value)

initiative_plan_goal = Table(
    "initiative_plan_goal", db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("plan_goal.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class CommitteePlan(Model):
    """A committee's plan for digital transformation. A new decided plan replaces the current
    one (status ersatt, replaced_on) without deleting it, so any past year can be shown."""

    __tablename__ = "committee_plan"
    __table_args__ = (
        CheckConstraint("period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
                        name="period_in_order"),
        Index("ix_committee_plan_committee", "committee_id", "status"),
    )
    LIMITS: ClassVar[dict[str, int]] = {"title": 300, "decided_by": 200, "diarienummer": 60,
                                        "document_url": 500, "note": 5000}

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[int | None]
    period_end: Mapped[int | None]
    started_on: Mapped[date | None]      # when work on the plan began (under arbete)
    decided_on: Mapped[date | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    diarienummer: Mapped[str | None] = mapped_column(String(60))
    document_url: Mapped[str | None] = mapped_column(String(500))
    revision_month: Mapped[int | None]
    next_revision: Mapped[date | None]
    replaced_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    committee: Mapped[OrgUnit] = relationship(lazy="joined")
    goals: Mapped[list[PlanGoal]] = relationship(back_populates="plan", order_by="PlanGoal.id")


class PlanGoal(Model):
    __tablename__ = "plan_goal"
    LIMITS: ClassVar[dict[str, int]] = {"text": 5000, "indicator": 300}

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("committee_plan.id", ondelete="CASCADE"),
                                         index=True)
    text: Mapped[str] = mapped_column(Text)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("priority_area.id"))
    indicator: Mapped[str | None] = mapped_column(String(300))
    baseline: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    target: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    target_date: Mapped[date | None]
    interim_followup_on: Mapped[date | None]   # delårsuppföljning
    annual_followup_on: Mapped[date | None]    # helårsuppföljning
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative

    plan: Mapped[CommitteePlan] = relationship(back_populates="goals")
    area: Mapped[PriorityArea | None] = relationship(lazy="joined")
    followups: Mapped[list[GoalFollowUp]] = relationship(order_by="GoalFollowUp.followed_on")
    initiatives = relationship("Initiative", secondary=initiative_plan_goal,
                               back_populates="plan_goals", order_by="Initiative.ref")


class GoalFollowUp(Model):
    __tablename__ = "goal_follow_up"
    LIMITS: ClassVar[dict[str, int]] = {"comment": 5000}

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    followed_on: Mapped[date]
    value: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    status: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
