"""Read side of the register: filtered, sorted, paginated lists and the detail view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_
from sqlalchemy.orm import joinedload, selectinload

from portfolio.auth import permissions
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.initiatives.basis import readers as basis_readers
from portfolio.initiatives.models import FundingLine, GateOverride, Initiative
from portfolio.programme.models import OrgUnit
from portfolio.programme.queries import unit_scope
from portfolio.programme.services import current_programme
from portfolio.text_rules import FORBIDDEN_CHARS

SORTS = {
    "updated": lambda: Initiative.updated_at.desc(),
    "title": lambda: func.lower(Initiative.title),
    "ref": lambda: Initiative.ref,
    "phase": lambda: case({p: i for i, p in enumerate(P.ALL_PHASES)}, value=Initiative.phase),
    "start": lambda: Initiative.start_date,
    "unit": lambda: OrgUnit.name,
}


@dataclass(frozen=True)
class RegisterFilter:
    q: str = ""
    area: int | None = None
    unit: int | None = None
    phase: str | None = None
    source: int | None = None
    archived: bool = False
    basis: str | None = None     # "now": lacks what the current phase needs; "next": the next
    sort: str = "updated"

    def query_args(self) -> dict[str, str | int]:
        """The filter as query-string arguments (only what differs from the defaults): for links
        that keep the filter (sorting, pages, exports) without echoing whatever else the
        request's query string held, which could collide with a link's own arguments."""
        args: dict[str, str | int] = {}
        if self.q:
            args["q"] = self.q
        for name in ("area", "unit", "phase", "source", "basis"):
            value = getattr(self, name)
            if value:
                args[name] = value
        if self.archived:
            args["archived"] = "1"
        if self.sort != "updated":
            args["sort"] = self.sort
        return args


def search_text(raw: str | None, limit: int = 200) -> str:
    """A free-text search as typed in a query string, made safe to search with: trimmed,
    shortened and without control characters (PostgreSQL refuses NUL in any text, so `?q=%00`
    would otherwise fail the query)."""
    text = "".join(ch for ch in (raw or "") if ch not in FORBIDDEN_CHARS)
    return text.strip()[:limit].strip()


def escape_like(text: str) -> str:
    """A LIKE pattern's literal part; control characters dropped as in `search_text` (every
    LIKE search goes through here)."""
    text = "".join(ch for ch in text if ch not in FORBIDDEN_CHARS)
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def register_query(f: RegisterFilter):
    stmt = db.select(Initiative).join(Initiative.owning_unit).where(
        Initiative.archived.is_(f.archived))
    if f.q:
        pattern = f"%{escape_like(f.q.lower())}%"
        stmt = stmt.where(or_(func.lower(Initiative.title).like(pattern, escape="\\"),
                              func.lower(Initiative.ref).like(pattern, escape="\\"),
                              func.lower(Initiative.description).like(pattern, escape="\\")))
    if f.area:
        stmt = stmt.where(Initiative.primary_area_id == f.area)
    if f.unit:
        stmt = stmt.where(Initiative.owning_unit_id.in_(unit_scope({f.unit})))
    if f.phase:
        stmt = stmt.where(Initiative.phase == f.phase)
    if f.source:
        stmt = stmt.where(db.select(FundingLine.id).where(
            FundingLine.initiative_id == Initiative.id, FundingLine.source_id == f.source).exists())
    if f.basis in ("now", "next"):
        programme = current_programme()
        stmt = stmt.where(basis_readers().missing_condition(
            programme.gates, programme.risk.acceptable_max_score, ahead=f.basis == "next"))
    order = SORTS.get(f.sort, SORTS["updated"])()
    return stmt.order_by(order, Initiative.id.desc())


def register_page(f: RegisterFilter, page: int, per_page: int):
    return db.paginate(register_query(f), page=page, per_page=per_page, error_out=False,
                       max_per_page=100)


def get_initiative(initiative_id: int) -> Initiative | None:
    if not 0 < initiative_id < 2**31:
        return None
    return db.session.scalar(
        db.select(Initiative).where(Initiative.id == initiative_id).options(
            selectinload(Initiative.participating_units),
            selectinload(Initiative.secondary_areas),
            selectinload(Initiative.principles),
            selectinload(Initiative.funding).joinedload(FundingLine.source),
            selectinload(Initiative.staffing)))


def funding_totals(initiative_ids: list[int]) -> dict[int, object]:
    """Total funding per initiative for a page of the register, in one query."""
    if not initiative_ids:
        return {}
    rows = db.session.execute(
        db.select(FundingLine.initiative_id, func.sum(FundingLine.amount))
        .where(FundingLine.initiative_id.in_(initiative_ids))
        .group_by(FundingLine.initiative_id))
    return {ini_id: total for ini_id, total in rows}  # sum() keeps the money type: Decimal kronor



def overrides_of(initiative_id: int) -> list:
    """The office's gate overrides for one initiative, newest first."""
    return list(db.session.scalars(
        db.select(GateOverride).options(joinedload(GateOverride.user))
        .where(GateOverride.initiative_id == initiative_id)
        .order_by(GateOverride.created_at.desc(), GateOverride.id.desc())))


def overrides(year: int | None = None, limit: int | None = None) -> list[GateOverride]:
    """The office's gate overrides, newest first (of one calendar year when given)."""
    stmt = (db.select(GateOverride).options(joinedload(GateOverride.initiative), joinedload(GateOverride.user))
            .order_by(GateOverride.created_at.desc(), GateOverride.id.desc()))
    if year is not None:
        stmt = stmt.where(GateOverride.created_at >= datetime(year, 1, 1),
                          GateOverride.created_at < datetime(year + 1, 1, 1))
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def editable_initiatives_condition(user):
    """SQL condition: the initiatives this user may edit (all for the office)."""
    from sqlalchemy import false, or_, true

    if user.is_office:
        return true()
    clauses = []
    if areas := permissions.editable_area_ids(user):
        clauses.append(Initiative.primary_area_id.in_(areas))
    if units := permissions.editable_unit_ids(user):
        clauses.append(Initiative.owning_unit_id.in_(units))
    return or_(*clauses) if clauses else false()
