"""Read side of the start page. Every section reads in a fixed number of queries (the to-do list
is computed once per request and shared with the navigation's count)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import g
from sqlalchemy import and_, case, func, not_, or_, select

from portfolio.auth import roles as R
from portfolio.auth.permissions import editable_area_ids, editable_unit_ids
from portfolio.cache import result_cache
from portfolio.decision_basis.requirements import conditions
from portfolio.domain import completeness
from portfolio.domain import phases as P
from portfolio.domain.schedule import Period
from portfolio.extensions import db
from portfolio.followups import queries as followups
from portfolio.initiatives.models import GateOverride, Initiative
from portfolio.initiatives.queries import overrides
from portfolio.needs.models import COMPLETE, NeedsAnalysis
from portfolio.programme.services import current_programme

LIST_LIMIT = 10            # rows per list on the start page; the rest is one link away
DRAFT_LIMIT = 20
RECENT_OVERRIDES = 5
MANAGER_KINDS = ("measurement", "followup")
DRAFT_PHASES = (P.IDE, P.BEHOVSANALYS)
DECIDED_PHASES = P.MAIN_FLOW[P.MAIN_FLOW.index(P.PRIORITERAD):]   # need a portfolio decision


# --- the to-do list, once per request --------------------------------------------------------

def current_todo(user, today: date) -> followups.TodoList:
    """`followups.queries.todo` for this user and day, computed once per request (the navigation's
    count and the start page share it). Never a second copy of the rules."""
    cache = g.setdefault("_start_todo", {})
    key = (user.id, today)
    if key not in cache:
        cache[key] = followups.todo(user, today)
    return cache[key]


def todo_nav_count(user, today: date) -> int | None:
    """The count after "Att göra" in the navigation; None when the list is not for the user.
    Counted in SQL (never by loading the list on every page) and cached per user, day and data
    version; a page that shows the list anyway uses its count."""
    if not followups.has_todo_scope(user):
        return None
    listed = g.get("_start_todo", {}).get((user.id, today))
    if listed is not None:
        return listed.count
    return result_cache().get_or_build(("todo-count", user.id),
                                       lambda: followups.todo_count(user, today))


# --- portfolio office -----------------------------------------------------------------------

@dataclass(frozen=True)
class OfficeSection:
    ready: list[Initiative]              # behovsanalys, decision basis complete for prioriterad
    ready_total: int
    undecided: list[Initiative]          # prioriterad or later without a prioritising decision
    undecided_total: int
    overrides: list[GateOverride]
    followups_missing: list[tuple[str, int]]    # committee name, follow-ups missing
    period: Period


def _gate_conditions():
    """SQL: (ready for a portfolio decision, in a decided phase without one)."""
    programme = current_programme()
    conds = conditions(programme.risk.acceptable_max_score)
    basis = [conds[c] for c in completeness.required_for(P.PRIORITERAD, programme.gates)
             if c != completeness.DECISION]
    ready = and_(Initiative.phase == P.BEHOVSANALYS, *basis)
    undecided = and_(Initiative.phase.in_(DECIDED_PHASES), not_(conds[completeness.DECISION]))
    return ready, undecided


def _listed(condition) -> list[Initiative]:
    return list(db.session.scalars(select(Initiative).where(
        Initiative.archived.is_(False), condition).order_by(Initiative.ref).limit(LIST_LIMIT)))


def recent_overrides(limit: int = RECENT_OVERRIDES) -> list[GateOverride]:
    """The office's latest exceptions from the phase gates, newest first."""
    return overrides(limit=limit)


def office_section(user, today: date) -> OfficeSection:
    ready, undecided = _gate_conditions()
    ready_total, undecided_total = db.session.execute(
        select(func.coalesce(func.sum(case((ready, 1), else_=0)), 0),
               func.coalesce(func.sum(case((undecided, 1), else_=0)), 0))
        .where(Initiative.archived.is_(False))).one()
    todo = current_todo(user, today)
    missing = [(committee, counts["followup"]) for committee, counts in todo.per_committee()
               if counts["followup"]]
    return OfficeSection(
        ready=_listed(ready) if ready_total else [], ready_total=int(ready_total),
        undecided=_listed(undecided) if undecided_total else [], undecided_total=int(undecided_total),
        overrides=recent_overrides(), followups_missing=missing, period=todo.period)


# --- programledare --------------------------------------------------------------------------

@dataclass(frozen=True)
class ManagerSection:
    has_areas: bool
    items: list[followups.TodoItem]         # listed (not long past), most urgent first
    total: int                              # listed items, also those beyond the limit
    long_past: Counter                      # per kind, items more than LONG_PAST_DAYS late
    period: Period


def manager_section(user, today: date) -> ManagerSection:
    """Due and overdue measurements and follow-ups in the programledare's areas (from the to-do
    list, filtered to the areas: an editor's units are in the editor's section)."""
    areas = editable_area_ids(user)
    todo = current_todo(user, today)
    mine = [i for i in todo.items if i.kind in MANAGER_KINDS and i.initiative.primary_area_id in areas]
    listed = [i for i in mine if i.group != followups.LONG_PAST]
    order = {g: n for n, g in enumerate(followups.LISTED_GROUPS)}
    listed.sort(key=lambda i: (order[i.group], i.due or today))
    return ManagerSection(has_areas=bool(areas), items=listed[:LIST_LIMIT], total=len(listed),
                          long_past=Counter(i.kind for i in mine if i.group == followups.LONG_PAST),
                          period=todo.period)


# --- editor ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    initiative: Initiative
    needs_status: str | None                # None (not started), "utkast", "klar"
    next_phase: str | None
    missing: tuple[str, ...]                # requirement codes the next gate lacks (not the decision)
    awaits_decision: bool                   # the next gate lacks only the office's decision


@dataclass(frozen=True)
class EditorSection:
    has_units: bool
    drafts: list[Draft] = field(default_factory=list)
    total: int = 0


def editor_section(user) -> EditorSection:
    """The editor's units' drafts: initiatives still in idé or behovsanalys, and active ones whose
    needs analysis is not complete; per draft what the next gate still lacks, evaluated in SQL in
    the same query (one column per requirement)."""
    units = editable_unit_ids(user) if user.has_role(R.EDITOR) else set()
    if not units:
        return EditorSection(has_units=False)
    programme = current_programme()
    conds = conditions(programme.risk.acceptable_max_score)
    needs_status = (select(NeedsAnalysis.status).where(NeedsAnalysis.initiative_id == Initiative.id)
                    .correlate(Initiative).scalar_subquery())
    is_draft = or_(Initiative.phase.in_(DRAFT_PHASES),
                   and_(Initiative.phase.in_(P.ACTIVE), func.coalesce(needs_status, "") != COMPLETE))
    scope = and_(Initiative.archived.is_(False), Initiative.owning_unit_id.in_(units), is_draft)
    total = db.session.scalar(select(func.count(Initiative.id)).where(scope))
    if not total:
        return EditorSection(has_units=True)
    codes = [c for c in completeness.REQUIREMENT_CODES if c != completeness.DECISION]
    phase_order = case({p: n for n, p in enumerate(P.MAIN_FLOW)}, value=Initiative.phase)
    rows = db.session.execute(
        select(Initiative, needs_status.label("needs"), *[conds[c].label(c) for c in codes])
        .where(scope).order_by(phase_order, Initiative.ref).limit(DRAFT_LIMIT))
    drafts = []
    for row in rows:
        ini, status = row[0], row[1]
        holds = dict(zip(codes, (bool(v) for v in row[2:]), strict=True))
        nxt = completeness.next_main_phase(ini.phase)
        required = completeness.required_for(nxt, programme.gates) if nxt else []
        missing = tuple(c for c in required if c != completeness.DECISION and not holds[c])
        drafts.append(Draft(ini, status, nxt, missing,
                            awaits_decision=not missing and completeness.DECISION in required
                            and ini.phase == P.BEHOVSANALYS))
    return EditorSection(has_units=True, drafts=drafts, total=int(total))


# --- viewer (KS reader) ---------------------------------------------------------------------

@dataclass(frozen=True)
class ViewerSection:
    report_year: int          # the latest complete year's yearly follow-up
    current_year: int
    dashboards: list


def viewer_section(user, today: date) -> ViewerSection:
    from portfolio.dashboards import host

    return ViewerSection(report_year=today.year - 1, current_year=today.year,
                         dashboards=host.visible_to(user))


# --- the page -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StartPage:
    today: date
    periods: dict[str, str]                 # follow-up period code → name
    office: OfficeSection | None = None
    manager: ManagerSection | None = None
    editor: EditorSection | None = None
    viewer: ViewerSection | None = None

    @property
    def empty(self) -> bool:
        return not (self.office or self.manager or self.editor or self.viewer)


def start_page(user, today: date) -> StartPage:
    """One section per role the user holds (roles combine)."""
    return StartPage(
        today=today, periods={p.code: p.name for p in current_programme().followup_periods},
        office=office_section(user, today) if user.is_office else None,
        manager=manager_section(user, today) if user.has_role(R.PROGRAMME_MANAGER) else None,
        editor=editor_section(user) if user.has_role(R.EDITOR) else None,
        viewer=viewer_section(user, today) if user.has_role(R.VIEWER) else None)
