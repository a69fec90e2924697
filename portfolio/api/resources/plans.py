"""Committee plans (nämndplaner) with their goals and goal follow-ups; read-only in the API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import etag, get_or_404, paged
from portfolio.api.fields import ExactDecimal, QueryId, Timestamp
from portfolio.api.schemas import PageQuery, page_of
from portfolio.plans import queries
from portfolio.plans.models import CommitteePlan, PlanGoal, PlanStatus

blp = Blueprint("api_plans", __name__, description="Nämndernas planer för digitalisering och deras mål.")


class GoalFollowUpOut(ma.Schema):
    id = fields.Integer()
    followed_on = fields.Date()
    value = ExactDecimal(4, 12, allow_none=True)
    status = fields.String()
    comment = fields.String(allow_none=True)


class GoalOut(ma.Schema):
    id = fields.Integer()
    plan_id = fields.Integer()
    text = fields.String()
    area_id = fields.Integer(allow_none=True)
    indicator = fields.String(allow_none=True)
    baseline = ExactDecimal(4, 12, allow_none=True)
    target = ExactDecimal(4, 12, allow_none=True)
    target_date = fields.Date(allow_none=True)
    interim_followup_on = fields.Date(allow_none=True)
    annual_followup_on = fields.Date(allow_none=True)
    initiative_ids = fields.Function(lambda g: [i.id for i in g.initiatives],
                                     metadata={"type": "array", "items": {"type": "integer"}})
    followups = fields.List(fields.Nested(GoalFollowUpOut))
    version = fields.Integer()


class PlanOut(ma.Schema):
    id = fields.Integer()
    committee_id = fields.Integer()
    status = fields.String()
    title = fields.String()
    period_start = fields.Integer(allow_none=True)
    period_end = fields.Integer(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    decided_by = fields.String(allow_none=True)
    diarienummer = fields.String(allow_none=True)
    document_url = fields.String(allow_none=True)
    revision_month = fields.Integer(allow_none=True)
    next_revision = fields.Date(allow_none=True)
    replaced_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    is_demo = fields.Boolean()
    version = fields.Integer()
    updated_at = Timestamp()


class PlanDetailOut(PlanOut):
    goals = fields.List(fields.Nested(GoalOut))


PlanPage = page_of(PlanOut, "PlanPage")


class PlanQuery(PageQuery):
    committee = QueryId(load_default=None, metadata={"description": "Nämndens id"})
    status = fields.String(load_default=None, validate=validate.OneOf(PlanStatus.values()))


@blp.route("/plans")
@blp.arguments(PlanQuery, location="query", unknown=ma.RAISE)
@blp.response(200, PlanPage)
def list_plans(args):
    """Planer (alla versioner; ersatta planer är historik)"""
    return paged(queries.plans_listed(args["committee"], args["status"]), args["page"], args["per_page"])


@blp.route("/plans/<int:plan_id>")
@blp.response(200, PlanDetailOut)
def get_plan(plan_id: int):
    """En plan med mål, måluppföljningar och kopplade initiativ"""
    plan = get_or_404(CommitteePlan, plan_id, options=[
        selectinload(CommitteePlan.goals).selectinload(PlanGoal.followups),
        selectinload(CommitteePlan.goals).selectinload(PlanGoal.initiatives)])
    return plan, 200, etag(plan.version)
