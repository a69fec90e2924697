"""Portfolio decisions about an initiative and its links to committee plans' goals."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields
from sqlalchemy.orm import selectinload

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import call_service, get_or_404
from portfolio.api.errors import api_abort
from portfolio.api.resources._parts import BASE, require_edit
from portfolio.api.resources.initiatives import load
from portfolio.extensions import db
from portfolio.plans import services as plan_services
from portfolio.plans.models import PlanGoal
from portfolio.prioritisation.models import PortfolioDecision, decision_initiative

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
        .order_by(PortfolioDecision.decided_on, PortfolioDecision.id)
        .options(selectinload(PortfolioDecision.initiatives))).all()   # initiative_ids without N+1


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
    require_edit(ini)
    if goal in ini.plan_goals:
        return None
    call_service(plan_services.set_goal_link, ini, goal, True, current_user)


@blp.route(f"{BASE}/plan-goals/<int:goal_id>", methods=["DELETE"])
@blp.response(204)
def unlink_goal(initiative_id: int, goal_id: int):
    """Ta bort kopplingen till ett mål"""
    ini = load(initiative_id)
    goal = get_or_404(PlanGoal, goal_id)
    require_edit(ini)
    if goal not in ini.plan_goals:
        api_abort(404, _("Initiativet är inte kopplat till målet."))
    call_service(plan_services.set_goal_link, ini, goal, False, current_user)
