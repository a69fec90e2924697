"""The needs analysis of an initiative (one per initiative; draft or complete)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import VERSIONED_WRITE, etag
from portfolio.api.errors import api_abort
from portfolio.api.fields import Day, StrictSchema, Text, Timestamp
from portfolio.api.resources._parts import BASE, save_single, version_field
from portfolio.api.resources.initiatives import load
from portfolio.needs import services as needs_services
from portfolio.needs.models import TEXT_FIELDS, Dpia, NeedsAnalysis
from portfolio.needs.services import NeedsInput

LIMITS = NeedsAnalysis.LIMITS

blp = Blueprint("api_needs", __name__, description="Behovsanalys.")


NeedsOut = ma.Schema.from_dict({
    "id": fields.Integer(), "initiative_id": fields.Integer(), "status": fields.String(),
    **{name: fields.String(allow_none=True) for name in TEXT_FIELDS},
    "involvement_when": fields.Date(allow_none=True), "inclusion_considered": fields.Boolean(allow_none=True),
    "infosec_class": fields.String(allow_none=True), "personal_data": fields.Boolean(allow_none=True),
    "dpia_needed": fields.String(allow_none=True), "version": fields.Integer(), "updated_at": Timestamp(),
    "completed_at": Timestamp(allow_none=True),
}, name="NeedsAnalysis")

NeedsIn = StrictSchema.from_dict({
    **{name: Text(LIMITS[name], load_default=None) for name in TEXT_FIELDS},
    "involvement_when": Day(load_default=None, allow_none=True),
    "inclusion_considered": fields.Boolean(load_default=None, allow_none=True),
    "infosec_class": Text(LIMITS["infosec_class"], load_default=None),
    "personal_data": fields.Boolean(load_default=None, allow_none=True),
    "dpia_needed": fields.String(load_default=None, allow_none=True,
                                 validate=validate.OneOf(Dpia.values())),
    "complete": fields.Boolean(load_default=False, metadata={
        "description": "true: markera som klar (då krävs alla obligatoriska fält)"}),
    "version": version_field(),
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
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(NeedsIn)
@blp.response(200, NeedsOut)
def put_needs(data, initiative_id: int):
    """Spara behovsanalysen (utkast eller klar); version krävs när den redan finns"""
    complete = data.pop("complete")
    return save_single(needs_services.save, load(initiative_id), needs_services.get(initiative_id), data,
                       schema=NeedsOut(), to_input=NeedsInput.of, complete=complete)
