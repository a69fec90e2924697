"""Read side of the decision form: the initiatives a decision may name, each with what its gate
to *prioriterad* still lacks besides the decision itself (one query for the whole list)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portfolio.decision_basis.requirements import conditions
from portfolio.domain import completeness
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.programme.services import current_programme


@dataclass(frozen=True)
class DecisionCandidate:
    initiative: Initiative
    missing: tuple[str, ...]     # requirement codes for prioriterad other than the decision

    @property
    def past_prioritised(self) -> bool:
        phase = self.initiative.phase
        return phase in P.MAIN_FLOW and P.MAIN_FLOW.index(phase) >= P.MAIN_FLOW.index(P.PRIORITERAD)


def decision_candidates() -> list[DecisionCandidate]:
    programme = current_programme()
    codes = [c for c in completeness.required_for(P.PRIORITERAD, programme.gates)
             if c != completeness.DECISION]
    conds = conditions(programme.risk.acceptable_max_score)
    stmt = (select(Initiative, *[conds[c].label(c) for c in codes])
            .where(Initiative.archived.is_(False),
                   Initiative.phase.in_(programme.prioritisation.candidate_phases))
            .order_by(Initiative.ref))
    return [DecisionCandidate(row[0], tuple(c for c, ok in zip(codes, row[1:], strict=True) if not ok))
            for row in db.session.execute(stmt)]
