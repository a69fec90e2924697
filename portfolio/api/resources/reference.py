"""Reference data: priority areas, committees and units, principles, funding sources."""

from __future__ import annotations

from portfolio.api.blueprint import Blueprint
from portfolio.api.schemas import ReferenceSchema, UnitSchema
from portfolio.extensions import db
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea

blp = Blueprint("api_reference", __name__, description="Referensdata: områden, nämnder och enheter, "
                "principer och finansieringskällor.")


def _all(model):
    return db.session.scalars(db.select(model).order_by(model.sort_order, model.id)).all()


@blp.route("/areas")
@blp.response(200, ReferenceSchema(many=True))
def areas():
    """Prioriterade områden"""
    return _all(PriorityArea)


@blp.route("/units")
@blp.response(200, UnitSchema(many=True))
def units():
    """Nämnder, förvaltningar och bolag (committee_id anger nämnden)"""
    return _all(OrgUnit)


@blp.route("/committees")
@blp.response(200, UnitSchema(many=True))
def committees():
    """Nämnder och bolag (enheter utan överordnad)"""
    return db.session.scalars(db.select(OrgUnit).where(OrgUnit.parent_id.is_(None))
                              .order_by(OrgUnit.sort_order, OrgUnit.id)).all()


@blp.route("/principles")
@blp.response(200, ReferenceSchema(many=True))
def principles():
    """Programmets principer"""
    return _all(Principle)


@blp.route("/funding-sources")
@blp.response(200, ReferenceSchema(many=True))
def funding_sources():
    """Finansieringskällor"""
    return _all(FundingSource)
