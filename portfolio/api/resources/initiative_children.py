"""What hangs off an initiative: needs analysis, risks, benefit case and cost lines, benefits and
their measurements, follow-ups, portfolio decisions and plan-goal links."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from portfolio.api.common import call_service, etag, expected_version, get_or_404
from portfolio.api.errors import api_abort
from portfolio.api.fields import Day, ExactDecimal, Money, SmallInt, StrictSchema, Text, Timestamp, Year
from portfolio.api.resources.initiatives import load
from portfolio.auth import permissions
from portfolio.benefits import services as benefit_services
from portfolio.benefits.models import (
    BENEFICIARIES,
    CERTAINTIES,
    COST_CATEGORIES,
    DIRECTIONS,
    FREQUENCIES,
    Benefit,
    CostLine,
)
from portfolio.domain import benefit_calc as calc
from portfolio.extensions import db
from portfolio.followups import services as followup_services
from portfolio.followups.models import STATUSES as FOLLOWUP_STATUSES
from portfolio.followups.models import FollowUp, Measurement
from portfolio.needs import services as needs_services
from portfolio.needs.models import NeedsAnalysis
from portfolio.plans import services as plan_services
from portfolio.plans.models import PlanGoal
from portfolio.prioritisation.models import PortfolioDecision, decision_initiative
from portfolio.risks import services as risk_services
from portfolio.risks.models import KINDS, Risk
from portfolio.risks.models import STATUSES as RISK_STATUSES

blp = Blueprint("api_initiative_parts", __name__,
                description="Det som hör till ett initiativ: behovsanalys, risker, nyttokalkyl, nyttor, "
                            "mätningar, uppföljningar, beslut och kopplingar till nämndplanernas mål.")

BASE = "/initiatives/<int:initiative_id>"


def _version_field():
    return fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1),
                          metadata={"description": "Versionen du läste (eller rubriken If-Match)"})


def _child(model, ini, child_id: int):
    obj = get_or_404(model, child_id)
    if getattr(obj, "initiative_id", ini.id) != ini.id:
        api_abort(404)
    return obj


def _require_edit(ini) -> None:
    if not permissions.can_edit_initiative(current_user, ini):
        api_abort(403)


def _refreshed(model, ident, schema):
    def dump():
        db.session.expire_all()
        return schema.dump(db.session.get(model, ident))
    return dump


# --- needs analysis -----------------------------------------------------------------------------

NeedsOut = ma.Schema.from_dict({
    "id": fields.Integer(), "initiative_id": fields.Integer(), "status": fields.String(),
    **{name: fields.String(allow_none=True) for name in needs_services.TEXT_FIELDS},
    "involvement_when": fields.Date(allow_none=True), "inclusion_considered": fields.Boolean(allow_none=True),
    "infosec_class": fields.String(allow_none=True), "personal_data": fields.Boolean(allow_none=True),
    "dpia_needed": fields.String(allow_none=True), "version": fields.Integer(), "updated_at": Timestamp(),
    "completed_at": Timestamp(allow_none=True),
}, name="NeedsAnalysis")

NeedsIn = StrictSchema.from_dict({
    **{name: Text(needs_services.TEXT_MAX, load_default=None) for name in needs_services.TEXT_FIELDS},
    "involvement_when": Day(load_default=None, allow_none=True),
    "inclusion_considered": fields.Boolean(load_default=None, allow_none=True),
    "infosec_class": Text(32, load_default=None),
    "personal_data": fields.Boolean(load_default=None, allow_none=True),
    "dpia_needed": fields.String(load_default=None, allow_none=True,
                                 validate=validate.OneOf(needs_services.DPIA_CHOICES)),
    "complete": fields.Boolean(load_default=False, metadata={
        "description": "true: markera som klar (då krävs alla obligatoriska fält)"}),
    "version": _version_field(),
}, name="NeedsAnalysisIn")


@blp.route(f"{BASE}/needs-analysis")
@blp.response(200, NeedsOut)
def get_needs(initiative_id: int):
    """Behovsanalysen (404 om den inte är påbörjad)"""
    load(initiative_id)
    analysis = needs_services.get(initiative_id)
    if analysis is None:
        api_abort(404, _("Initiativet har ingen behovsanalys ännu."))
    return analysis, 200, etag(analysis.version)


@blp.route(f"{BASE}/needs-analysis", methods=["PUT"])
@blp.arguments(NeedsIn)
@blp.response(200, NeedsOut)
def put_needs(data, initiative_id: int):
    """Spara behovsanalysen (utkast eller klar); version krävs när den redan finns"""
    ini = load(initiative_id)
    existing = needs_services.get(initiative_id)
    expected = expected_version(data, required=existing is not None)
    complete = data.pop("complete")
    analysis = call_service(needs_services.save, ini, data, current_user, complete=complete,
                            expected_version=expected.version, expected=expected,
                            current=existing and _refreshed(NeedsAnalysis, existing.id, NeedsOut()))
    return analysis, 200, etag(analysis.version)


# --- risks --------------------------------------------------------------------------------------

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


class RiskIn(StrictSchema):
    title = Text(200, required=True, allow_none=False)
    kind = fields.String(load_default="risk", validate=validate.OneOf(KINDS))
    category = Text(32, required=True, allow_none=False)
    cause = Text(5000, load_default=None)
    event = Text(5000, load_default=None)
    consequence_text = Text(5000, load_default=None)
    probability = SmallInt(1, 5, required=True)
    consequence = SmallInt(1, 5, required=True)
    mitigation = Text(5000, load_default=None)
    owner = Text(200, load_default=None)
    due_date = Day(load_default=None, allow_none=True)
    residual_probability = SmallInt(1, 5, load_default=None, allow_none=True)
    residual_consequence = SmallInt(1, 5, load_default=None, allow_none=True)
    status = fields.String(load_default="oppen", validate=validate.OneOf(RISK_STATUSES))
    review_date = Day(load_default=None, allow_none=True)
    version = _version_field()


class RiskPatch(RiskIn):
    pass


def _risk_dict(risk: Risk) -> dict:
    return {name: getattr(risk, name) for name in risk_services.FIELDS}


@blp.route(f"{BASE}/risks")
@blp.response(200, RiskOut(many=True))
def list_risks(initiative_id: int):
    """Initiativets risker och möjligheter"""
    load(initiative_id)
    return db.session.scalars(db.select(Risk).where(Risk.initiative_id == initiative_id).order_by(Risk.id)).all()


@blp.route(f"{BASE}/risks", methods=["POST"])
@blp.arguments(RiskIn)
@blp.response(201, RiskOut)
def create_risk(data, initiative_id: int):
    """Lägg till en risk"""
    ini = load(initiative_id)
    data.pop("version", None)
    risk = call_service(risk_services.save_risk, ini, data, current_user)
    return risk, 201, etag(risk.version)


@blp.route(f"{BASE}/risks/<int:risk_id>")
@blp.response(200, RiskOut)
def get_risk(initiative_id: int, risk_id: int):
    """En risk"""
    risk = _child(Risk, load(initiative_id), risk_id)
    return risk, 200, etag(risk.version)


def _save_risk(data, initiative_id, risk_id, *, patch: bool):
    ini = load(initiative_id)
    risk = _child(Risk, ini, risk_id)
    expected = expected_version(data)
    values = (_risk_dict(risk) | data) if patch else data
    risk = call_service(risk_services.save_risk, ini, values, current_user, risk=risk,
                        expected_version=expected.version, expected=expected,
                        current=_refreshed(Risk, risk.id, RiskOut()))
    return risk, 200, etag(risk.version)


@blp.route(f"{BASE}/risks/<int:risk_id>", methods=["PUT"])
@blp.arguments(RiskIn)
@blp.response(200, RiskOut)
def put_risk(data, initiative_id: int, risk_id: int):
    """Ersätt en risk; kräver version"""
    return _save_risk(data, initiative_id, risk_id, patch=False)


@blp.route(f"{BASE}/risks/<int:risk_id>", methods=["PATCH"])
@blp.arguments(RiskPatch(partial=True))
@blp.response(200, RiskOut)
def patch_risk(data, initiative_id: int, risk_id: int):
    """Ändra enstaka fält i en risk; kräver version"""
    return _save_risk(data, initiative_id, risk_id, patch=True)


# --- benefit case and cost lines ----------------------------------------------------------------

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


class CostLineIn(StrictSchema):
    category = fields.String(required=True, validate=validate.OneOf(tuple(COST_CATEGORIES)))
    recurring = fields.Boolean(load_default=False)
    description = Text(300, load_default=None)
    first_year = Year(required=True)
    last_year = Year(load_default=None, allow_none=True)
    amount = Money(load_default=None, allow_none=True)
    hours = ExactDecimal(2, 10, minimum=0, load_default=None, allow_none=True)
    hourly_cost = Money(load_default=None, allow_none=True)


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
    horizon = SmallInt(1, calc.MAX_HORIZON, required=True)
    discount_rate = ExactDecimal(4, 1, minimum=0, required=True, metadata={"example": "0.0300"})
    hourly_cost = Money(required=True)
    version = _version_field()


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
@blp.arguments(BenefitCaseIn)
@blp.response(200, BenefitCaseOut)
def put_case(data, initiative_id: int):
    """Spara kalkylens grunduppgifter; version krävs när kalkylen redan finns"""
    ini = load(initiative_id)
    existing = benefit_services.get_case(initiative_id)
    expected = expected_version(data, required=existing is not None)
    case = call_service(benefit_services.save_case, ini, data, current_user, expected_version=expected.version,
                        expected=expected,
                        current=existing and (lambda: (db.session.expire_all(), BenefitCaseOut().dump(
                            benefit_services.get_case(initiative_id)))[1]))
    return case, 200, etag(case.version)


@blp.route(f"{BASE}/benefit-case/cost-lines", methods=["POST"])
@blp.arguments(CostLineIn)
@blp.response(201, CostLineOut)
def create_cost_line(data, initiative_id: int):
    """Lägg till en kostnadsrad"""
    ini = load(initiative_id)
    return call_service(benefit_services.save_cost_line, ini, data, current_user), 201


@blp.route(f"{BASE}/benefit-case/cost-lines/<int:line_id>", methods=["PUT"])
@blp.arguments(CostLineIn)
@blp.response(200, CostLineOut)
def put_cost_line(data, initiative_id: int, line_id: int):
    """Ersätt en kostnadsrad"""
    ini = load(initiative_id)
    case = _case_or_404(initiative_id)
    line = get_or_404(CostLine, line_id)
    if line.case_id != case.id:
        api_abort(404)
    return call_service(benefit_services.save_cost_line, ini, data, current_user, line=line)


@blp.route(f"{BASE}/benefit-case/cost-lines/<int:line_id>", methods=["DELETE"])
@blp.response(204)
def delete_cost_line(initiative_id: int, line_id: int):
    """Ta bort en kostnadsrad"""
    ini = load(initiative_id)
    case = _case_or_404(initiative_id)
    line = get_or_404(CostLine, line_id)
    if line.case_id != case.id:
        api_abort(404)
    call_service(benefit_services.remove_cost_line, ini, line, current_user)


# --- benefits and measurements ------------------------------------------------------------------

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
    title = Text(200, required=True, allow_none=False)
    kind = fields.String(required=True, validate=validate.OneOf(calc.BENEFIT_TYPES))
    beneficiary = fields.String(required=True, validate=validate.OneOf(BENEFICIARIES))
    indicator = Text(300, load_default=None)
    unit = Text(50, load_default=None)
    direction = fields.String(load_default="hogre", validate=validate.OneOf(DIRECTIONS))
    data_source = Text(300, load_default=None)
    baseline = ExactDecimal(4, 12, load_default=None, allow_none=True)
    baseline_date = Day(load_default=None, allow_none=True)
    target = ExactDecimal(4, 12, load_default=None, allow_none=True)
    target_date = Day(load_default=None, allow_none=True)
    frequency = fields.String(load_default="ar", validate=validate.OneOf(FREQUENCIES))
    certainty = fields.String(load_default="trolig", validate=validate.OneOf(CERTAINTIES))
    owner = Text(200, load_default=None)
    first_year = Year(load_default=None, allow_none=True)
    last_year = Year(load_default=None, allow_none=True)
    amount = Money(load_default=None, allow_none=True)
    volume = ExactDecimal(2, 10, minimum=0, load_default=None, allow_none=True)
    minutes_saved = ExactDecimal(2, 10, minimum=0, load_default=None, allow_none=True)
    hourly_cost = Money(load_default=None, allow_none=True)
    realisation_share = ExactDecimal(2, 3, minimum=0, load_default=None, allow_none=True)
    ramp_up = Text(100, load_default=None)
    comment = Text(5000, load_default=None)
    version = _version_field()


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
    return db.session.scalars(db.select(Benefit).where(Benefit.initiative_id == initiative_id)
                              .order_by(Benefit.id)).all()


@blp.route(f"{BASE}/benefits", methods=["POST"])
@blp.arguments(BenefitIn)
@blp.response(201, BenefitOut)
def create_benefit(data, initiative_id: int):
    """Lägg till en nytta (kräver en nyttokalkyl)"""
    ini = load(initiative_id)
    data.pop("version", None)
    benefit = call_service(benefit_services.save_benefit, ini, data, current_user)
    return benefit, 201, etag(benefit.version)


@blp.route(f"{BASE}/benefits/<int:benefit_id>")
@blp.response(200, BenefitOut)
def get_benefit(initiative_id: int, benefit_id: int):
    """En nytta"""
    benefit = _child(Benefit, load(initiative_id), benefit_id)
    return benefit, 200, etag(benefit.version)


def _save_benefit(data, initiative_id, benefit_id, *, patch: bool):
    ini = load(initiative_id)
    benefit = _child(Benefit, ini, benefit_id)
    expected = expected_version(data)
    values = ({n: getattr(benefit, n) for n in benefit_services.BENEFIT_FIELDS} | data) if patch else data
    benefit = call_service(benefit_services.save_benefit, ini, values, current_user, benefit=benefit,
                           expected_version=expected.version, expected=expected,
                           current=_refreshed(Benefit, benefit.id, BenefitOut()))
    return benefit, 200, etag(benefit.version)


@blp.route(f"{BASE}/benefits/<int:benefit_id>", methods=["PUT"])
@blp.arguments(BenefitIn)
@blp.response(200, BenefitOut)
def put_benefit(data, initiative_id: int, benefit_id: int):
    """Ersätt en nytta; kräver version"""
    return _save_benefit(data, initiative_id, benefit_id, patch=False)


@blp.route(f"{BASE}/benefits/<int:benefit_id>", methods=["PATCH"])
@blp.arguments(BenefitPatch(partial=True))
@blp.response(200, BenefitOut)
def patch_benefit(data, initiative_id: int, benefit_id: int):
    """Ändra enstaka fält i en nytta; kräver version"""
    return _save_benefit(data, initiative_id, benefit_id, patch=True)


@blp.route(f"{BASE}/benefits/<int:benefit_id>/measurements")
@blp.response(200, MeasurementOut(many=True))
def list_measurements(initiative_id: int, benefit_id: int):
    """Mätningar av en nytta, äldst först"""
    benefit = _child(Benefit, load(initiative_id), benefit_id)
    return db.session.scalars(db.select(Measurement).where(Measurement.benefit_id == benefit.id)
                              .order_by(Measurement.measured_on, Measurement.id)).all()


@blp.route(f"{BASE}/benefits/<int:benefit_id>/measurements", methods=["POST"])
@blp.arguments(MeasurementIn)
@blp.response(201, MeasurementOut)
def create_measurement(data, initiative_id: int, benefit_id: int):
    """Logga en mätning"""
    ini = load(initiative_id)
    benefit = _child(Benefit, ini, benefit_id)
    return call_service(followup_services.log_measurement, ini, benefit, data, current_user), 201


# --- follow-ups ---------------------------------------------------------------------------------

class FollowUpOut(ma.Schema):
    id = fields.Integer()
    initiative_id = fields.Integer()
    year = fields.Integer()
    period = fields.String()
    status = fields.String()
    comment = fields.String(allow_none=True)
    progress = fields.Integer()
    cost_to_date = Money(allow_none=True)
    achievements = fields.String(allow_none=True)
    next_steps = fields.String(allow_none=True)
    version = fields.Integer()
    updated_at = Timestamp()


class FollowUpIn(StrictSchema):
    year = Year(required=True)
    period = Text(20, required=True, allow_none=False)
    status = fields.String(required=True, validate=validate.OneOf(FOLLOWUP_STATUSES))
    comment = Text(5000, load_default=None)
    progress = SmallInt(0, 100, required=True)
    cost_to_date = Money(load_default=None, allow_none=True)
    achievements = Text(5000, load_default=None)
    next_steps = Text(5000, load_default=None)
    version = _version_field()


class FollowUpPatch(FollowUpIn):
    pass


@blp.route(f"{BASE}/follow-ups")
@blp.response(200, FollowUpOut(many=True))
def list_followups(initiative_id: int):
    """Uppföljningar per period"""
    load(initiative_id)
    return db.session.scalars(db.select(FollowUp).where(FollowUp.initiative_id == initiative_id)
                              .order_by(FollowUp.year, FollowUp.period, FollowUp.id)).all()


@blp.route(f"{BASE}/follow-ups", methods=["POST"])
@blp.arguments(FollowUpIn)
@blp.response(201, FollowUpOut)
def create_followup(data, initiative_id: int):
    """Registrera periodens uppföljning (en per period)"""
    ini = load(initiative_id)
    data.pop("version", None)
    followup = call_service(followup_services.save_followup, ini, data, current_user)
    return followup, 201, etag(followup.version)


@blp.route(f"{BASE}/follow-ups/<int:followup_id>")
@blp.response(200, FollowUpOut)
def get_followup(initiative_id: int, followup_id: int):
    """En uppföljning"""
    followup = _child(FollowUp, load(initiative_id), followup_id)
    return followup, 200, etag(followup.version)


def _save_followup(data, initiative_id, followup_id, *, patch: bool):
    ini = load(initiative_id)
    followup = _child(FollowUp, ini, followup_id)
    expected = expected_version(data)
    values = ({n: getattr(followup, n) for n in followup_services.FOLLOWUP_FIELDS} | data) if patch else data
    followup = call_service(followup_services.save_followup, ini, values, current_user, followup=followup,
                            expected_version=expected.version, expected=expected,
                            current=_refreshed(FollowUp, followup.id, FollowUpOut()))
    return followup, 200, etag(followup.version)


@blp.route(f"{BASE}/follow-ups/<int:followup_id>", methods=["PUT"])
@blp.arguments(FollowUpIn)
@blp.response(200, FollowUpOut)
def put_followup(data, initiative_id: int, followup_id: int):
    """Ersätt en uppföljning; kräver version"""
    return _save_followup(data, initiative_id, followup_id, patch=False)


@blp.route(f"{BASE}/follow-ups/<int:followup_id>", methods=["PATCH"])
@blp.arguments(FollowUpPatch(partial=True))
@blp.response(200, FollowUpOut)
def patch_followup(data, initiative_id: int, followup_id: int):
    """Ändra enstaka fält i en uppföljning; kräver version"""
    return _save_followup(data, initiative_id, followup_id, patch=True)


# --- decisions and plan goals -------------------------------------------------------------------

class DecisionOut(ma.Schema):
    id = fields.Integer()
    year = fields.Integer()
    body = fields.String()
    decided_on = fields.Date()
    decision = fields.String()
    reason = fields.String()
    diarienummer = fields.String(allow_none=True)
    corrects_id = fields.Integer(allow_none=True)
    initiative_ids = fields.Function(lambda d: [i.id for i in d.initiatives],
                                     metadata={"type": "array", "items": {"type": "integer"}})


class GoalLinkOut(ma.Schema):
    id = fields.Integer()
    plan_id = fields.Integer()
    committee_id = fields.Function(lambda g: g.plan.committee_id, metadata={"type": "integer"})
    text = fields.String()
    area_id = fields.Integer(allow_none=True)


@blp.route(f"{BASE}/decisions")
@blp.response(200, DecisionOut(many=True))
def list_decisions(initiative_id: int):
    """Portföljbeslut som gäller initiativet (beslut ändras aldrig; rättelser är nya beslut)"""
    load(initiative_id)
    return db.session.scalars(
        db.select(PortfolioDecision).join(decision_initiative)
        .where(decision_initiative.c.initiative_id == initiative_id)
        .order_by(PortfolioDecision.decided_on, PortfolioDecision.id)).all()


@blp.route(f"{BASE}/plan-goals")
@blp.response(200, GoalLinkOut(many=True))
def list_goal_links(initiative_id: int):
    """Nämndplanernas mål som initiativet bidrar till"""
    return sorted(load(initiative_id).plan_goals, key=lambda g: g.id)


@blp.route(f"{BASE}/plan-goals/<int:goal_id>", methods=["PUT"])
@blp.response(204)
def link_goal(initiative_id: int, goal_id: int):
    """Koppla initiativet till ett mål"""
    ini = load(initiative_id)
    goal = get_or_404(PlanGoal, goal_id)
    _require_edit(ini)
    if goal in ini.plan_goals:
        return None
    call_service(plan_services.set_goal_link, ini, goal, True, current_user)


@blp.route(f"{BASE}/plan-goals/<int:goal_id>", methods=["DELETE"])
@blp.response(204)
def unlink_goal(initiative_id: int, goal_id: int):
    """Ta bort kopplingen till ett mål"""
    ini = load(initiative_id)
    goal = get_or_404(PlanGoal, goal_id)
    _require_edit(ini)
    if goal not in ini.plan_goals:
        api_abort(404, _("Initiativet är inte kopplat till målet."))
    call_service(plan_services.set_goal_link, ini, goal, False, current_user)

