"""The API's ideas and similar initiatives (a blueprint for portfolio.api; the same permissions
as the web pages: submitters see their own ideas until accepted, the office sees all)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from marshmallow import fields, validate

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import call_service, etag
from portfolio.api.errors import api_abort
from portfolio.api.fields import Id, StrictSchema, Text, Timestamp
from portfolio.api.resources.initiatives import load
from portfolio.ideas import queries, services, similar
from portfolio.ideas.models import SHARED_STATUSES, Idea, IdeaStatus

blp = Blueprint("api_ideas", __name__, description="Idéer och liknande initiativ.")
LIMITS = Idea.LIMITS


def _office_only(value):
    return value if current_user.is_office else None


class IdeaOut(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    need = fields.String()
    who = fields.String()
    today = fields.String()
    benefit = fields.String()
    unit_id = fields.Integer()
    status = fields.String(metadata={"enum": list(IdeaStatus.values())})
    need_score = fields.Function(lambda i: _office_only(i.need_score), allow_none=True, metadata={
        "type": "integer", "nullable": True, "description": "Projektkontorets bedömning 1–5 (bara för kontoret)"})
    feasibility_score = fields.Function(lambda i: _office_only(i.feasibility_score), allow_none=True, metadata={
        "type": "integer", "nullable": True, "description": "Projektkontorets bedömning 1–5 (bara för kontoret)"})
    office_message = fields.String(allow_none=True, metadata={
        "description": "Projektkontorets fråga (mer information) eller skäl (avslagen)"})
    initiative_id = fields.Integer(allow_none=True, metadata={
        "description": "Initiativet idén blev (accepterad) eller slogs samman med"})
    created_at = Timestamp()
    updated_at = Timestamp()
    version = fields.Integer()


class IdeaIn(StrictSchema):
    title = Text(LIMITS["title"], required=True)
    need = Text(LIMITS["need"], required=True)
    who = Text(LIMITS["who"], load_default="")
    today = Text(LIMITS["today"], load_default="")
    benefit = Text(LIMITS["benefit"], load_default="")
    unit_id = Id(required=True)


class IdeaQuery(StrictSchema):
    status = fields.String(load_default="alla", validate=validate.OneOf(queries.STATUS_FILTERS))


class SimilarOut(ma.Schema):
    id = fields.Integer()
    ref = fields.String()
    title = fields.String()
    committee = fields.String()
    unit = fields.String()
    phase = fields.String()
    score = fields.Float(allow_none=True, metadata={"description": "Cosinuslikhet 0–1; null för länkade"})
    related = fields.Boolean(metadata={"description": "Länkat som relaterat av projektkontoret"})


@blp.route("/ideas")
@blp.arguments(IdeaQuery, location="query", unknown=ma.RAISE)
@blp.response(200, IdeaOut(many=True))
def list_ideas(args):
    """Idéer: projektkontoret ser alla, andra sina egna och de som blivit initiativ"""
    if current_user.is_office:
        return queries.triage_list(args["status"])
    mine = queries.my_ideas(current_user)
    shared = [i for i in queries.triage_list(args["status"]) if i.status in SHARED_STATUSES]
    seen = {i.id for i in mine}
    found = mine + [i for i in shared if i.id not in seen]
    return [i for i in found if args["status"] in ("alla", i.status)
            or (args["status"] == "oppna" and i.is_open)]


@blp.route("/ideas", methods=["POST"])
@blp.arguments(IdeaIn)
@blp.response(201, IdeaOut)
def create_idea(data):
    """Lämna en idé (alla inloggade)"""
    idea = call_service(services.submit_idea, services.IdeaInput(
        title=data["title"], need=data["need"], who=data["who"] or "", today=data["today"] or "",
        benefit=data["benefit"] or "", unit_id=data["unit_id"]), current_user,
        field_map=lambda key: "unit_id" if key == "unit" else key)
    return idea, 201, etag(idea.version)


@blp.route("/ideas/<int:idea_id>")
@blp.response(200, IdeaOut)
def get_idea(idea_id: int):
    """En idé"""
    idea = queries.get_idea(idea_id)
    if idea is None or not queries.can_see(current_user, idea):
        api_abort(404)
    return idea, 200, etag(idea.version)


@blp.route("/initiatives/<int:initiative_id>/similar")
@blp.response(200, SimilarOut(many=True))
def similar_initiatives(initiative_id: int):
    """Liknande initiativ: länkade som relaterade först, sedan de mest lika (utan par som
    projektkontoret markerat som inte liknande)"""
    return similar.for_initiative(load(initiative_id))
