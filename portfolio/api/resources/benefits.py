"""Benefits of an initiative and the measurements logged against them."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from marshmallow import fields, validate

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import VERSIONED_WRITE, call_service, etag
from portfolio.api.fields import Day, ExactDecimal, Money, StrictSchema, Text, Timestamp, Year, patch_schema
from portfolio.api.resources._parts import BASE, child_of, create_child, save_child, version_field
from portfolio.api.resources.initiatives import load
from portfolio.benefits import queries as benefit_queries
from portfolio.benefits import services as benefit_services
from portfolio.benefits.models import Beneficiary, Benefit, BenefitKind, Certainty, Direction, Frequency
from portfolio.benefits.services import BenefitInput
from portfolio.followups import services as followup_services

LIMITS = Benefit.LIMITS

blp = Blueprint("api_benefits", __name__, description="Nyttor och mätningar.")


class BenefitOut(ma.Schema):
    id = fields.Integer()
    initiative_id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    beneficiary = fields.String()
    indicator = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    direction = fields.String()
    data_source = fields.String(allow_none=True)
    baseline = ExactDecimal(4, 12, allow_none=True)
    baseline_date = fields.Date(allow_none=True)
    target = ExactDecimal(4, 12, allow_none=True)
    target_date = fields.Date(allow_none=True)
    frequency = fields.String()
    certainty = fields.String()
    owner = fields.String(allow_none=True)
    first_year = fields.Integer(allow_none=True)
    last_year = fields.Integer(allow_none=True)
    amount = Money(allow_none=True)
    volume = ExactDecimal(2, 10, allow_none=True)
    minutes_saved = ExactDecimal(2, 10, allow_none=True)
    hourly_cost = Money(allow_none=True)
    realisation_share = ExactDecimal(2, 3)
    ramp_up = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    version = fields.Integer()
    updated_at = Timestamp()


class BenefitIn(StrictSchema):
    title = Text(LIMITS["title"], required=True, allow_none=False)
    kind = fields.String(required=True, validate=validate.OneOf(BenefitKind.values()))
    beneficiary = fields.String(required=True, validate=validate.OneOf(Beneficiary.values()))
    indicator = Text(LIMITS["indicator"], load_default=None)
    unit = Text(LIMITS["unit"], load_default=None)
    direction = fields.String(load_default=Direction.HIGHER.value, validate=validate.OneOf(Direction.values()))
    data_source = Text(LIMITS["data_source"], load_default=None)
    baseline = ExactDecimal(4, 12, load_default=None, allow_none=True)
    baseline_date = Day(load_default=None, allow_none=True)
    target = ExactDecimal(4, 12, load_default=None, allow_none=True)
    target_date = Day(load_default=None, allow_none=True)
    frequency = fields.String(load_default=Frequency.YEARLY.value, validate=validate.OneOf(Frequency.values()))
    certainty = fields.String(load_default=Certainty.LIKELY.value, validate=validate.OneOf(Certainty.values()))
    owner = Text(LIMITS["owner"], load_default=None)
    first_year = Year(load_default=None, allow_none=True)
    last_year = Year(load_default=None, allow_none=True)
    amount = Money(load_default=None, allow_none=True)
    volume = ExactDecimal(2, 10, minimum=0, load_default=None, allow_none=True)
    minutes_saved = ExactDecimal(2, 10, minimum=0, load_default=None, allow_none=True)
    hourly_cost = Money(load_default=None, allow_none=True)
    realisation_share = ExactDecimal(2, 3, minimum=0, load_default=None, allow_none=True)
    ramp_up = Text(LIMITS["ramp_up"], load_default=None)
    comment = Text(LIMITS["comment"], load_default=None)
    version = version_field()


class BenefitPatch(BenefitIn):
    pass


class MeasurementOut(ma.Schema):
    id = fields.Integer()
    benefit_id = fields.Integer()
    measured_on = fields.Date()
    value = ExactDecimal(4, 12)
    realised_amount = Money(allow_none=True)
    comment = fields.String(allow_none=True)
    created_at = Timestamp()


class MeasurementIn(StrictSchema):
    measured_on = Day(required=True)
    value = ExactDecimal(4, 12, required=True)
    realised_amount = Money(load_default=None, allow_none=True)
    comment = Text(5000, load_default=None)


@blp.route(f"{BASE}/benefits")
@blp.response(200, BenefitOut(many=True))
def list_benefits(initiative_id: int):
    """Initiativets nyttor"""
    load(initiative_id)
    return benefit_queries.benefits_of(initiative_id)


@blp.route(f"{BASE}/benefits", methods=["POST"])
@blp.arguments(BenefitIn)
@blp.response(201, BenefitOut)
def create_benefit(data, initiative_id: int):
    """Lägg till en nytta (kräver en nyttokalkyl)"""
    return create_child(benefit_services.save_benefit, load(initiative_id), data, to_input=BenefitInput.of)


@blp.route(f"{BASE}/benefits/<int:benefit_id>")
@blp.response(200, BenefitOut)
def get_benefit(initiative_id: int, benefit_id: int):
    """En nytta"""
    benefit = child_of(Benefit, load(initiative_id), benefit_id)
    return benefit, 200, etag(benefit.version)


def _save_benefit(data, initiative_id, benefit_id, *, patch: bool):
    ini = load(initiative_id)
    return save_child(benefit_services.save_benefit, ini, child_of(Benefit, ini, benefit_id), data,
                      keyword="benefit", fields_=benefit_services.BENEFIT_FIELDS, schema=BenefitOut(), patch=patch,
                      to_input=BenefitInput.of)


@blp.route(f"{BASE}/benefits/<int:benefit_id>", methods=["PUT"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(BenefitIn)
@blp.response(200, BenefitOut)
def put_benefit(data, initiative_id: int, benefit_id: int):
    """Ersätt en nytta; kräver version"""
    return _save_benefit(data, initiative_id, benefit_id, patch=False)


@blp.route(f"{BASE}/benefits/<int:benefit_id>", methods=["PATCH"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(patch_schema(BenefitPatch))
@blp.response(200, BenefitOut)
def patch_benefit(data, initiative_id: int, benefit_id: int):
    """Ändra enstaka fält i en nytta; kräver version"""
    return _save_benefit(data, initiative_id, benefit_id, patch=True)


@blp.route(f"{BASE}/benefits/<int:benefit_id>/measurements")
@blp.response(200, MeasurementOut(many=True))
def list_measurements(initiative_id: int, benefit_id: int):
    """Mätningar av en nytta, äldst först"""
    benefit = child_of(Benefit, load(initiative_id), benefit_id)
    return benefit_queries.measurements_of(benefit.id)


@blp.route(f"{BASE}/benefits/<int:benefit_id>/measurements", methods=["POST"])
@blp.arguments(MeasurementIn)
@blp.response(201, MeasurementOut)
def create_measurement(data, initiative_id: int, benefit_id: int):
    """Logga en mätning"""
    ini = load(initiative_id)
    benefit = child_of(Benefit, ini, benefit_id)
    return call_service(followup_services.log_measurement, ini, benefit, data, current_user), 201
