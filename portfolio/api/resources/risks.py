"""Risks and opportunities of an initiative."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import VERSIONED_WRITE, etag
from portfolio.api.fields import Day, SmallInt, StrictSchema, Text, Timestamp, patch_schema
from portfolio.api.resources._parts import BASE, child_of, create_child, save_child, version_field
from portfolio.api.resources.initiatives import load
from portfolio.risks import queries as risk_queries
from portfolio.risks import services as risk_services
from portfolio.risks.models import SCALE_MAX, SCALE_MIN, Risk, RiskKind, RiskStatus
from portfolio.risks.services import RiskInput

blp = Blueprint("api_risks", __name__, description="Risker.")


class RiskOut(ma.Schema):
    id = fields.Integer()
    initiative_id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    category = fields.String()
    cause = fields.String(allow_none=True)
    event = fields.String(allow_none=True)
    consequence_text = fields.String(allow_none=True)
    probability = fields.Integer()
    consequence = fields.Integer()
    score = fields.Integer()
    mitigation = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)
    residual_probability = fields.Integer(allow_none=True)
    residual_consequence = fields.Integer(allow_none=True)
    residual_score = fields.Integer(allow_none=True)
    status = fields.String()
    review_date = fields.Date(allow_none=True)
    version = fields.Integer()
    updated_at = Timestamp()


LIMITS = Risk.LIMITS


class RiskIn(StrictSchema):
    title = Text(LIMITS["title"], required=True, allow_none=False)
    kind = fields.String(load_default=RiskKind.RISK.value, validate=validate.OneOf(RiskKind.values()))
    category = Text(LIMITS["category"], required=True, allow_none=False)
    cause = Text(LIMITS["cause"], load_default=None)
    event = Text(LIMITS["event"], load_default=None)
    consequence_text = Text(LIMITS["consequence_text"], load_default=None)
    probability = SmallInt(SCALE_MIN, SCALE_MAX, required=True)
    consequence = SmallInt(SCALE_MIN, SCALE_MAX, required=True)
    mitigation = Text(LIMITS["mitigation"], load_default=None)
    owner = Text(LIMITS["owner"], load_default=None)
    due_date = Day(load_default=None, allow_none=True)
    residual_probability = SmallInt(SCALE_MIN, SCALE_MAX, load_default=None, allow_none=True)
    residual_consequence = SmallInt(SCALE_MIN, SCALE_MAX, load_default=None, allow_none=True)
    status = fields.String(load_default=RiskStatus.OPEN.value, validate=validate.OneOf(RiskStatus.values()))
    review_date = Day(load_default=None, allow_none=True)
    version = version_field()


class RiskPatch(RiskIn):
    pass


@blp.route(f"{BASE}/risks")
@blp.response(200, RiskOut(many=True))
def list_risks(initiative_id: int):
    """Initiativets risker och möjligheter"""
    load(initiative_id)
    return risk_queries.risks_of(initiative_id)


@blp.route(f"{BASE}/risks", methods=["POST"])
@blp.arguments(RiskIn)
@blp.response(201, RiskOut)
def create_risk(data, initiative_id: int):
    """Lägg till en risk"""
    return create_child(risk_services.save_risk, load(initiative_id), data, to_input=RiskInput.of)


@blp.route(f"{BASE}/risks/<int:risk_id>")
@blp.response(200, RiskOut)
def get_risk(initiative_id: int, risk_id: int):
    """En risk"""
    risk = child_of(Risk, load(initiative_id), risk_id)
    return risk, 200, etag(risk.version)


def _save_risk(data, initiative_id, risk_id, *, patch: bool):
    ini = load(initiative_id)
    return save_child(risk_services.save_risk, ini, child_of(Risk, ini, risk_id), data, keyword="risk",
                      fields_=risk_services.FIELDS, schema=RiskOut(), patch=patch, to_input=RiskInput.of)


@blp.route(f"{BASE}/risks/<int:risk_id>", methods=["PUT"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(RiskIn)
@blp.response(200, RiskOut)
def put_risk(data, initiative_id: int, risk_id: int):
    """Ersätt en risk; kräver version"""
    return _save_risk(data, initiative_id, risk_id, patch=False)


@blp.route(f"{BASE}/risks/<int:risk_id>", methods=["PATCH"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(patch_schema(RiskPatch))
@blp.response(200, RiskOut)
def patch_risk(data, initiative_id: int, risk_id: int):
    """Ändra enstaka fält i en risk; kräver version"""
    return _save_risk(data, initiative_id, risk_id, patch=True)
