"""Initiatives (initiativ/projekt) with their funding and staffing per year."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio import clock
from portfolio.auth.models import User
from portfolio.domain.phases import ALL_PHASES
from portfolio.extensions import Model, db
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea
from portfolio.types import FixedDecimal, Money

initiative_participant = Table(
    "initiative_participant", db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_unit.id"), primary_key=True),
)
initiative_secondary_area = Table(
    "initiative_secondary_area", db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("priority_area.id"), primary_key=True),
)
initiative_principle = Table(
    "initiative_principle", db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("principle_id", ForeignKey("principle.id"), primary_key=True),
)


# The phases in their order as one literal SQL expression: the register's sort by phase and the
# index that serves it (migration 0014) must be the same expression with constants (a bound
# parameter would not match the index), laid out as PostgreSQL prints it back so that comparing
# the models with the database finds them equal. New phases need a migration for the index.
PHASE_ORDER_SQL = "CASE phase\n" + "".join(
    f"    WHEN '{p}' THEN {i}\n" for i, p in enumerate(ALL_PHASES)) + "    ELSE NULL\nEND"


class Initiative(Model):
    __tablename__ = "initiative"
    # Text lengths (and the reason given for a phase change or an archiving), declared once for
    # the forms, the services, the import and the API.
    LIMITS: ClassVar[dict[str, int]] = {
        "title": 200, "description": 10000, "need_owner": 200, "project_lead": 200,
        "benefit_owner": 200, "ref": 40, "demo_note": 500, "reason": 2000}
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                        name="dates_in_order"),
        # The register's filters and sorts, each answered by an index (migration 0014): the list
        # walks the index in order and stops after a page, the count reads the index alone.
        Index("ix_initiative_list", "archived", "phase", "updated_at", "id"),
        Index("ix_initiative_updated", "archived", "updated_at", "id"),
        Index("ix_initiative_area_updated", "archived", "primary_area_id", "updated_at", "id"),
        Index("ix_initiative_area_phase_updated", "archived", "primary_area_id", "phase", "updated_at", "id"),
        Index("ix_initiative_unit_updated", "archived", "owning_unit_id", "updated_at", "id"),
        Index("ix_initiative_unit_sort", "archived", "owning_unit_id", "id"),
        Index("ix_initiative_ref_sort", "archived", "ref"),
        Index("ix_initiative_start_sort", "archived", "start_date", "id"),
        Index("ix_initiative_title_sort", "archived", text("lower(title)"), "id"),
        Index("ix_initiative_phase_sort", "archived", text(f"(\n{PHASE_ORDER_SQL})"), "id"),
        # Free text on PostgreSQL: trigram indexes for lower(column) LIKE '%text%'
        # (portfolio/search.py; SQLite has an FTS5 table instead, created by the migration).
        *[Index(f"ix_initiative_{name}_trgm", text(f"lower({name})"), postgresql_using="gin",
                postgresql_ops={f"lower({name})": "gin_trgm_ops"}).ddl_if(dialect="postgresql")
          for name in ("title", "ref", "description")],
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owning_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    primary_area_id: Mapped[int] = mapped_column(ForeignKey("priority_area.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20), index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    need_owner: Mapped[str | None] = mapped_column(String(200))
    project_lead: Mapped[str | None] = mapped_column(String(200))
    benefit_owner: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)
    # What is true and what is invented, for demo records (e.g. "named in the audit; figures invented").
    demo_note: Mapped[str | None] = mapped_column(String(500))
    archived: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Open data: set when the project office has reviewed the initiative and marked it publishable.
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    owning_unit: Mapped[OrgUnit] = relationship(lazy="joined")
    primary_area: Mapped[PriorityArea] = relationship(lazy="joined")
    participating_units: Mapped[list[OrgUnit]] = relationship(
        secondary=initiative_participant, order_by=OrgUnit.sort_order)
    secondary_areas: Mapped[list[PriorityArea]] = relationship(
        secondary=initiative_secondary_area, order_by=PriorityArea.sort_order)
    principles: Mapped[list[Principle]] = relationship(
        secondary=initiative_principle, order_by=Principle.sort_order)
    funding: Mapped[list[FundingLine]] = relationship(
        cascade="all, delete-orphan", order_by="(FundingLine.year, FundingLine.id)",
        back_populates="initiative")
    staffing: Mapped[list[StaffingLine]] = relationship(
        cascade="all, delete-orphan", order_by="StaffingLine.year", back_populates="initiative")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    plan_goals = relationship("PlanGoal", secondary="initiative_plan_goal",
                              back_populates="initiatives")

    # The UPDATE carries "WHERE version = <the version read>": of two concurrent saves, the
    # second matches no row and becomes a conflict instead of a lost update.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def total_funding(self) -> Decimal:
        return sum((f.amount for f in self.funding), Decimal(0))

    @property
    def published_on(self) -> date | None:
        """The Swedish date the project office marked the initiative publishable (open data)."""
        if self.published_at is None:
            return None
        return self.published_at.replace(tzinfo=UTC).astimezone(clock.TIME_ZONE).date()


class FundingLine(Model):
    """Funding for one year from one source (kronor, exact)."""

    __tablename__ = "funding_line"
    LIMITS: ClassVar[dict[str, int]] = {"year_min": 2000, "year_max": 2100, "amount_max": 10**11}
    __table_args__ = (
        UniqueConstraint("initiative_id", "year", "source_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        # The register's funding-source filter: the initiatives funded by a source, read from
        # the index alone (migration 0021).
        Index("ix_funding_line_source_initiative", "source_id", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    source_id: Mapped[int] = mapped_column(ForeignKey("funding_source.id"))
    amount: Mapped[Decimal] = mapped_column(Money())

    initiative: Mapped[Initiative] = relationship(back_populates="funding")
    source: Mapped[FundingSource] = relationship(lazy="joined")


class StaffingLine(Model):
    """Staff need for one year in full-time equivalents (two decimals)."""

    __tablename__ = "staffing_line"
    LIMITS: ClassVar[dict[str, int]] = {"year_min": 2000, "year_max": 2100, "fte_max": 10000}
    __table_args__ = (
        UniqueConstraint("initiative_id", "year"),
        CheckConstraint("fte >= 0", name="fte_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    year: Mapped[int]
    fte: Mapped[Decimal] = mapped_column(FixedDecimal(2))

    initiative: Mapped[Initiative] = relationship(back_populates="staffing")


class GateOverride(Model):
    """The project office let an initiative past a phase gate it did not meet. Append-only: shown
    on the initiative, the office's start page, the transparency page and the yearly report."""

    __tablename__ = "gate_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"),
                                               index=True)
    from_phase: Mapped[str] = mapped_column(String(20))
    to_phase: Mapped[str] = mapped_column(String(20))
    missing: Mapped[str] = mapped_column(Text)      # requirement codes, comma-separated
    reason: Mapped[str] = mapped_column(Text)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("portfolio_decision.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)

    initiative: Mapped[Initiative] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def missing_codes(self) -> list[str]:
        return [c for c in self.missing.split(",") if c]
