"""Read the state of an initiative's decision basis."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portfolio.benefits.models import Benefit
from portfolio.benefits.services import get_case
from portfolio.decision_basis.requirements import conditions, unhandled_risk_condition
from portfolio.domain import completeness
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.needs.models import NeedsAnalysis
from portfolio.programme.services import current_programme
from portfolio.risks.models import Risk, RiskAssessment


def requirement_status(initiative_id: int) -> dict[str, bool]:
    """Every requirement for one initiative, evaluated in one query."""
    acceptable = current_programme().risk.acceptable_max_score
    conds = conditions(acceptable)
    row = db.session.execute(
        select(*[c.label(code) for code, c in conds.items()]).where(Initiative.id == initiative_id)
    ).one()
    return {code: bool(value) for code, value in row._mapping.items()}


@dataclass(frozen=True)
class BasisSummary:
    phase: str
    status: dict[str, bool]
    needs_status: str | None          # None, "utkast", "klar"
    risk_count: int
    unhandled_risks: int
    no_significant_risks: bool
    benefit_count: int
    benefits_without_owner: int
    has_case: bool
    missing_now: list[str]
    next_phase: str | None
    missing_next: list[str]


def summary(ini) -> BasisSummary:
    programme = current_programme()
    status = requirement_status(ini.id)
    acceptable = programme.risk.acceptable_max_score
    needs_status = db.session.scalar(select(NeedsAnalysis.status).where(
        NeedsAnalysis.initiative_id == ini.id))
    risk_count, unhandled = db.session.execute(select(
        func.count(Risk.id),
        func.count(Risk.id).filter(unhandled_risk_condition(acceptable))).where(
        Risk.initiative_id == ini.id)).one()
    no_risks = bool(db.session.scalar(select(RiskAssessment.no_significant_risks).where(
        RiskAssessment.initiative_id == ini.id)))
    benefit_count, without_owner = db.session.execute(select(
        func.count(Benefit.id), func.count(Benefit.id).filter(Benefit.owner.is_(None))).where(
        Benefit.initiative_id == ini.id)).one()
    gates = programme.gates
    nxt = completeness.next_main_phase(ini.phase)
    return BasisSummary(
        phase=ini.phase, status=status, needs_status=needs_status, risk_count=risk_count,
        unhandled_risks=unhandled, no_significant_risks=no_risks, benefit_count=benefit_count,
        benefits_without_owner=without_owner, has_case=get_case(ini.id) is not None,
        missing_now=completeness.missing(ini.phase, gates, status),
        next_phase=nxt, missing_next=completeness.missing(nxt, gates, status) if nxt else [])
