"""Read side of the reference tables, for forms and filters."""

from __future__ import annotations

from portfolio.extensions import db
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea


def active(model):
    return list(db.session.scalars(
        db.select(model).where(model.active.is_(True)).order_by(model.sort_order)))


def areas() -> list[PriorityArea]:
    return active(PriorityArea)


def principles() -> list[Principle]:
    return active(Principle)


def funding_sources() -> list[FundingSource]:
    return active(FundingSource)


def org_units() -> list[OrgUnit]:
    return active(OrgUnit)


def unit_scope(unit_ids: set[int]) -> set[int]:
    """The given units and every unit below them (a nämnd's förvaltning)."""
    if not unit_ids:
        return set()
    children = db.session.scalars(
        db.select(OrgUnit.id).where(OrgUnit.parent_id.in_(unit_ids))).all()
    return set(unit_ids) | set(children)
