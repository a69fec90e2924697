"""Each requirement of the decision basis as one SQL condition on an initiative.

One definition serves the detail page (evaluated for one initiative), the phase gate and the
register's "underlag saknas" filter (evaluated over the whole list in one query)."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, not_, or_, select, tuple_

from portfolio.benefits.models import Benefit, BenefitCase
from portfolio.domain import completeness
from portfolio.domain import phases as P
from portfolio.followups.models import Evaluation
from portfolio.initiatives.models import FundingLine, Initiative
from portfolio.needs.models import COMPLETE, NeedsAnalysis
from portfolio.prioritisation.models import PortfolioDecision, decision_initiative
from portfolio.risks.models import OPEN_STATUSES, RISK, Risk, RiskAssessment


def _needs(*conditions):
    return exists(select(NeedsAnalysis.id).where(
        NeedsAnalysis.initiative_id == Initiative.id, *conditions))


def unhandled_risk_condition(acceptable_max: int):
    """An open risk above the acceptable level without mitigation, owner and due date."""
    return and_(Risk.kind == RISK, Risk.status.in_(OPEN_STATUSES),
                Risk.probability * Risk.consequence > acceptable_max,
                or_(Risk.mitigation.is_(None), Risk.owner.is_(None), Risk.due_date.is_(None)))


def decision_condition():
    """The initiative's latest portfolio decision (by date, then entry) prioritises it."""
    decision = PortfolioDecision.__table__.alias("prio_decision")
    later = PortfolioDecision.__table__.alias("later_decision")
    link = decision_initiative.alias("prio_link")
    later_link = decision_initiative.alias("later_link")
    return exists(
        select(decision.c.id)
        .join(link, link.c.decision_id == decision.c.id)
        .where(link.c.initiative_id == Initiative.id, decision.c.decision == "prioriterad",
               not_(exists(select(later.c.id)
                           .join(later_link, later_link.c.decision_id == later.c.id)
                           .where(later_link.c.initiative_id == Initiative.id,
                                  later.c.decision != "prioriterad",
                                  tuple_(later.c.decided_on, later.c.id)
                                  > tuple_(decision.c.decided_on, decision.c.id))))))


def conditions(acceptable_max: int) -> dict:
    has_benefit = exists(select(Benefit.id).where(Benefit.initiative_id == Initiative.id))
    return {
        completeness.DECISION: decision_condition(),
        "priority_area": Initiative.primary_area_id.is_not(None),
        "needs_analysis_complete": _needs(NeedsAnalysis.status == COMPLETE),
        "user_involvement": _needs(NeedsAnalysis.involvement_who.is_not(None),
                                   NeedsAnalysis.involvement_how.is_not(None),
                                   NeedsAnalysis.involvement_when.is_not(None)),
        "digital_inclusion": _needs(NeedsAnalysis.inclusion_considered.is_(True),
                                    NeedsAnalysis.inclusion_how.is_not(None)),
        "benefit_case": and_(
            exists(select(BenefitCase.id).where(BenefitCase.initiative_id == Initiative.id)),
            has_benefit),
        "benefit_owner": and_(has_benefit, not_(exists(select(Benefit.id).where(
            Benefit.initiative_id == Initiative.id, Benefit.owner.is_(None))))),
        "risk_analysis": or_(
            exists(select(Risk.id).where(Risk.initiative_id == Initiative.id)),
            exists(select(RiskAssessment.id).where(
                RiskAssessment.initiative_id == Initiative.id,
                RiskAssessment.no_significant_risks.is_(True)))),
        "risks_handled": not_(exists(select(Risk.id).where(
            Risk.initiative_id == Initiative.id, unhandled_risk_condition(acceptable_max)))),
        "need_owner": Initiative.need_owner.is_not(None),
        "project_lead": Initiative.project_lead.is_not(None),
        "initiative_benefit_owner": Initiative.benefit_owner.is_not(None),
        "funding": exists(select(FundingLine.id).where(FundingLine.initiative_id == Initiative.id)),
        "evaluation": exists(select(Evaluation.id).where(Evaluation.initiative_id == Initiative.id)),
    }


assert set(completeness.REQUIREMENT_CODES) == set(conditions(9)), "requirement codes drifted"


def basis_missing_condition(gates: dict, acceptable_max: int, *, ahead: bool):
    """SQL: the initiative lacks something its current phase requires (ahead=False) or that
    its next phase will require (ahead=True)."""
    conds = conditions(acceptable_max)
    clauses = []
    for phase in P.MAIN_FLOW:
        target = completeness.next_main_phase(phase) if ahead else phase
        codes = completeness.required_for(target, gates) if target else []
        if codes:
            clauses.append(and_(Initiative.phase == phase, not_(and_(*[conds[c] for c in codes]))))
    return or_(*clauses) if clauses else false()

