"""Prioritisation: weighted score, ranking and the budget line. Pure.

score = 100 × Σ wᵢsᵢ / (5 Σ wᵢ), each sᵢ in 1–5, weights ≥ 0 and not all zero.

Ties are broken by a documented rule: (1) the higher total score; (2) the lower cost this year
(more initiatives fit under the ceiling); (3) the higher score on the most heavily weighted
criterion; (4) the earlier registration (reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SCORE_MIN, SCORE_MAX = 1, 5


class ScoringError(ValueError):
    pass


def check_weights(weights: dict[str, Decimal]) -> None:
    if not weights:
        raise ScoringError("Det finns inga kriterier.")
    if any(w < 0 for w in weights.values()):
        raise ScoringError("Vikter kan inte vara negativa.")
    if sum(weights.values()) == 0:
        raise ScoringError("Minst en vikt måste vara större än noll.")


def weighted_score(scores: dict[str, int], weights: dict[str, Decimal]) -> Decimal:
    """0–100 with two decimals. Every weighted criterion must have a score 1–5."""
    check_weights(weights)
    return _weighted(scores, weights, 5 * sum(weights.values(), Decimal(0)))


def _weighted(scores: dict[str, int], weights: dict[str, Decimal], denominator: Decimal) -> Decimal:
    """A criterion weighted 0 does not count, so it need not be scored."""
    for code in (c for c, w in weights.items() if w):
        value = scores.get(code)
        if value is None:
            raise ScoringError(f"Poäng saknas för {code}.")
        if not SCORE_MIN <= value <= SCORE_MAX:
            raise ScoringError(f"Poäng ska vara 1–5 ({code}: {value}).")
    total = sum((Decimal(w) * scores[c] for c, w in weights.items() if w), Decimal(0))
    return (Decimal(100) * total / denominator).quantize(Decimal("0.01"))


def contributions(scores: dict[str, int], weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each criterion's share of the 0–100 score (they add up to the score)."""
    check_weights(weights)
    denominator = 5 * sum(weights.values(), Decimal(0))
    return {c: Decimal(100) * Decimal(w) * scores.get(c, 0) / denominator if w else Decimal(0)
            for c, w in weights.items()}


@dataclass
class Candidate:
    id: int
    ref: str
    scores: dict[str, int]
    cost: Decimal
    score: Decimal | None = None
    rank: int | None = None
    cumulative: Decimal | None = None
    within_budget: bool | None = None
    extra: dict = field(default_factory=dict)


def rank(candidates: list[Candidate], weights: dict[str, Decimal]) -> list[Candidate]:
    """Score and order fully scored candidates by the documented tie rule."""
    check_weights(weights)
    heaviest = max(weights, key=lambda c: (weights[c], c))
    denominator = 5 * sum(weights.values(), Decimal(0))
    scored: list[tuple[Decimal, Candidate]] = []
    for c in candidates:
        c.score = score = _weighted(c.scores, weights, denominator)
        scored.append((score, c))
    ordered = [c for _, c in sorted(scored, key=lambda sc: (-sc[0], sc[1].cost, -sc[1].scores.get(heaviest, 0),
                                                             sc[1].ref))]
    for position, c in enumerate(ordered, start=1):
        c.rank = position
    return ordered


def apply_budget(ranked: list[Candidate], ceiling: Decimal | None) -> int | None:
    """Cumulative cost down the ranking; returns the rank after which the money runs out."""
    running = Decimal(0)
    cut = None
    for c in ranked:
        running += c.cost
        c.cumulative = running
        c.within_budget = ceiling is None or running <= ceiling
        if ceiling is not None and cut is None and running > ceiling:
            if c.rank is None:
                raise ValueError("apply_budget needs ranked candidates (see rank())")
            cut = c.rank - 1
    return cut


def economics_suggestion(npv: Decimal | None, investment: Decimal | None) -> int | None:
    """NPV per invested krona → a suggested 1–5 score for the economics criterion."""
    if npv is None or not investment:
        return None
    ratio = npv / investment
    if ratio <= 0:
        return 1
    for limit, value in ((Decimal("0.5"), 2), (Decimal(1), 3), (Decimal(2), 4)):
        if ratio < limit:
            return value
    return 5
