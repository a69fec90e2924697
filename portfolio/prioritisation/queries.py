"""The ranked portfolio for a year: gates first, then weighted scores, against the budget.
Everything that can be aggregated is aggregated in SQL; the ranking itself is pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from portfolio.benefits.services import calculate, get_case
from portfolio.decision_basis.requirements import conditions
from portfolio.domain import scoring
from portfolio.extensions import db
from portfolio.initiatives.models import FundingLine, Initiative
from portfolio.prioritisation import stored
from portfolio.prioritisation.display import prepare_rows
from portfolio.prioritisation.models import (
    CriteriaSet,
    Criterion,
    Decision,
    DecisionBody,
    PortfolioDecision,
    Score,
    StoredScore,
)
from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
from portfolio.programme.queries import unit_scope
from portfolio.programme.services import current_programme
from portfolio.risks.models import OPEN_STATUSES, RISK, Risk

# Rows of the ranked table per page: a page of a few thousand rows serves nobody and costs its
# size on every request; ranks, cumulative cost and the budget line are the whole ranking's.
RANKED_PER_PAGE = 100


@dataclass
class Ranking:
    criteria_set: CriteriaSet
    criteria: list[Criterion]
    weights: dict[str, Decimal]
    ceiling: Decimal | None
    ranked: list[RankedRow] = field(default_factory=list)
    failing: list[tuple[CandidateRow, tuple[str, ...]]] = field(default_factory=list)   # row, gates failed
    unscored: list[tuple[CandidateRow, int]] = field(default_factory=list)
    cut: int | None = None
    what_if: bool = False
    legend: list[tuple[Criterion, str]] = field(default_factory=list)   # criterion, its bar style
    codes: tuple[str, ...] = ()     # the criteria in the order the rows' scores are packed
    missing_texts: dict[tuple[str, ...], str] = field(default_factory=dict)   # gates failed → text

    def page_count(self, per_page: int) -> int:
        return max(1, -(-len(self.ranked) // per_page))

    def page_of_rank(self, rank: int, per_page: int) -> int:
        return (rank - 1) // per_page + 1

    def rows_on_page(self, page: int, per_page: int) -> list[RankedRow]:
        """One page of the ranked rows; ranks, cumulative cost and the budget line are the
        whole ranking's, so they read the same on every page."""
        return self.ranked[(page - 1) * per_page: page * per_page]


def _filtered(stmt, area: int | None, committee: int | None):
    prio = current_programme().prioritisation
    stmt = stmt.where(Initiative.archived.is_(False), Initiative.phase.in_(prio.candidate_phases))
    if area:
        stmt = stmt.where(Initiative.primary_area_id == area)
    if committee:
        stmt = stmt.where(Initiative.owning_unit_id.in_(unit_scope({committee})))
    return stmt.order_by(Initiative.ref)


def _candidates(area: int | None, committee: int | None) -> list[Initiative]:
    return list(db.session.scalars(_filtered(select(Initiative), area, committee)))


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """What the ranking shows of an initiative (plain columns: no ORM objects for 2 000 rows)."""

    id: int
    ref: str
    title: str
    phase: str
    area: str
    committee: str


@dataclass(slots=True)
class RankedRow:
    """A ranked initiative with everything its table row shows, as plain attributes (the
    template reads them without dictionary look-ups; the texts are made once in Python)."""

    id: int
    ref: str
    title: str
    phase: str
    area: str
    committee: str
    packed: str                     # its scores, one digit per criterion (stored.pack)
    cost: Decimal
    risk: int | None
    score: Decimal
    heaviest: int
    rank: int = 0
    cumulative: Decimal = Decimal(0)
    within_budget: bool = True
    meta: str = ""
    score_text: str = ""
    bar: str = ""                   # the breakdown bar: display.prepare_rows makes it (Markup)
    breakdown_text: str = ""
    cost_text: str = ""
    cumulative_text: str = ""


def _costs_subquery(year: int):
    """Cost this year against the ceiling per initiative: funding from the ceiling's source."""
    source_code = current_programme().prioritisation.ceiling_source
    stmt = (select(FundingLine.initiative_id.label("initiative_id"), func.sum(FundingLine.amount).label("total"))
            .where(FundingLine.year == year).group_by(FundingLine.initiative_id))
    if source_code:
        stmt = stmt.join(FundingSource).where(FundingSource.code == source_code)
    return stmt.subquery("cost")


def _risk_subquery():
    return (select(Risk.initiative_id.label("initiative_id"),
                   func.max(Risk.probability * Risk.consequence).label("worst"))
            .where(Risk.kind == RISK, Risk.status.in_(OPEN_STATUSES))
            .group_by(Risk.initiative_id).subquery("worst_risk"))


def _candidate_stmt(criteria_set: CriteriaSet, gate_codes: list[str]):
    """Every candidate with its gates, stored scores, cost this year and worst open risk: one
    statement, however many candidates (the database aggregates; Python only reads rows)."""
    conds = conditions(current_programme().risk.acceptable_max_score)
    unit, parent = aliased(OrgUnit), aliased(OrgUnit)
    cost, risk = _costs_subquery(criteria_set.year), _risk_subquery()
    return (select(Initiative.id, Initiative.ref, Initiative.title, Initiative.phase,
                   PriorityArea.name, func.coalesce(parent.code, unit.code),
                   StoredScore.scores, StoredScore.scored, StoredScore.score_cents, StoredScore.heaviest,
                   cost.c.total, risk.c.worst, *[conds[c].label(f"gate_{c}") for c in gate_codes])
            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
            .join(unit, unit.id == Initiative.owning_unit_id)
            .outerjoin(parent, parent.id == unit.parent_id)
            .outerjoin(StoredScore, and_(StoredScore.initiative_id == Initiative.id,
                                         StoredScore.set_id == criteria_set.id))
            .outerjoin(cost, cost.c.initiative_id == Initiative.id)
            .outerjoin(risk, risk.c.initiative_id == Initiative.id))


def ranking(criteria_set: CriteriaSet, *, area: int | None = None, committee: int | None = None,
            weights: dict[str, Decimal] | None = None, ceiling: Decimal | None = None,
            what_if: bool = False) -> Ranking:
    """The ranking with each row's display values (breakdown bar and texts)."""
    result = _rank(criteria_set, area=area, committee=committee, weights=weights, ceiling=ceiling,
                   what_if=what_if)
    prepare_rows(result)
    return result


def _rank(criteria_set: CriteriaSet, *, area: int | None = None, committee: int | None = None,
          weights: dict[str, Decimal] | None = None, ceiling: Decimal | None = None,
          what_if: bool = False) -> Ranking:
    """Gates, scores, order and budget line; no display values. One statement for the
    candidates; the scores are the stored ones (computed on save) unless what-if weights are
    given, and then each distinct set of scores is scored once."""
    criteria = list(criteria_set.criteria)
    saved = {c.code: c.weight for c in criteria}
    weights = weights or saved
    scoring.check_weights(weights)
    result = Ranking(criteria_set, criteria, weights,
                     ceiling if what_if else criteria_set.budget_ceiling, what_if=what_if)
    codes = result.codes = tuple(c.code for c in stored.criteria_order(criteria))
    stored_weights = weights == saved
    heaviest_at = codes.index(max(weights, key=lambda c: (weights[c], c)))
    weighted_at = [i for i, code in enumerate(codes) if weights.get(code, 0) > 0]
    gate_codes = list(current_programme().prioritisation.gates)
    first_gate = 12
    rescored: dict[str, Decimal] = {}
    zero = Decimal(0)
    stmt = _filtered(_candidate_stmt(criteria_set, gate_codes), area, committee)
    for row in db.session.execute(stmt):
        if gate_codes and not all(row[first_gate:]):
            failed = tuple(c for c, ok in zip(gate_codes, row[first_gate:], strict=True) if not ok)
            result.failing.append((CandidateRow(*row[:6]), failed))
            continue
        packed, scored, cents = row[6], row[7] or 0, row[8]
        if stored_weights:
            if cents is None:
                result.unscored.append((CandidateRow(*row[:6]), scored))
                continue
            score, heaviest = Decimal(cents).scaleb(-2), row[9]
        else:
            if packed is None or any(packed[i] == stored.NOT_SCORED for i in weighted_at):
                result.unscored.append((CandidateRow(*row[:6]), scored))
                continue
            known = rescored.get(packed)
            if known is None:
                known = rescored[packed] = scoring.weighted_score(stored.unpack(codes, packed), weights)
            score = known
            heaviest = int(packed[heaviest_at]) if packed[heaviest_at] != stored.NOT_SCORED else 0
        result.ranked.append(RankedRow(row[0], row[1], row[2], row[3], row[4], row[5], packed,
                                       row[10] or zero, row[11], score, heaviest))
    result.ranked.sort(key=lambda r: (-r.score, r.cost, -r.heaviest, r.ref))
    running, cut, limit = zero, None, result.ceiling
    for position, r in enumerate(result.ranked, start=1):
        running += r.cost
        r.rank, r.cumulative = position, running
        if limit is not None:
            r.within_budget = running <= limit
            if cut is None and not r.within_budget:
                cut = position - 1
    result.cut = cut
    return result


def _decisions_stmt(year: int | None, initiative_id: int | None):
    stmt = select(PortfolioDecision).order_by(PortfolioDecision.decided_on.desc(),
                                              PortfolioDecision.id.desc())
    if year:
        stmt = stmt.where(PortfolioDecision.year == year)
    if initiative_id:
        stmt = stmt.where(PortfolioDecision.initiatives.any(Initiative.id == initiative_id))
    return stmt


def decisions_in_order(initiative_id: int) -> list[PortfolioDecision]:
    """An initiative's decisions oldest first (the API's order), with their initiatives loaded."""
    return list(db.session.scalars(
        select(PortfolioDecision).where(PortfolioDecision.initiatives.any(Initiative.id == initiative_id))
        .order_by(PortfolioDecision.decided_on, PortfolioDecision.id)
        .options(selectinload(PortfolioDecision.initiatives))))


def get_set(year: int) -> CriteriaSet | None:
    return db.session.scalar(select(CriteriaSet).where(CriteriaSet.year == year))


def decisions(year: int | None = None, initiative_id: int | None = None) -> list[PortfolioDecision]:
    """Newest first, each with its initiatives and the decision it corrects loaded up front
    (three queries however many decisions: the list links every initiative)."""
    stmt = _decisions_stmt(year, initiative_id).options(
        selectinload(PortfolioDecision.initiatives), selectinload(PortfolioDecision.corrects))
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class LatestDecision:
    """An initiative's latest portfolio decision, with what the decision log needs to link it."""

    id: int
    year: int
    decided_on: date
    decision: str
    label: str
    body: str
    body_label: str
    diarienummer: str | None


@dataclass(frozen=True)
class InitiativePriority:
    """Where an initiative stands in the prioritisation, for its own page."""

    initiative_id: int
    year: int | None            # the latest criteria-set year in which it has scores
    score: Decimal | None       # 0–100 as the ranking computes it; None until fully scored
    scored: int                 # criteria scored that year
    criteria: int               # criteria in that year's set
    rank: int | None            # position in that year's ranking; None when not ranked
    ranked_count: int           # how many the ranking holds
    within_budget: bool | None  # above the budget line; None unless ranked against a ceiling
    decision: LatestDecision | None

    @property
    def ranked_page(self) -> int:
        """The page of the ranked view that shows this initiative."""
        return (self.rank - 1) // RANKED_PER_PAGE + 1 if self.rank else 1


def initiative_priority(initiative_id: int) -> InitiativePriority | None:
    """The initiative's latest score, rank and portfolio decision; None when it has neither
    scores nor a decision. A constant number of queries (the year's ranking is computed once)."""
    year = db.session.scalar(
        select(func.max(CriteriaSet.year)).join(Criterion, Criterion.set_id == CriteriaSet.id)
        .join(Score, Score.criterion_id == Criterion.id).where(Score.initiative_id == initiative_id))
    decision = _latest_decision(initiative_id)
    if year is None and decision is None:
        return None
    score = rank = within_budget = None
    scored = total = ranked_count = 0
    if year is not None:
        criteria_set = db.session.scalar(select(CriteriaSet).where(CriteriaSet.year == year)
                                         .options(selectinload(CriteriaSet.criteria)))
        assert criteria_set is not None     # the year came from a set with scores
        total = len(criteria_set.criteria)
        mine = db.session.get(StoredScore, (criteria_set.id, initiative_id))
        if mine is not None:
            scored = mine.scored
            score = Decimal(mine.score_cents).scaleb(-2) if mine.score_cents is not None else None
        rank, ranked_count, cumulative = _place(criteria_set, initiative_id)
        if rank is not None and criteria_set.budget_ceiling is not None:
            within_budget = cumulative <= criteria_set.budget_ceiling
    return InitiativePriority(initiative_id, year, score, scored, total, rank, ranked_count,
                              within_budget, decision)


def _bytewise(column):
    """The column compared as Python compares strings (the ranked view sorts in Python)."""
    return column.collate("C") if db.session.get_bind().dialect.name == "postgresql" else column


def _place(criteria_set: CriteriaSet, initiative_id: int) -> tuple[int | None, int, Decimal]:
    """The initiative's rank in the year's whole ranking (None when it is not ranked), how many
    the ranking holds and the cumulative cost down to it: counted in SQL (two statements), by
    the same gates, stored scores and tie rule as the ranked view, without ranking in Python."""
    gate_codes = list(current_programme().prioritisation.gates)
    candidates = _filtered(_candidate_stmt(criteria_set, gate_codes), None, None).order_by(None).subquery()
    c = candidates.c
    cost = func.coalesce(c.total, 0)
    ranked = and_(c.score_cents.is_not(None), *[c[f"gate_{code}"] for code in gate_codes])
    me = db.session.execute(select(c.ref, c.score_cents, c.heaviest, cost)
                            .where(c.id == initiative_id, ranked)).first()
    if me is None:
        return None, db.session.scalar(select(func.count()).select_from(candidates).where(ranked)) or 0, Decimal(0)
    ref, cents, heaviest, my_cost = me
    ahead = or_(c.score_cents > cents, and_(c.score_cents == cents, or_(
        cost < my_cost, and_(cost == my_cost, or_(
            c.heaviest > heaviest, and_(c.heaviest == heaviest, _bytewise(c.ref) < ref))))))
    count, before, before_cost = db.session.execute(
        select(func.count(), func.sum(case((ahead, 1), else_=0)), func.sum(case((ahead, cost), else_=0)))
        .select_from(candidates).where(ranked)).one()
    return 1 + (before or 0), count, Decimal(before_cost or 0) + (my_cost or Decimal(0))


def _latest_decision(initiative_id: int) -> LatestDecision | None:
    d = db.session.scalar(_decisions_stmt(None, initiative_id).limit(1))
    if d is None:
        return None
    return LatestDecision(d.id, d.year, d.decided_on, d.decision, Decision.label_of(d.decision),
                          d.body, DecisionBody.label_of(d.body), d.diarienummer)


def economics_suggestion(ini: Initiative) -> int | None:
    """Suggested score for the economics criterion from the benefit case."""
    case = get_case(ini.id)
    if case is None:
        return None
    result = calculate(case)
    investment = result.years[0].costs if result.years else None
    return scoring.economics_suggestion(result.npv, investment or result.total_costs)


def scores_detail(criteria_set: CriteriaSet, initiative_id: int) -> dict[int, Score]:
    return {s.criterion_id: s for s in db.session.scalars(select(Score).join(Criterion).where(
        Criterion.set_id == criteria_set.id, Score.initiative_id == initiative_id))}


def decision_candidates() -> list[Initiative]:
    return _candidates(None, None)


def set_years() -> list[int]:
    return list(db.session.scalars(select(CriteriaSet.year).order_by(CriteriaSet.year.desc())))
