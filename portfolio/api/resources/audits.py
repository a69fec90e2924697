"""Audits, their recommendations and each addressed committee's response. Responses can be
updated by that committee's editors and the project office (same rule as the web form)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import VERSIONED_WRITE, etag, get_or_404, paged
from portfolio.api.fields import Day, StrictSchema, Text, Timestamp, patch_schema
from portfolio.api.resources._parts import save_child, version_field
from portfolio.api.schemas import PageQuery, page_of
from portfolio.audits import queries, services
from portfolio.audits.models import Audit, Recommendation, RecommendationResponse, ResponseStatus

blp = Blueprint("api_audits", __name__, description="Revisioner, rekommendationer och nämndernas svar.")


class ActionOut(ma.Schema):
    id = fields.Integer()
    text = fields.String()
    owner = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)
    done = fields.Boolean()


class ResponseOut(ma.Schema):
    id = fields.Integer()
    recommendation_id = fields.Integer()
    committee_id = fields.Integer()
    answer_paragraph = fields.String(allow_none=True)
    answer_diarienummer = fields.String(allow_none=True)
    answer_date = fields.Date(allow_none=True)
    answer_summary = fields.String(allow_none=True)
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    evidence = fields.String(allow_none=True)
    actions = fields.List(fields.Nested(ActionOut))
    version = fields.Integer()
    updated_at = Timestamp()


class RecommendationOut(ma.Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True)
    text = fields.String()
    responses = fields.List(fields.Nested(ResponseOut))


class AuditOut(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    auditor = fields.String(allow_none=True)
    report_date = fields.Date(allow_none=True)
    diarienummer = fields.String(allow_none=True)
    letter_date = fields.Date(allow_none=True)
    answer_deadline = fields.Date(allow_none=True)
    assessment = fields.String(allow_none=True)
    is_demo = fields.Boolean()
    version = fields.Integer()


class AuditDetailOut(AuditOut):
    recommendations = fields.List(fields.Nested(RecommendationOut))


LIMITS = RecommendationResponse.LIMITS


class ResponseIn(StrictSchema):
    answer_paragraph = Text(LIMITS["answer_paragraph"], load_default=None)
    answer_diarienummer = Text(LIMITS["answer_diarienummer"], load_default=None)
    answer_date = Day(load_default=None, allow_none=True)
    answer_summary = Text(LIMITS["answer_summary"], load_default=None)
    status = fields.String(required=True, validate=validate.OneOf(ResponseStatus.values()))
    status_reason = Text(LIMITS["status_reason"], load_default=None)
    evidence = Text(LIMITS["evidence"], load_default=None)
    version = version_field()


class ResponsePatch(ResponseIn):
    pass


AuditPage = page_of(AuditOut, "AuditPage")


@blp.route("/audits")
@blp.arguments(PageQuery, location="query", unknown=ma.RAISE)
@blp.response(200, AuditPage)
def list_audits(args):
    """Revisioner, senaste först"""
    return paged(queries.audits_listed(), args["page"], args["per_page"])


@blp.route("/audits/<int:audit_id>")
@blp.response(200, AuditDetailOut)
def get_audit(audit_id: int):
    """En revision med rekommendationer, nämndernas svar och åtgärder"""
    return get_or_404(Audit, audit_id, options=[
        selectinload(Audit.recommendations).selectinload(Recommendation.responses)
        .selectinload(RecommendationResponse.actions)])


def _update_response(_initiative, values: dict, actor, *, response, expected_version):
    """The response's service verb in the shape save_child calls (a response hangs off no
    initiative)."""
    return services.update_response(response, values, actor, expected_version=expected_version)


def _save_response(data, response_id: int, *, patch: bool):
    return save_child(_update_response, None, get_or_404(RecommendationResponse, response_id), data,
                      keyword="response", fields_=services.RESPONSE_FIELDS, schema=ResponseOut(), patch=patch)


@blp.route("/responses/<int:response_id>")
@blp.response(200, ResponseOut)
def get_response(response_id: int):
    """En nämnds svar på en rekommendation"""
    response = get_or_404(RecommendationResponse, response_id)
    return response, 200, etag(response.version)


@blp.route("/responses/<int:response_id>", methods=["PUT"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(ResponseIn)
@blp.response(200, ResponseOut)
def put_response(data, response_id: int):
    """Ersätt nämndens svar (nämndens redigerare eller projektkontoret); kräver version"""
    return _save_response(data, response_id, patch=False)


@blp.route("/responses/<int:response_id>", methods=["PATCH"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(patch_schema(ResponsePatch))
@blp.response(200, ResponseOut)
def patch_response(data, response_id: int):
    """Ändra enstaka fält i nämndens svar; kräver version"""
    return _save_response(data, response_id, patch=True)
