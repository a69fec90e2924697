"""Initiatives: list with the register's filters, read, create, replace (PUT), patch, change phase,
archive and restore. Every change goes through the same services as the web forms."""

from __future__ import annotations

import re

import marshmallow as ma
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from portfolio.api.blueprint import Blueprint
from portfolio.api.common import VERSIONED_WRITE, call_service, etag, expected_version, get_or_404
from portfolio.api.fields import Day, Id, Money, QueryId, StrictSchema, Text, Timestamp, patch_schema
from portfolio.api.schemas import FundingIn, PageQuery, RefSchema, StaffingIn, page_of
from portfolio.domain import phases as P
from portfolio.initiatives import services
from portfolio.initiatives.models import FundingLine, Initiative
from portfolio.initiatives.queries import SORTS, RegisterFilter, register_page

blp = Blueprint("api_initiatives", __name__, description="Initiativ (registret).")


class FundingOut(ma.Schema):
    year = fields.Integer()
    source_id = fields.Integer()
    source = fields.Function(lambda f: f.source.name, metadata={"type": "string"})
    amount = Money()


class StaffingOut(ma.Schema):
    year = fields.Integer()
    fte = Money()


def _ids(attr):
    return fields.Function(lambda ini: [r.id for r in getattr(ini, attr)],
                           metadata={"type": "array", "items": {"type": "integer"}})


class InitiativeOut(ma.Schema):
    id = fields.Integer()
    ref = fields.String()
    title = fields.String()
    description = fields.String()
    phase = fields.String()
    archived = fields.Boolean()
    owning_unit_id = fields.Integer()
    owning_unit = fields.Nested(RefSchema)
    committee_id = fields.Function(lambda ini: ini.owning_unit.committee.id, metadata={"type": "integer"})
    primary_area_id = fields.Integer()
    primary_area = fields.Nested(RefSchema)
    participating_unit_ids = _ids("participating_units")
    secondary_area_ids = _ids("secondary_areas")
    principle_ids = _ids("principles")
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    need_owner = fields.String(allow_none=True)
    project_lead = fields.String(allow_none=True)
    benefit_owner = fields.String(allow_none=True)
    funding = fields.List(fields.Nested(FundingOut))
    staffing = fields.List(fields.Nested(StaffingOut))
    total_funding = Money()
    is_demo = fields.Boolean()
    version = fields.Integer()
    created_at = Timestamp()
    updated_at = Timestamp()


InitiativePage = page_of(InitiativeOut, "InitiativePage")


class InitiativeListPage(InitiativePage):   # type: ignore[misc, valid-type]
    total_exact = fields.Boolean(metadata={"description": (
        "false: fler än total träffar (räkningen stannar där, så att en sida kostar lika mycket "
        "oavsett registrets storlek); bläddra vidare tills sidan har färre än per_page")})


# What a listed initiative shows beyond its own columns, loaded per page in a fixed number of
# statements (not per row).
LIST_OPTIONS = (
    selectinload(Initiative.participating_units), selectinload(Initiative.secondary_areas),
    selectinload(Initiative.principles), selectinload(Initiative.funding).joinedload(FundingLine.source),
    selectinload(Initiative.staffing))


class InitiativeQuery(PageQuery):
    q = Text(200, load_default="", allow_none=False, metadata={"description": "Fritext i titel, referens, beskrivning"})
    area = QueryId(load_default=None)
    unit = QueryId(load_default=None, metadata={"description": "Enhet eller nämnd (inklusive underliggande)"})
    phase = fields.String(load_default=None, validate=validate.OneOf(P.ALL_PHASES))
    source = QueryId(load_default=None, metadata={"description": "Finansieringskälla"})
    archived = fields.Boolean(load_default=False)
    basis = fields.String(load_default=None, validate=validate.OneOf(("now", "next")),
                          metadata={"description": "now: saknar underlag för nuvarande fas; next: för nästa"})
    sort = fields.String(load_default="updated", validate=validate.OneOf(tuple(SORTS)))

    class Meta:
        unknown = ma.RAISE


LIMITS = Initiative.LIMITS


class InitiativeIn(StrictSchema):
    title = Text(LIMITS["title"], required=True, allow_none=False)
    description = Text(LIMITS["description"], load_default="")
    owning_unit_id = Id(required=True)
    primary_area_id = Id(required=True)
    participating_unit_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=100))
    secondary_area_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=20))
    principle_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=50))
    start_date = Day(load_default=None, allow_none=True)
    end_date = Day(load_default=None, allow_none=True)
    need_owner = Text(LIMITS["need_owner"], load_default=None)
    project_lead = Text(LIMITS["project_lead"], load_default=None)
    benefit_owner = Text(LIMITS["benefit_owner"], load_default=None)
    funding = fields.List(fields.Nested(FundingIn), load_default=list, validate=validate.Length(max=200))
    staffing = fields.List(fields.Nested(StaffingIn), load_default=list, validate=validate.Length(max=50))


class InitiativeCreate(InitiativeIn):
    phase = fields.String(load_default=P.IDE, validate=validate.OneOf(P.MAIN_FLOW))
    ref = Text(LIMITS["ref"], load_default=None, validate=validate.Regexp(rf"^{services.REF_PATTERN.pattern}$"),
               metadata={"description": "Egen referens; utelämna för en ny (DIG-nnnn)"})


class InitiativeUpdate(InitiativeIn):
    version = fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1),
                             metadata={"description": "Versionen du läste (eller rubriken If-Match)"})


class InitiativePatch(InitiativeUpdate):
    pass


class PhaseChange(StrictSchema):
    phase = fields.String(required=True, validate=validate.OneOf(P.ALL_PHASES))
    reason = Text(LIMITS["reason"], load_default=None)
    override = fields.Boolean(load_default=False, metadata={
        "description": "Projektkontoret: passera en fasgrind som inte är uppfylld (kräver reason)"})
    version = fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1))


class ArchiveChange(StrictSchema):
    archived = fields.Boolean(required=True)
    reason = Text(LIMITS["reason"], load_default=None)
    version = fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1))


FIELD_MAP = {"owning_unit": "owning_unit_id", "primary_area": "primary_area_id",
             "participating_units": "participating_unit_ids", "secondary_areas": "secondary_area_ids",
             "principles": "principle_ids"}
LINE_KEY = re.compile(r"^(funding|staffing)-(\d+)-(\w+)$")


def field_name(key: str) -> str:
    match = LINE_KEY.match(key)
    if match:
        kind, row, name = match.groups()
        return f"{kind}.{row}.{'source_id' if name == 'source' else name}"
    return FIELD_MAP.get(key, key)


def load(initiative_id: int) -> Initiative:
    return get_or_404(Initiative, initiative_id, options=[
        selectinload(Initiative.participating_units), selectinload(Initiative.secondary_areas),
        selectinload(Initiative.principles), selectinload(Initiative.funding).joinedload(FundingLine.source),
        selectinload(Initiative.staffing)])


def current_state(ini: Initiative):
    def dump():
        from portfolio.extensions import db

        db.session.expire_all()
        return InitiativeOut().dump(load(ini.id))
    return dump


def to_input(data: dict, **extra) -> services.InitiativeInput:
    return services.InitiativeInput(
        title=data["title"], description=data.get("description") or "",
        owning_unit_id=data["owning_unit_id"], primary_area_id=data["primary_area_id"],
        participating_unit_ids=data.get("participating_unit_ids", []),
        secondary_area_ids=data.get("secondary_area_ids", []), principle_ids=data.get("principle_ids", []),
        start_date=data.get("start_date"), end_date=data.get("end_date"),
        need_owner=data.get("need_owner"), project_lead=data.get("project_lead"),
        benefit_owner=data.get("benefit_owner"),
        funding=[services.FundingInput(f["year"], f["source_id"], f["amount"], row=i)
                 for i, f in enumerate(data.get("funding", []))],
        staffing=[services.StaffingInput(s["year"], s["fte"], row=i)
                  for i, s in enumerate(data.get("staffing", []))],
        **extra)


def as_input_dict(ini: Initiative) -> dict:
    """The stored initiative in the shape of InitiativeIn (the base a PATCH is applied to)."""
    return {
        "title": ini.title, "description": ini.description or "", "owning_unit_id": ini.owning_unit_id,
        "primary_area_id": ini.primary_area_id,
        "participating_unit_ids": [u.id for u in ini.participating_units],
        "secondary_area_ids": [a.id for a in ini.secondary_areas],
        "principle_ids": [p.id for p in ini.principles],
        "start_date": ini.start_date, "end_date": ini.end_date, "need_owner": ini.need_owner,
        "project_lead": ini.project_lead, "benefit_owner": ini.benefit_owner,
        "funding": [{"year": f.year, "source_id": f.source_id, "amount": f.amount} for f in ini.funding],
        "staffing": [{"year": s.year, "fte": s.fte} for s in ini.staffing],
    }


@blp.route("/initiatives")
@blp.arguments(InitiativeQuery, location="query", unknown=ma.RAISE)
@blp.response(200, InitiativeListPage)
def list_initiatives(args):
    """Initiativ, filtrerade och sorterade som i registret"""
    flt = RegisterFilter(q=args["q"].strip(), area=args["area"], unit=args["unit"], phase=args["phase"],
                         source=args["source"], archived=args["archived"], basis=args["basis"], sort=args["sort"])
    result = register_page(flt, args["page"], args["per_page"], options=LIST_OPTIONS)
    return {"items": result.items, "page": result.page, "per_page": result.per_page,
            "total": result.total, "pages": result.pages, "total_exact": result.total_exact}


@blp.route("/initiatives", methods=["POST"])
@blp.arguments(InitiativeCreate)
@blp.response(201, InitiativeOut)
def create_initiative(data):
    """Registrera ett initiativ"""
    ini = call_service(services.create_initiative,
                       to_input(data, phase=data["phase"], ref=data.get("ref")), current_user,
                       field_map=field_name)
    return ini, 201, etag(ini.version) | {"Location": f"/api/v1/initiatives/{ini.id}"}


@blp.route("/initiatives/<int:initiative_id>")
@blp.response(200, InitiativeOut)
def get_initiative(initiative_id: int):
    """Ett initiativ (ETag = version)"""
    ini = load(initiative_id)
    return ini, 200, etag(ini.version)


def _write(initiative_id: int, data: dict, verb, arguments, **options):
    """A versioned write of one initiative, `verb(ini, *arguments(ini), current_user, …)`, with the
    version the client read (If-Match → 412, the field → 409, with the current state)."""
    ini = load(initiative_id)
    expected = expected_version(data)
    ini = call_service(verb, ini, *arguments(ini), current_user, expected=expected,
                       current=current_state(ini), field_map=field_name, **options)
    return ini, 200, etag(ini.version)


@blp.route("/initiatives/<int:initiative_id>", methods=["PUT"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(InitiativeUpdate)
@blp.response(200, InitiativeOut)
def replace_initiative(data, initiative_id: int):
    """Ersätt ett initiativs uppgifter (fält som utelämnas töms); kräver version"""
    return _write(initiative_id, data, services.update_initiative, lambda ini: (to_input(data),))


@blp.route("/initiatives/<int:initiative_id>", methods=["PATCH"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(patch_schema(InitiativePatch))
@blp.response(200, InitiativeOut)
def patch_initiative(data, initiative_id: int):
    """Ändra enstaka fält; kräver version"""
    return _write(initiative_id, data, services.update_initiative,
                  lambda ini: (to_input(as_input_dict(ini) | data),))


@blp.route("/initiatives/<int:initiative_id>/phase", methods=["POST"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(PhaseChange)
@blp.response(200, InitiativeOut)
def change_phase(data, initiative_id: int):
    """Byt fas genom programmets fasgrindar; kräver version"""
    return _write(initiative_id, data, services.change_phase, lambda ini: (data["phase"],),
                  reason=data["reason"], override=data["override"])


@blp.route("/initiatives/<int:initiative_id>/archive", methods=["POST"])
@blp.doc(**VERSIONED_WRITE)
@blp.arguments(ArchiveChange)
@blp.response(200, InitiativeOut)
def archive(data, initiative_id: int):
    """Arkivera (archived=true, kräver reason) eller återställ (projektkontoret); kräver version"""
    return _write(initiative_id, data, services.set_archived, lambda ini: (data["archived"],),
                  reason=data["reason"])
