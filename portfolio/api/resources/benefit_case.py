"""The benefit case of an initiative and its cost lines, with the calculation."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import VERSIONED_WRITE, call_service, etag, expected_version, get_or_404
from portfolio.api.errors import api_abort
from portfolio.api.fields import ExactDecimal, Money, SmallInt, StrictSchema, Text, Timestamp, Year
from portfolio.api.resources._parts import BASE, create_child, refreshed, save_child, save_single, version_field
from portfolio.api.resources.initiatives import load
from portfolio.benefits import services as benefit_services
from portfolio.benefits.models import BenefitCase, CostCategory, CostLine
from portfolio.benefits.services import CaseInput, CostLineInput

blp = Blueprint("api_benefit_case", __name__, description="Nyttokalkyl.")


class CostLineOut(ma.Schema):
    id = fields.Integer()
    category = fields.String()
    recurring = fields.Boolean()
    description = fields.String(allow_none=True)
    first_year = fields.Integer()
    last_year = fields.Integer()
    amount = Money(allow_none=True)
    hours = ExactDecimal(2, 10, allow_none=True)
    hourly_cost = Money(allow_none=True)
    version = fields.Integer()


class CostLineIn(StrictSchema):
    category = fields.String(required=True, validate=validate.OneOf(CostCategory.values()))
    recurring = fields.Boolean(load_default=False)
    description = Text(CostLine.LIMITS["description"], load_default=None)
    first_year = Year(required=True)
    last_year = Year(load_default=None, allow_none=True)
    amount = Money(load_default=None, allow_none=True)
    hours = ExactDecimal(2, 10, minimum=0, load_default=None, allow_none=True)
    hourly_cost = Money(load_default=None, allow_none=True)
    version = version_field()


class CalculationOut(ma.Schema):
    npv = Money(minimum=None)
    payback_year = fields.Integer(allow_none=True)
    benefit_cost_ratio = ExactDecimal(2, 13, allow_none=True)
    pv_benefits = Money(minimum=None)
    pv_costs = Money(minimum=None)
    total_costs = Money(minimum=None)


class BenefitCaseOut(ma.Schema):
    id = fields.Integer()
    initiative_id = fields.Integer()
    start_year = fields.Integer()
    horizon = fields.Integer()
    discount_rate = ExactDecimal(4, 1)
    hourly_cost = Money()
    cost_lines = fields.List(fields.Nested(CostLineOut))
    calculation = fields.Method("_calculation", metadata={
        "type": "object", "description": "npv, payback_year, benefit_cost_ratio, pv_benefits, pv_costs, total_costs"})
    version = fields.Integer()
    updated_at = Timestamp()

    def _calculation(self, case):
        result = benefit_services.calculate(case)
        return CalculationOut().dump(result)


class BenefitCaseIn(StrictSchema):
    start_year = Year(required=True)
    horizon = SmallInt(1, BenefitCase.LIMITS["horizon_max"], required=True)
    discount_rate = ExactDecimal(4, 1, minimum=0, required=True, metadata={"example": "0.0300"})
    hourly_cost = Money(required=True)
    version = version_field()


def _case_or_404(initiative_id: int):
    case = benefit_services.get_case(initiative_id)
    if case is None:
        api_abort(404, _("Initiativet har ingen nyttokalkyl ännu."))
    return case


@blp.route(f"{BASE}/benefit-case")
@blp.response(200, BenefitCaseOut)
def get_case(initiative_id: int):
    """Nyttokalkylen med kostnadsrader och beräkning (nuvärde, återbetalning, nytta/kostnad)"""
    load(initiative_id)
    case = _case_or_404(initiative_id)
    return case, 200, etag(case.version)


@blp.route(f"{BASE}/benefit-case", methods=["PUT"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(BenefitCaseIn)
@blp.response(200, BenefitCaseOut)
def put_case(data, initiative_id: int):
    """Spara kalkylens grunduppgifter; version krävs när kalkylen redan finns"""
    return save_single(benefit_services.save_case, load(initiative_id), benefit_services.get_case(initiative_id),
                       data, schema=BenefitCaseOut(), to_input=CaseInput.of)


@blp.route(f"{BASE}/benefit-case/cost-lines", methods=["POST"])
@blp.arguments(CostLineIn)
@blp.response(201, CostLineOut)
def create_cost_line(data, initiative_id: int):
    """Lägg till en kostnadsrad"""
    return create_child(benefit_services.save_cost_line, load(initiative_id), data, to_input=CostLineInput.of)


@blp.route(f"{BASE}/benefit-case/cost-lines/<int:line_id>")
@blp.response(200, CostLineOut)
def get_cost_line(initiative_id: int, line_id: int):
    """En kostnadsrad (ETag = version)"""
    load(initiative_id)
    line = _line_or_404(initiative_id, line_id)
    return line, 200, etag(line.version)


@blp.route(f"{BASE}/benefit-case/cost-lines/<int:line_id>", methods=["PUT"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(CostLineIn)
@blp.response(200, CostLineOut)
def put_cost_line(data, initiative_id: int, line_id: int):
    """Ersätt en kostnadsrad; kräver version"""
    ini = load(initiative_id)
    return save_child(benefit_services.save_cost_line, ini, _line_or_404(initiative_id, line_id), data,
                      keyword="line", fields_=benefit_services.COST_FIELDS, schema=CostLineOut(), patch=False,
                      to_input=CostLineInput.of)


@blp.route(f"{BASE}/benefit-case/cost-lines/<int:line_id>", methods=["DELETE"])
@blp.doc(**VERSIONED_WRITE)
@blp.response(204)
def delete_cost_line(initiative_id: int, line_id: int):
    """Ta bort en kostnadsrad; kräver versionen i If-Match"""
    ini = load(initiative_id)
    line = _line_or_404(initiative_id, line_id)
    expected = expected_version({})
    call_service(benefit_services.remove_cost_line, ini, line, current_user,
                 expected=expected, current=refreshed(CostLine, line.id, CostLineOut()))


def _line_or_404(initiative_id: int, line_id: int) -> CostLine:
    case = _case_or_404(initiative_id)
    line = get_or_404(CostLine, line_id)
    if line.case_id != case.id:
        api_abort(404)
    return line
