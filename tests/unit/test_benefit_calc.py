"""Nyttokalkyl: hand-computed cases and properties."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from portfolio.domain import benefit_calc as calc

D = Decimal


def issue_case(rate="0.03"):
    """Investment 600 000 kr in year 0, running cost 120 000 kr/yr in years 1–4, freed time
    2 000 h/yr × 450 kr in years 1–4, five-year horizon."""
    costs = [calc.CostLine(first=0, last=0, amount=D(600000)),
             calc.CostLine(first=1, last=4, amount=D(120000))]
    benefits = [calc.BenefitLine(kind=calc.REALLOCATION, first=1, last=4, volume=D(2000),
                                 minutes_saved=D(60), hourly_cost=D(450))]
    return calc.calculate(5, D(rate), costs, benefits)


def test_hand_computed_case_to_the_krona():
    result = issue_case()
    # By hand, in exact fractions: annuity factor Σ_{t=1..4} 1/1.03^t.
    annuity = sum(Fraction(1) / Fraction(103, 100) ** t for t in range(1, 5))
    npv = -600000 + 780000 * annuity                       # 2 299 336.75…
    pv_benefits = 900000 * annuity                          # 3 345 388.56…
    pv_costs = 600000 + 120000 * annuity                    # 1 046 051.81…
    assert round(float(npv)) == 2299337
    assert abs(result.npv - D(round(float(npv), 2))) <= D("0.01")
    assert int(result.npv.to_integral_value()) == 2299337
    assert result.payback_year == 1                         # −600 000 + 780 000 ≥ 0 in year 1
    assert result.benefit_cost_ratio == D(str(round(float(pv_benefits / pv_costs), 2))) == D("3.2")
    assert result.total_reallocation == D(3600000) and result.total_financial == 0
    assert [y.net for y in result.years] == [D(-600000)] + [D(780000)] * 4


def test_freed_time_and_financial_are_apart():
    result = calc.calculate(3, D(0), [], [
        calc.BenefitLine(kind=calc.FINANCIAL, first=0, last=2, amount=D(100)),
        calc.BenefitLine(kind=calc.REALLOCATION, first=0, last=2, volume=D(60),
                         minutes_saved=D(10), hourly_cost=D(600), realisation_share=D("0.5")),
        calc.BenefitLine(kind=calc.NEGATIVE, first=1, last=1, amount=D(30)),
        calc.BenefitLine(kind=calc.QUALITATIVE, first=0, last=2)])
    assert result.total_financial == D(300)
    assert result.total_reallocation == D(9000)   # 60 × 10/60 h × 600 kr × 50 % = 3 000 a year
    assert result.years[1].benefits == D(100) + D(3000) - D(30)
    assert result.benefit_cost_ratio is None      # no costs


def test_ramp_up():
    line = calc.BenefitLine(kind=calc.FINANCIAL, first=1, last=4, amount=D(1000),
                            ramp_up=(D("0.5"), D("0.8")))
    assert [line.value_in(t) for t in range(6)] == [0, D(500), D(800), D(1000), D(1000), 0]


def test_payback_none_when_net_never_positive():
    result = calc.calculate(3, D("0.03"), [calc.CostLine(0, 2, amount=D(10))],
                            [calc.BenefitLine(kind=calc.FINANCIAL, first=0, last=2, amount=D(5))])
    assert result.payback_year is None
    assert calc.payback_year([D(0), D(0)]) is None
    assert calc.payback_year([D(-5), D(5)]) == 1


def test_lines_outside_horizon_are_refused():
    import pytest

    with pytest.raises(calc.CalculationError):
        calc.calculate(5, D(0), [calc.CostLine(6, 6, amount=D(1))], [])
    with pytest.raises(calc.CalculationError):
        calc.calculate(0, D(0), [], [])


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=D("0.5"), places=4, allow_nan=False)


@st.composite
def cases(draw, costs_first=False):
    horizon = draw(st.integers(1, 10))
    costs, benefits = [], []
    for _ in range(draw(st.integers(0, 4))):
        first = draw(st.integers(0, horizon - 1))
        last = draw(st.integers(first, horizon - 1))
        costs.append(calc.CostLine(first, last, amount=draw(money)))
    for _ in range(draw(st.integers(0, 4))):
        first = draw(st.integers(0, horizon - 1))
        last = draw(st.integers(first, horizon - 1))
        benefits.append(calc.BenefitLine(kind=calc.FINANCIAL, first=first, last=last,
                                         amount=draw(money)))
    if costs_first:
        # Every cost before every benefit: costs in year 0 only, benefits from year 1.
        costs = [calc.CostLine(0, 0, amount=c.amount) for c in costs]
        benefits = [b for b in benefits if b.first >= 1]
    return horizon, costs, benefits


@given(cases())
def test_npv_at_zero_rate_is_the_undiscounted_sum(case):
    horizon, costs, benefits = case
    result = calc.calculate(horizon, D(0), costs, benefits)
    assert result.npv == sum((y.net for y in result.years), D(0)).quantize(D("0.01"))


@given(cases(costs_first=True), rates, rates)
def test_raising_the_rate_never_raises_npv_when_costs_come_first(case, r1, r2):
    horizon, costs, benefits = case
    low, high = sorted((r1, r2))
    assert calc.calculate(horizon, high, costs, benefits).npv <= \
        calc.calculate(horizon, low, costs, benefits).npv


@given(cases(), rates)
def test_no_payback_when_net_never_positive(case, rate):
    horizon, costs, benefits = case
    result = calc.calculate(horizon, rate, costs, benefits)
    if all(y.net <= 0 for y in result.years):
        assert result.payback_year is None
    else:
        assert result.payback_year is not None or result.cumulative[-1] < 0


def test_extreme_but_valid_inputs_do_not_overflow():
    result = calc.calculate(30, D("0.5"), [calc.CostLine(29, 29, hours=D("0.01"), hourly_cost=D("0.01"))],
                            [calc.BenefitLine(kind=calc.REALLOCATION, first=0, last=29, volume=D(10**9),
                                              minutes_saved=D(10**6), hourly_cost=D(100000))])
    assert result.benefit_cost_ratio is not None and result.benefit_cost_ratio > 10**20
