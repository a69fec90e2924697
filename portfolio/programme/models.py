"""Reference tables loaded from the programme file (upserted by code, never deleted)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.extensions import Model


class _Reference:
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class PriorityArea(_Reference, Model):
    __tablename__ = "priority_area"


class Principle(_Reference, Model):
    __tablename__ = "principle"


class FundingSource(_Reference, Model):
    __tablename__ = "funding_source"


class OrgUnit(_Reference, Model):
    """A committee (nämnd), an administration (förvaltning) under a committee, or a company."""

    __tablename__ = "org_unit"

    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    parent: Mapped[OrgUnit | None] = relationship(remote_side="OrgUnit.id", lazy="joined", join_depth=1)

    @property
    def committee(self) -> OrgUnit:
        """The nämnd this unit answers to (itself for a nämnd or a company)."""
        return self.parent or self

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"
