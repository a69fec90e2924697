from __future__ import annotations

from dataclasses import dataclass

from portfolio.domain import risk_scale
from portfolio.extensions import db
from portfolio.programme.services import current_programme
from portfolio.risks.models import OPEN_STATUSES, Risk


def facts(risk: Risk) -> risk_scale.RiskFacts:
    return risk_scale.RiskFacts(
        kind=risk.kind, probability=risk.probability, consequence=risk.consequence,
        residual_probability=risk.residual_probability,
        residual_consequence=risk.residual_consequence, is_open=risk.status in OPEN_STATUSES,
        has_mitigation=bool(risk.mitigation), has_owner=bool(risk.owner),
        has_due_date=risk.due_date is not None)


@dataclass(frozen=True)
class RiskOverview:
    risks: list[Risk]
    flagged_ids: set[int]
    before: dict[tuple[int, int], int]
    after: dict[tuple[int, int], int]
    bands: tuple
    acceptable: int

    def band(self, score: int):
        return risk_scale.band_for(score, self.bands)


def overview(initiative_id: int) -> RiskOverview:
    scale = current_programme().risk
    risks = list(db.session.scalars(db.select(Risk).where(Risk.initiative_id == initiative_id)
                                    .order_by((Risk.probability * Risk.consequence).desc(), Risk.id)))
    all_facts = [facts(r) for r in risks]
    return RiskOverview(
        risks=risks,
        flagged_ids={r.id for r, f in zip(risks, all_facts, strict=True)
                     if risk_scale.needs_action(f, scale.acceptable_max_score)},
        before=risk_scale.matrix(all_facts, residual=False),
        after=risk_scale.matrix(all_facts, residual=True),
        bands=scale.bands, acceptable=scale.acceptable_max_score)
