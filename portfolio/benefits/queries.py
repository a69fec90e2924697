"""Read side of benefits: lists for the API (plain rows, no HTML)."""

from __future__ import annotations

from portfolio.benefits.models import Benefit
from portfolio.extensions import db
from portfolio.followups.models import Measurement


def benefits_of(initiative_id: int) -> list[Benefit]:
    """An initiative's benefits in the order they were added."""
    return list(db.session.scalars(db.select(Benefit).where(Benefit.initiative_id == initiative_id)
                                   .order_by(Benefit.id)))


def measurements_of(benefit_id: int) -> list[Measurement]:
    """The measurements logged against a benefit, oldest first."""
    return list(db.session.scalars(db.select(Measurement).where(Measurement.benefit_id == benefit_id)
                                   .order_by(Measurement.measured_on, Measurement.id)))
