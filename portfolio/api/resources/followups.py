"""Period follow-ups of an initiative (one per period)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from marshmallow import fields, validate

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import VERSIONED_WRITE, call_service, etag
from portfolio.api.fields import Money, SmallInt, StrictSchema, Text, Timestamp, Year, patch_schema
from portfolio.api.resources._parts import BASE, child_of, save_child, version_field
from portfolio.api.resources.initiatives import load
from portfolio.followups import queries as followup_queries
from portfolio.followups import services as followup_services
from portfolio.followups.models import FollowUp, FollowUpStatus
from portfolio.inputs import as_input

blp = Blueprint("api_followups", __name__, description="Uppföljningar.")


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
    status = fields.String(required=True, validate=validate.OneOf(FollowUpStatus.values()))
    comment = Text(FollowUp.LIMITS["comment"], load_default=None)
    progress = SmallInt(0, 100, required=True)
    cost_to_date = Money(load_default=None, allow_none=True)
    achievements = Text(FollowUp.LIMITS["achievements"], load_default=None)
    next_steps = Text(FollowUp.LIMITS["next_steps"], load_default=None)
    version = version_field()


class FollowUpPatch(FollowUpIn):
    pass


@blp.route(f"{BASE}/follow-ups")
@blp.response(200, FollowUpOut(many=True))
def list_followups(initiative_id: int):
    """Uppföljningar per period"""
    load(initiative_id)
    return followup_queries.followups_of(initiative_id, newest_first=False)


@blp.route(f"{BASE}/follow-ups", methods=["POST"])
@blp.arguments(FollowUpIn)
@blp.response(201, FollowUpOut)
def create_followup(data, initiative_id: int):
    """Registrera periodens uppföljning (en per period)"""
    ini = load(initiative_id)
    data.pop("version", None)
    followup = call_service(followup_services.save_followup, ini,
                            as_input(followup_services.FollowUpInput, data), current_user)
    return followup, 201, etag(followup.version)


@blp.route(f"{BASE}/follow-ups/<int:followup_id>")
@blp.response(200, FollowUpOut)
def get_followup(initiative_id: int, followup_id: int):
    """En uppföljning"""
    followup = child_of(FollowUp, load(initiative_id), followup_id)
    return followup, 200, etag(followup.version)


def _save_followup(data, initiative_id, followup_id, *, patch: bool):
    ini = load(initiative_id)
    return save_child(followup_services.save_followup, ini, child_of(FollowUp, ini, followup_id), data,
                      keyword="followup", fields_=followup_services.FOLLOWUP_FIELDS, schema=FollowUpOut(),
                      patch=patch)


@blp.route(f"{BASE}/follow-ups/<int:followup_id>", methods=["PUT"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(FollowUpIn)
@blp.response(200, FollowUpOut)
def put_followup(data, initiative_id: int, followup_id: int):
    """Ersätt en uppföljning; kräver version"""
    return _save_followup(data, initiative_id, followup_id, patch=False)


@blp.route(f"{BASE}/follow-ups/<int:followup_id>", methods=["PATCH"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(patch_schema(FollowUpPatch))
@blp.response(200, FollowUpOut)
def patch_followup(data, initiative_id: int, followup_id: int):
    """Ändra enstaka fält i en uppföljning; kräver version"""
    return _save_followup(data, initiative_id, followup_id, patch=True)
