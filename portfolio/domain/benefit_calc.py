"""Nyttokalkyl: the benefit case arithmetic (DESIGN.md §3). Pure and exact (Decimal only).

Years are offsets t = 0 … horizon−1 from the case's start year. Net C_t = B_t − K_t;
NPV = Σ C_t / (1 + r)^t; payback = first t where the cumulative undiscounted net ≥ 0 (None if
never); benefit/cost ratio = PV(B) / PV(K) (None without costs). Budget-releasing money
(finansiell) and freed time (omfördelning) are summed apart: freed time is not a budget cut.
Negative benefits (negativ nytta) reduce B_t. Qualitative benefits carry no kronor.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from portfolio.numbers import parse_shares

ZERO = Decimal(0)
ONE = Decimal(1)
ORE = Decimal("0.01")

FINANCIAL = "finansiell"
REALLOCATION = "omfordelning"
QUALITATIVE = "kvalitativ"
NEGATIVE = "negativ"
MONEY_KINDS = (FINANCIAL, REALLOCATION)    # benefits counted in kronor as realised value
BENEFIT_TYPES = (FINANCIAL, REALLOCATION, QUALITATIVE, NEGATIVE)

MAX_HORIZON = 30


class CalculationError(ValueError):
    pass


@dataclass(frozen=True)
class CostLine:
    """A cost in each year t in [first, last]: `amount` kronor, or `hours` × `hourly_cost`."""

    first: int
    last: int
    amount: Decimal | None = None
    hours: Decimal | None = None
    hourly_cost: Decimal | None = None

    def per_year(self) -> Decimal:
        if self.amount is not None:
            return self.amount
        return (self.hours or ZERO) * (self.hourly_cost or ZERO)


@dataclass(frozen=True)
class BenefitLine:
    """A benefit in each year t in [first, last], scaled by a ramp-up for its first years.

    finansiell / negativ: `amount` kronor per year.
    omfördelning: volume per year × minutes saved / 60 × hourly cost × realisation share.
    kvalitativ: no kronor.
    `ramp_up`: shares (0–1) for the line's first years; later years count in full."""

    kind: str
    first: int
    last: int
    amount: Decimal | None = None
    volume: Decimal | None = None
    minutes_saved: Decimal | None = None
    hourly_cost: Decimal | None = None
    realisation_share: Decimal = ONE
    ramp_up: tuple[Decimal, ...] = ()

    def full_year_value(self) -> Decimal:
        if self.kind in (FINANCIAL, NEGATIVE):
            return self.amount or ZERO
        if self.kind == REALLOCATION:
            return ((self.volume or ZERO) * (self.minutes_saved or ZERO) / Decimal(60)
                    * (self.hourly_cost or ZERO) * self.realisation_share)
        return ZERO

    def value_in(self, t: int) -> Decimal:
        if not self.first <= t <= self.last:
            return ZERO
        step = t - self.first
        share = self.ramp_up[step] if step < len(self.ramp_up) else ONE
        return self.full_year_value() * share


@dataclass(frozen=True)
class YearFigures:
    t: int
    costs: Decimal
    financial: Decimal
    reallocation: Decimal
    negative: Decimal

    @property
    def benefits(self) -> Decimal:
        return self.financial + self.reallocation - self.negative

    @property
    def net(self) -> Decimal:
        return self.benefits - self.costs


@dataclass(frozen=True)
class CaseResult:
    years: tuple[YearFigures, ...]
    npv: Decimal
    payback_year: int | None
    benefit_cost_ratio: Decimal | None
    pv_benefits: Decimal
    pv_costs: Decimal
    total_costs: Decimal
    total_financial: Decimal
    total_reallocation: Decimal
    total_negative: Decimal
    cumulative: tuple[Decimal, ...] = field(default=())


def discount_factor(rate: Decimal, t: int) -> Decimal:
    return ONE / (ONE + rate) ** t


def npv(nets: list[Decimal], rate: Decimal) -> Decimal:
    return sum((c * discount_factor(rate, t) for t, c in enumerate(nets)), ZERO)


def payback_year(nets: list[Decimal]) -> int | None:
    """First t where the cumulative net is ≥ 0 once the net has been positive at least once (a
    case whose net never turns positive has no payback, even while its cumulative sum is 0)."""
    running, seen_positive = ZERO, False
    for t, c in enumerate(nets):
        running += c
        seen_positive = seen_positive or c > ZERO
        if seen_positive and running >= ZERO:
            return t
    return None


def calculate(horizon: int, rate: Decimal, costs: list[CostLine],
              benefits: list[BenefitLine]) -> CaseResult:
    """Per-year figures and key ratios. Raises CalculationError for an impossible case."""
    with localcontext() as ctx:
        ctx.prec = 80   # room for extreme but valid inputs (a ratio of 10^30 still quantizes)
        return _calculate(horizon, rate, costs, benefits)


def _calculate(horizon: int, rate: Decimal, costs: list[CostLine],
               benefits: list[BenefitLine]) -> CaseResult:
    if not 1 <= horizon <= MAX_HORIZON:
        raise CalculationError(f"horizon must be 1–{MAX_HORIZON}")
    if rate <= Decimal(-1):
        raise CalculationError("discount rate must be above -100 %")
    lines: list[CostLine | BenefitLine] = [*costs, *benefits]
    for line in lines:
        if not 0 <= line.first <= line.last < horizon:
            raise CalculationError("line outside the horizon")
    years = []
    for t in range(horizon):
        by_kind = {k: sum((b.value_in(t) for b in benefits if b.kind == k), ZERO)
                   for k in (FINANCIAL, REALLOCATION, NEGATIVE)}
        cost = sum((c.per_year() for c in costs if c.first <= t <= c.last), ZERO)
        years.append(YearFigures(t, cost, by_kind[FINANCIAL], by_kind[REALLOCATION],
                                 by_kind[NEGATIVE]))
    nets = [y.net for y in years]
    pv_b = sum((y.benefits * discount_factor(rate, y.t) for y in years), ZERO)
    pv_k = sum((y.costs * discount_factor(rate, y.t) for y in years), ZERO)
    cumulative, running = [], ZERO
    for c in nets:
        running += c
        cumulative.append(running)
    return CaseResult(
        years=tuple(years),
        npv=npv(nets, rate).quantize(ORE),
        payback_year=payback_year(nets),
        benefit_cost_ratio=(pv_b / pv_k).quantize(ORE) if pv_k > ZERO else None,
        pv_benefits=pv_b.quantize(ORE), pv_costs=pv_k.quantize(ORE),
        total_costs=sum((y.costs for y in years), ZERO),
        total_financial=sum((y.financial for y in years), ZERO),
        total_reallocation=sum((y.reallocation for y in years), ZERO),
        total_negative=sum((y.negative for y in years), ZERO),
        cumulative=tuple(cumulative),
    )


RAMP_UP_LOCALE = "sv"   # how a ramp-up is written and stored, whatever the reader's language


@functools.lru_cache(maxsize=4096)    # pure and immutable: a dashboard parses each benefit per row
def parse_ramp_up(text: str | None) -> tuple[Decimal, ...]:
    """"50; 80" → (0.5, 0.8): shares of full benefit for the first years, each 0–100 %.
    Strict: raises ValueError on anything else (the service validates input with it, and the
    calculation reads stored text with it, so what was accepted is what is calculated). Read
    the same way in every language (decimal comma or point), without Flask."""
    return parse_shares(text, locale=RAMP_UP_LOCALE)


# Stored benefit parameters: (kind, first year, last year, amount, volume, minutes saved, hourly
# cost, realisation share %, ramp-up as stored, e.g. "50;80"). The dashboard reader's
# BenefitPlanLine rows have this shape.
PlannedParameters = tuple[str, int, int | None, Decimal | None, Decimal | None, Decimal | None,
                          Decimal | None, Decimal | None, str | None]


def planned_totals(lines: Iterable[PlannedParameters]) -> dict[tuple[int, str], Decimal]:
    """Planned kronor per (calendar year, kind) from stored benefit parameters:
    (kind, first, last, amount, volume, minutes, hourly cost, realisation share %, ramp-up).
    A tuple of lines (what the dashboard reader returns, asked for by several plugins and the
    yearly report) is computed once and the result copied."""
    if isinstance(lines, tuple):
        return dict(_planned_totals_of(lines))
    return _planned_totals(lines)


@functools.lru_cache(maxsize=16)
def _planned_totals_of(lines: tuple[PlannedParameters, ...]) -> dict[tuple[int, str], Decimal]:
    return _planned_totals(lines)


def _planned_totals(lines: Iterable[PlannedParameters]) -> dict[tuple[int, str], Decimal]:
    """Equal lines (one benefit's parameters in several initiatives, copies) are valued once and
    counted: the sums are exact either way."""
    totals: dict[tuple[int, str], Decimal] = {}
    counted: Counter[PlannedParameters] = Counter(lines)
    for (kind, first, last, amount, volume, minutes, hourly, share, ramp), times in counted.items():
        line = BenefitLine(kind=kind, first=first, last=last or first, amount=amount, volume=volume,
                           minutes_saved=minutes, hourly_cost=hourly,
                           realisation_share=(share if share is not None else Decimal(100)) / 100,
                           ramp_up=parse_ramp_up(ramp))
        for year in range(line.first, line.last + 1):
            totals[(year, kind)] = totals.get((year, kind), Decimal(0)) + line.value_in(year) * times
    return totals
