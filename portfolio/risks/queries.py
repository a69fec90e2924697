from __future__ import annotations

from dataclasses import dataclass

from portfolio.domain import risk_scale
from portfolio.extensions import db
from portfolio.programme.services import current_programme
from portfolio.risks.models import OPEN_STATUSES, RISK, Risk


def facts(risk: Risk) -> risk_scale.RiskFacts:
    return risk_scale.RiskFacts(
        kind=risk.kind, probability=risk.probability, consequence=risk.consequence,
        residual_probability=risk.residual_probability,
        residual_consequence=risk.residual_consequence, is_open=risk.status in OPEN_STATUSES,
        has_mitigation=bool(risk.mitigation), has_owner=bool(risk.owner),
        has_due_date=risk.due_date is not None)


def has_after_values(risk: risk_scale.RiskFacts) -> bool:
    return risk.residual_probability is not None and risk.residual_consequence is not None


@dataclass(frozen=True)
class ScorePreview:
    score: int
    band_code: str
    band_name: str


def score_preview(probability, consequence) -> ScorePreview | None:
    """Score and band of two form values, or None unless both are whole numbers 1–5."""
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5
               for v in (probability, consequence)):
        return None
    value = risk_scale.score(probability, consequence)
    band = risk_scale.band_for(value, current_programme().risk.bands)
    return ScorePreview(value, band.code, band.name)


def bands_for_script() -> list[dict]:
    """The programme's risk bands as plain data for the form's live score."""
    return [{"code": b.code, "name": b.name, "min": b.min, "max": b.max}
            for b in current_programme().risk.bands]


@dataclass(frozen=True)
class RiskOverview:
    risks: list[Risk]
    flagged_ids: set[int]
    before: dict[tuple[int, int], int]
    after: dict[tuple[int, int], int]
    without_after: int            # risks left out of the after-matrix: no residual values
    bands: tuple
    acceptable: int

    def band(self, score: int):
        return risk_scale.band_for(score, self.bands)


def risks_of(initiative_id: int) -> list[Risk]:
    """An initiative's risks and opportunities in the order they were added (the API's list)."""
    return list(db.session.scalars(db.select(Risk).where(Risk.initiative_id == initiative_id)
                                   .order_by(Risk.id)))


def overview(initiative_id: int) -> RiskOverview:
    scale = current_programme().risk
    risks = list(db.session.scalars(db.select(Risk).where(Risk.initiative_id == initiative_id)
                                    .order_by((Risk.probability * Risk.consequence).desc(), Risk.id)))
    all_facts = [facts(r) for r in risks]
    # After mitigation: only risks assessed after mitigation (both residual values); the rest
    # are counted apart instead of being shown at their original place.
    assessed = [f for f in all_facts if has_after_values(f)]
    return RiskOverview(
        risks=risks,
        flagged_ids={r.id for r, f in zip(risks, all_facts, strict=True)
                     if risk_scale.needs_action(f, scale.acceptable_max_score)},
        before=risk_scale.matrix(all_facts, residual=False),
        after=risk_scale.matrix(assessed, residual=True),
        without_after=sum(1 for f in all_facts if f.kind == RISK and not has_after_values(f)),
        bands=scale.bands, acceptable=scale.acceptable_max_score)
