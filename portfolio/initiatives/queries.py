"""Read side of the register: filtered, sorted, paginated lists and the detail view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, literal_column, union_all
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from portfolio import search
from portfolio.auth import permissions
from portfolio.extensions import db
from portfolio.initiatives.basis import readers as basis_readers
from portfolio.initiatives.models import PHASE_ORDER_SQL, FundingLine, GateOverride, Initiative
from portfolio.programme.models import OrgUnit
from portfolio.programme.queries import unit_scope
from portfolio.programme.services import current_programme
from portfolio.search import SearchIndex
from portfolio.text_rules import FORBIDDEN_CHARS

SORTS = {
    "updated": lambda: Initiative.updated_at.desc(),
    "title": lambda: func.lower(Initiative.title),
    "ref": lambda: Initiative.ref,
    "phase": lambda: literal_column(PHASE_ORDER_SQL),
    "start": lambda: Initiative.start_date,
    "unit": lambda: OrgUnit.name,
}

# Counting stops here: a page costs the same with a thousand initiatives as with a million. Up to
# this many (or the page asked for) the total is exact; above it the register says "more than".
COUNT_CAP = 10_000
SEARCH_INDEX = SearchIndex("initiative_search")


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


escape_like = search.escape_like


def register_conditions(f: RegisterFilter) -> list:
    """The filter as conditions on the initiative table alone (the list and its count share
    them; every one is answered by an index of migration 0014, or by the decision basis's
    per-initiative EXISTS checks for `basis`)."""
    conds: list[ColumnElement[bool]] = [Initiative.archived.is_(f.archived)]
    if f.q:
        conds.append(search.substring_condition(
            Initiative.id, (Initiative.title, Initiative.ref, Initiative.description), f.q,
            SEARCH_INDEX))
    if f.area:
        conds.append(Initiative.primary_area_id == f.area)
    if f.unit:
        conds.append(Initiative.owning_unit_id.in_(unit_scope({f.unit})))
    if f.phase:
        conds.append(Initiative.phase == f.phase)
    if f.source:
        conds.append(db.select(FundingLine.id).where(
            FundingLine.initiative_id == Initiative.id, FundingLine.source_id == f.source).exists())
    if f.basis in ("now", "next"):
        programme = current_programme()
        conds.append(basis_readers().missing_condition(
            programme.gates, programme.risk.acceptable_max_score, ahead=f.basis == "next"))
    return conds


def register_query(f: RegisterFilter):
    """The whole filtered, sorted register (exports read it all; the list pages it)."""
    return register_query_from(register_conditions(f), f)


@dataclass(frozen=True)
class RegisterPage:
    """One page of the register: its rows, and a total counted no further than needed (exact
    up to COUNT_CAP, or to the page asked for; beyond that `total_exact` is False)."""

    items: list
    page: int
    per_page: int
    total: int
    total_exact: bool
    has_next: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def register_page(f: RegisterFilter, page: int, per_page: int, *, options=()) -> RegisterPage:
    """A page of the register in two statements whatever its size: the rows (one more than a
    page, to know whether a next page exists) through the sort's index, and a lean count over
    the initiative table alone that stops at COUNT_CAP (or just past the page asked for)."""
    per_page = max(1, min(per_page, 100))
    page = max(1, page)
    offset = (page - 1) * per_page
    conds = register_conditions(f)
    if f.sort == "unit":
        rows = _page_by_unit(conds, offset, per_page + 1, options)
    else:
        rows = list(db.session.scalars(
            register_query_from(conds, f).options(*options).limit(per_page + 1).offset(offset)).unique())
    cap = max(COUNT_CAP, offset + per_page)
    limited = db.select(Initiative.id).where(*conds).limit(cap + 1).subquery()
    total = db.session.scalar(db.select(func.count()).select_from(limited)) or 0
    return RegisterPage(items=rows[:per_page], page=page, per_page=per_page,
                        total=min(total, cap), total_exact=total <= cap,
                        has_next=len(rows) > per_page)


def _page_by_unit(conds: list, offset: int, limit: int, options) -> list[Initiative]:
    """Rows `offset`..`offset + limit` of the register sorted by owning unit (name), then id.

    No index spans the unit's name and the initiative, so the page is put together from one
    short index walk per unit (index (archived, owning_unit_id, id)): each unit gives at most the
    rows up to the page's end, in one UNION ALL; then the page's initiatives are loaded. Three
    statements whatever the register's size, and a page's cost grows with the number of units,
    not of initiatives."""
    units = db.session.execute(db.select(OrgUnit.id).order_by(OrgUnit.name, OrgUnit.id)).scalars().all()
    if not units:
        return []
    branches = [
        db.select(Initiative.id.label("id"), literal(rank).label("rank"))
        .where(*conds, Initiative.owning_unit_id == unit_id)
        .order_by(Initiative.id).limit(offset + limit)
        for rank, unit_id in enumerate(units)]
    ranked = union_all(*[b.subquery().select() for b in branches]).subquery()
    ids = db.session.scalars(db.select(ranked.c.id).order_by(ranked.c.rank, ranked.c.id)
                             .limit(limit).offset(offset)).all()
    if not ids:
        return []
    found = {i.id: i for i in db.session.scalars(
        db.select(Initiative).where(Initiative.id.in_(ids)).options(*options)).unique()}
    return [found[i] for i in ids if i in found]


def register_query_from(conds: list, f: RegisterFilter):
    stmt = db.select(Initiative).where(*conds)
    if f.sort == "unit":
        stmt = stmt.join(Initiative.owning_unit)
    # Ties in the direction of the sort (newest first for "updated", ascending for the others), so
    # the sort's index (migration 0014) gives the whole order and the page stops after its rows.
    tiebreak = Initiative.id.desc() if f.sort not in SORTS or f.sort == "updated" else Initiative.id
    return stmt.order_by(SORTS.get(f.sort, SORTS["updated"])(), tiebreak)


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
