"""Prioritisation: pure scoring and ranking with hand cases and properties."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portfolio.domain import scoring as S

D = Decimal
W = {"a": D(3), "b": D(1)}


def test_formula():
    # 100 × (3×5 + 1×1) / (5 × 4) = 80
    assert S.weighted_score({"a": 5, "b": 1}, W) == D("80.00")
    assert S.weighted_score({"a": 1, "b": 1}, W) == D("20.00")
    assert S.weighted_score({"a": 5, "b": 5}, {"a": D("0.7"), "b": D("12.3")}) == D("100.00")


@pytest.mark.parametrize("weights, message", [
    ({"a": D(0), "b": D(0)}, "Minst en vikt"),
    ({"a": D(-1), "b": D(2)}, "negativa"),
    ({}, "inga kriterier"),
])
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(S.ScoringError, match=message):
        S.weighted_score({"a": 3, "b": 3}, weights)


def test_scores_outside_1_5_are_refused():
    with pytest.raises(S.ScoringError):
        S.weighted_score({"a": 6, "b": 1}, W)
    with pytest.raises(S.ScoringError):
        S.weighted_score({"a": 0, "b": 1}, W)
    with pytest.raises(S.ScoringError):
        S.weighted_score({"a": 3}, W)


def c(ref, a, b, cost=0):
    return S.Candidate(id=hash(ref), ref=ref, scores={"a": a, "b": b}, cost=D(cost))


def test_tie_rule():
    # Same total (a=4,b=4 vs a=4,b=4): lower cost first; then the heaviest criterion; then ref.
    ranked = S.rank([c("DIG-3", 4, 4, 300), c("DIG-2", 4, 4, 100), c("DIG-1", 4, 4, 100)], W)
    assert [x.ref for x in ranked] == ["DIG-1", "DIG-2", "DIG-3"]
    # 3×5+1×1 = 16 = 3×4+1×4: equal totals, equal cost → higher on 'a' (heaviest) wins.
    ranked = S.rank([c("DIG-9", 4, 4), c("DIG-8", 5, 1)], W)
    assert [x.ref for x in ranked] == ["DIG-8", "DIG-9"]


def test_budget_line():
    ranked = S.rank([c("A", 5, 5, 600), c("B", 4, 4, 500), c("C", 3, 3, 100)], W)
    assert S.apply_budget(ranked, D(1000)) == 1
    assert [x.within_budget for x in ranked] == [True, False, False]
    assert [x.cumulative for x in ranked] == [D(600), D(1100), D(1200)]
    assert S.apply_budget(ranked, None) is None


def test_economics_suggestion():
    assert S.economics_suggestion(D(-5), D(100)) == 1
    assert S.economics_suggestion(D(40), D(100)) == 2
    assert S.economics_suggestion(D(250), D(100)) == 5
    assert S.economics_suggestion(D(10), D(0)) is None


scores = st.integers(1, 5)
weights = st.dictionaries(st.sampled_from("abcdef"), st.decimals(0, 10, places=2), min_size=1)


@given(weights, st.data())
def test_raising_one_score_never_lowers_the_total(ws, data):
    assume(sum(ws.values()) > 0)
    base = {k: data.draw(scores) for k in ws}
    code = data.draw(st.sampled_from(sorted(ws)))
    assume(base[code] < 5)
    higher = dict(base, **{code: base[code] + 1})
    assert S.weighted_score(higher, ws) >= S.weighted_score(base, ws)


@given(st.lists(st.tuples(scores, scores, st.integers(0, 10**6)), min_size=1, max_size=12),
       st.decimals(min_value=D("0.01"), max_value=1000, places=2),
       st.decimals(0, 10, places=2), st.decimals(0, 10, places=2))
def test_ranking_is_invariant_to_scaling_all_weights(rows, factor, wa, wb):
    assume(wa + wb > 0)
    make = lambda: [S.Candidate(i, f"R{i:03d}", {"a": a, "b": b}, D(cost))  # noqa: E731
                    for i, (a, b, cost) in enumerate(rows)]
    ws = {"a": wa, "b": wb}
    scaled = {k: v * factor for k, v in ws.items()}
    assert [x.ref for x in S.rank(make(), ws)] == [x.ref for x in S.rank(make(), scaled)]


def test_a_zero_weight_criterion_need_not_be_scored():
    weights = {"a": D(2), "b": D(0)}
    assert S.weighted_score({"a": 5}, weights) == D("100.00")
    ranked = S.rank([S.Candidate(1, "R1", {"a": 3}, D(0)), S.Candidate(2, "R2", {"a": 4, "b": 1}, D(0))], weights)
    assert [c.ref for c in ranked] == ["R2", "R1"]
    assert S.contributions({"a": 5}, weights) == {"a": D(100), "b": D(0)}
