"""The ranked portfolio for a year: gates first, then weighted scores, against the budget.
Everything that can be aggregated is aggregated in SQL; the ranking itself is pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from portfolio.benefits.services import calculate, get_case
from portfolio.decision_basis.requirements import conditions
from portfolio.domain import scoring
from portfolio.extensions import db
from portfolio.initiatives.models import FundingLine, Initiative
from portfolio.labels import PHASE_LABELS
from portfolio.numbers import format_kronor
from portfolio.numbers import format_plain as format_decimal
from portfolio.prioritisation.models import CriteriaSet, Criterion, Decision, DecisionBody, PortfolioDecision, Score
from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
from portfolio.programme.queries import unit_scope
from portfolio.programme.services import current_programme
from portfolio.risks.models import OPEN_STATUSES, RISK, Risk

BREAKDOWN_STYLES = 8   # colour-and-pattern pairs for the breakdown bars (app.css)


@dataclass
class Ranking:
    criteria_set: CriteriaSet
    criteria: list[Criterion]
    weights: dict[str, Decimal]
    ceiling: Decimal | None
    ranked: list[scoring.Candidate] = field(default_factory=list)
    failing: list[tuple[CandidateRow, list[str]]] = field(default_factory=list)
    unscored: list[tuple[CandidateRow, int]] = field(default_factory=list)
    cut: int | None = None
    what_if: bool = False
    legend: list[tuple[Criterion, str]] = field(default_factory=list)   # criterion, its bar style


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


@dataclass(frozen=True)
class CandidateRow:
    """What the ranking shows of an initiative (plain columns: no ORM objects for 2 000 rows)."""

    id: int
    ref: str
    title: str
    phase: str
    area: str
    committee: str


def _candidate_rows(area: int | None, committee: int | None) -> list[CandidateRow]:
    unit, parent = aliased(OrgUnit), aliased(OrgUnit)
    stmt = (select(Initiative.id, Initiative.ref, Initiative.title, Initiative.phase,
                   PriorityArea.name, func.coalesce(parent.code, unit.code))
            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
            .join(unit, unit.id == Initiative.owning_unit_id)
            .outerjoin(parent, parent.id == unit.parent_id))
    return [CandidateRow(*row) for row in db.session.execute(_filtered(stmt, area, committee))]


def gate_failures(ids: list[int]) -> dict[int, list[str]]:
    """For each initiative, the prioritisation gates it fails (one query)."""
    programme = current_programme()
    codes = list(programme.prioritisation.gates)
    if not codes or not ids:
        return {}
    conds = conditions(programme.risk.acceptable_max_score)
    rows = db.session.execute(select(Initiative.id, *[conds[c].label(c) for c in codes])
                              .where(Initiative.id.in_(ids)))
    return {row[0]: [c for c, ok in zip(codes, row[1:], strict=True) if not ok] for row in rows}


def costs(year: int, ids: list[int]) -> dict[int, Decimal]:
    """Cost this year against the ceiling: funding from the ceiling's source, summed in SQL."""
    source_code = current_programme().prioritisation.ceiling_source
    stmt = (select(FundingLine.initiative_id, func.sum(FundingLine.amount))
            .where(FundingLine.year == year, FundingLine.initiative_id.in_(ids))
            .group_by(FundingLine.initiative_id))
    if source_code:
        stmt = stmt.join(FundingSource).where(FundingSource.code == source_code)
    return {i: total for i, total in db.session.execute(stmt)} if ids else {}


def max_risk(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return {i: s for i, s in db.session.execute(
        select(Risk.initiative_id, func.max(Risk.probability * Risk.consequence))
        .where(Risk.initiative_id.in_(ids), Risk.kind == RISK, Risk.status.in_(OPEN_STATUSES))
        .group_by(Risk.initiative_id))}


def scores_of(criteria_set: CriteriaSet, ids: list[int]) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = {}
    if not ids:
        return result
    for ini_id, code, value in db.session.execute(
            select(Score.initiative_id, Criterion.code, Score.score).join(Criterion)
            .where(Criterion.set_id == criteria_set.id, Score.initiative_id.in_(ids))):
        result.setdefault(ini_id, {})[code] = value
    return result


def ranking(criteria_set: CriteriaSet, *, area: int | None = None, committee: int | None = None,
            weights: dict[str, Decimal] | None = None, ceiling: Decimal | None = None,
            what_if: bool = False) -> Ranking:
    """The ranking with each row's display values (breakdown bar and texts)."""
    result = _rank(criteria_set, area=area, committee=committee, weights=weights, ceiling=ceiling,
                   what_if=what_if)
    _prepare_rows(result)
    return result


def _rank(criteria_set: CriteriaSet, *, area: int | None = None, committee: int | None = None,
          weights: dict[str, Decimal] | None = None, ceiling: Decimal | None = None,
          what_if: bool = False) -> Ranking:
    """Gates, scores, order and budget line; no display values (a constant number of queries)."""
    criteria = list(criteria_set.criteria)
    weights = weights or {c.code: c.weight for c in criteria}
    result = Ranking(criteria_set, criteria, weights,
                     ceiling if what_if else criteria_set.budget_ceiling, what_if=what_if)
    initiatives = _candidate_rows(area, committee)
    ids = [i.id for i in initiatives]
    failures = gate_failures(ids)
    all_scores = scores_of(criteria_set, ids)
    cost = costs(criteria_set.year, ids)
    risk = max_risk(ids)
    complete = []
    weighted = [c for c, w in weights.items() if w > 0]
    for ini in initiatives:
        if failures.get(ini.id):
            result.failing.append((ini, failures[ini.id]))
            continue
        scores = all_scores.get(ini.id, {})
        if any(code not in scores for code in weighted):
            result.unscored.append((ini, len(scores)))
            continue
        complete.append(scoring.Candidate(
            ini.id, ini.ref, scores, cost.get(ini.id, Decimal(0)),
            extra={"initiative": ini, "risk": risk.get(ini.id),
                   "parts": scoring.contributions(scores, weights)}))
    result.ranked = scoring.rank(complete, weights)
    result.cut = scoring.apply_budget(result.ranked, result.ceiling)
    return result


def _prepare_rows(result: Ranking) -> None:
    """Per-row display values computed once in Python (a 2 000-row table stays fast)."""
    phase_names = {code: str(label) for code, label in PHASE_LABELS.items()}
    codes = [c.code for c in result.criteria]
    names = {c.code: c.name for c in result.criteria}
    styles = {c.code: f"breakdown__part--{i % BREAKDOWN_STYLES}" for i, c in enumerate(result.criteria)}
    result.legend = [(c, styles[c.code]) for c in result.criteria]
    for c in result.ranked:
        parts = c.extra["parts"]
        # The parts of the row's bar: (style, width in %, title). Each criterion keeps its legend
        # position (colour and pattern) whatever is left out; the template draws them.
        c.extra["bar_parts"] = [(styles[code], f"{parts[code]:.2f}", f"{names[code]}: {c.scores.get(code, '–')}")
                                for code in codes if parts[code] > 0]
        c.extra["score_text"] = format_decimal(c.score)
        c.extra["breakdown_text"] = " · ".join(f"{names[code]}: {c.scores.get(code, '–')}"
                                               for code in codes)
        ini = c.extra["initiative"]
        c.extra["meta"] = f"{ini.area} · {ini.committee} · {phase_names.get(ini.phase, ini.phase)}"
        c.extra["cost_text"] = format_kronor(c.cost)
        c.extra["cumulative_text"] = format_kronor(c.cumulative)


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
        weights = {c.code: c.weight for c in criteria_set.criteria}
        scores = scores_of(criteria_set, [initiative_id]).get(initiative_id, {})
        scored, total = len(scores), len(weights)
        try:
            result = _rank(criteria_set)
        except scoring.ScoringError:      # no weighted criteria: nothing can be scored or ranked
            result = None
        if result is not None:
            ranked_count = len(result.ranked)
            mine = next((c for c in result.ranked if c.id == initiative_id), None)
            if mine is not None:
                score, rank = mine.score, mine.rank
                within_budget = mine.within_budget if result.ceiling is not None else None
            else:   # scored but not ranked (fails a gate, or no longer a candidate)
                try:
                    score = scoring.weighted_score(scores, weights)
                except scoring.ScoringError:
                    score = None
    return InitiativePriority(initiative_id, year, score, scored, total, rank, ranked_count,
                              within_budget, decision)


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
