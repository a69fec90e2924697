"""Portfolio decisions about an initiative and its links to committee plans' goals."""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import call_service, get_or_404
from portfolio.api.errors import api_abort
from portfolio.api.fields import Day, Id, StrictSchema, Text, Year
from portfolio.api.resources._parts import BASE, require_edit
from portfolio.api.resources.initiatives import load
from portfolio.plans import services as plan_services
from portfolio.plans.models import PlanGoal
from portfolio.prioritisation import queries as prioritisation_queries
from portfolio.prioritisation import services as prioritisation
from portfolio.prioritisation.models import Decision, DecisionBody, PortfolioDecision

blp = Blueprint("api_links", __name__, description="Beslut och mål.")


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


class DecisionIn(StrictSchema):
    year = Year(required=True, metadata={"description": "Året vars kriterier beslutet gäller"})
    body = fields.String(required=True, validate=ma.validate.OneOf(DecisionBody.values()))
    decided_on = Day(required=True)
    decision = fields.String(required=True, validate=ma.validate.OneOf(Decision.values()))
    reason = Text(PortfolioDecision.LIMITS["reason"], required=True)
    diarienummer = Text(PortfolioDecision.LIMITS["diarienummer"], load_default=None)
    corrects_id = Id(load_default=None, allow_none=True)
    initiative_ids = fields.List(Id(), required=True, validate=ma.validate.Length(min=1, max=500))
    move_through_gates = fields.Boolean(load_default=True, metadata={
        "description": "Flytta de namngivna initiativen genom sina fasgrindar i samma transaktion "
                       "(allt eller inget). Ett beslut flyttar aldrig bakåt eller förbi en ouppfylld grind."})
    override_reason = Text(PortfolioDecision.LIMITS["override_reason"], load_default=None, metadata={
        "description": "Projektkontorets motivering för att passera ouppfyllda grindar (loggas som undantag)"})
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "Visa vad beslutet skulle göra per initiativ utan att spara"})


class OutcomeOut(ma.Schema):
    initiative_id = fields.Function(lambda p: p.initiative.id, metadata={"type": "integer"})
    ref = fields.Function(lambda p: p.initiative.ref, metadata={"type": "string"})
    phase = fields.Function(lambda p: p.outcome.current, metadata={"type": "string"})
    target = fields.Function(lambda p: p.outcome.target, metadata={"type": "string", "nullable": True})
    action = fields.Function(lambda p: p.outcome.action, metadata={
        "type": "string", "enum": ["moves", "stays", "blocked", "overridden"]})
    missing = fields.Function(lambda p: list(p.outcome.verdict.missing) if p.outcome.verdict else [],
                              metadata={"type": "array", "items": {"type": "string"}})


class DecisionPreviewOut(ma.Schema):
    outcomes = fields.List(fields.Nested(OutcomeOut))


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
    return prioritisation_queries.decisions_in_order(initiative_id)


def _decision_input(data: dict) -> prioritisation.DecisionInput:
    return prioritisation.DecisionInput(
        year=data["year"], body=data["body"], decided_on=data["decided_on"], decision=data["decision"],
        reason=data["reason"], diarienummer=data["diarienummer"], corrects_id=data["corrects_id"],
        initiative_ids=data["initiative_ids"], move=data["move_through_gates"],
        override_reason=data["override_reason"])


@blp.route("/decisions", methods=["POST"])
@blp.arguments(DecisionIn)
@blp.response(201, DecisionOut)
@blp.alt_response(200, schema=DecisionPreviewOut, description="dry_run: utfallet per initiativ, inget sparat")
def record_decision(data):
    """Registrera ett portföljbeslut (projektkontoret); samma grindar och meddelanden som formuläret"""
    values = _decision_input(data)
    if data["dry_run"]:
        errors, planned = call_service(prioritisation.preview_decision, values, current_user)
        if errors:
            call_service(_raise_validation, errors)
        return jsonify(DecisionPreviewOut().dump({"outcomes": planned}))   # a Response: sent as is
    return call_service(prioritisation.record_decision, values, current_user), 201


def _raise_validation(errors: dict):
    from portfolio.validation import ServiceValidationError

    raise ServiceValidationError(errors)


@blp.route(f"{BASE}/plan-goals")
@blp.response(200, GoalLinkOut(many=True))
def list_goal_links(initiative_id: int):
    """Nämndplanernas mål som initiativet bidrar till"""
    return sorted(load(initiative_id).plan_goals, key=lambda g: g.id)


@blp.route(f"{BASE}/plan-goals/<int:goal_id>", methods=["PUT"])
@blp.response(204)
def link_goal(initiative_id: int, goal_id: int):
    """Koppla initiativet till ett mål"""
    _set_goal_link(initiative_id, goal_id, True)


@blp.route(f"{BASE}/plan-goals/<int:goal_id>", methods=["DELETE"])
@blp.response(204)
def unlink_goal(initiative_id: int, goal_id: int):
    """Ta bort kopplingen till ett mål"""
    _set_goal_link(initiative_id, goal_id, False)


def _set_goal_link(initiative_id: int, goal_id: int, linked: bool) -> None:
    """Link or unlink; linking twice is fine, unlinking what is not linked is 404."""
    ini = load(initiative_id)
    goal = get_or_404(PlanGoal, goal_id)
    require_edit(ini)
    if (goal in ini.plan_goals) == linked:
        if linked:
            return
        api_abort(404, _("Initiativet är inte kopplat till målet."))
    call_service(plan_services.set_goal_link, ini, goal, linked, current_user)
