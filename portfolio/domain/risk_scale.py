"""Risk scoring: score = probability × consequence (each 1–5), bands from the programme."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol


class Band(Protocol):
    code: str
    name: str
    min: int
    max: int


def score(probability: int, consequence: int) -> int:
    if not (1 <= probability <= 5 and 1 <= consequence <= 5):
        raise ValueError("probability and consequence are 1–5")
    return probability * consequence


def band_for(value: int, bands) -> Band:
    for band in bands:
        if band.min <= value <= band.max:
            return band
    raise ValueError(f"no band covers {value}")


@dataclass(frozen=True)
class RiskFacts:
    kind: str                     # "risk" or "mojlighet"
    probability: int
    consequence: int
    residual_probability: int | None
    residual_consequence: int | None
    is_open: bool
    has_mitigation: bool
    has_owner: bool
    has_due_date: bool


def needs_action(risk: RiskFacts, acceptable_max: int) -> bool:
    """An open risk above the acceptable level without mitigation, owner and due date."""
    return (risk.kind == "risk" and risk.is_open
            and score(risk.probability, risk.consequence) > acceptable_max
            and not (risk.has_mitigation and risk.has_owner and risk.has_due_date))


def matrix(risks: list[RiskFacts], *, residual: bool) -> dict[tuple[int, int], int]:
    """Counts per (probability, consequence) cell; after mitigation only risks that have both
    residual values are placed (a risk without them is not assumed unchanged). Opportunities are
    left out."""
    cells: Counter = Counter()
    for r in risks:
        if r.kind != "risk":
            continue
        p, c = r.probability, r.consequence
        if residual:
            if r.residual_probability is None or r.residual_consequence is None:
                continue
            p, c = r.residual_probability, r.residual_consequence
        cells[(p, c)] += 1
    return {(p, c): cells.get((p, c), 0) for p in range(1, 6) for c in range(1, 6)}
