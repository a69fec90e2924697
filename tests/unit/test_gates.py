"""The governance rule for phase moves (pure): one step at a time, a portfolio decision from
*prioriterad* on, the office's override only with a reason, reasons for moving back."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.domain import completeness
from portfolio.domain import gates as G
from portfolio.domain import phases as P

GATES = {"prioriterad": ["needs_analysis_complete"], "genomforande": ["risk_analysis"]}
ALL_DOCS = {"needs_analysis_complete": True, "risk_analysis": True}


def status(decision: bool, docs: bool = True) -> dict[str, bool]:
    return {completeness.DECISION: decision} | {k: docs for k in ALL_DOCS}


def test_decision_is_required_from_prioriterad_on_whatever_the_file_says():
    assert completeness.DECISION not in completeness.required_for(P.BEHOVSANALYS, {})
    for phase in P.MAIN_FLOW[P.MAIN_FLOW.index(P.PRIORITERAD):]:
        assert completeness.required_for(phase, {})[0] == completeness.DECISION
    assert completeness.required_for(P.PAUSAD, GATES) == []


def test_the_audits_jump_is_refused():
    """Behovsanalys → genomförande with complete documents but no decision: refused."""
    verdict = G.judge_move(P.BEHOVSANALYS, P.GENOMFORANDE, gates=GATES, status=status(False),
                           office=True)
    assert not verdict.allowed and verdict.refusal == G.SKIP


@pytest.mark.parametrize("current, target", list(itertools.permutations(P.ALL_PHASES, 2)))
@pytest.mark.parametrize("decision", [True, False])
@pytest.mark.parametrize("override", [True, False])
def test_every_pair_of_phases(current, target, decision, override):
    reason = "Motiverat av projektkontoret"
    verdict = G.judge_move(current, target, gates=GATES, status=status(decision), office=True,
                           override=override, reason=reason)
    transition = P.check_transition(current, target, office=True)
    if not transition.allowed:
        assert not verdict.allowed and verdict.refusal == transition.reason
        return
    forward = P.is_forward(current, target)
    needs_decision = forward and P.MAIN_FLOW.index(target) >= P.MAIN_FLOW.index(P.PRIORITERAD)
    if needs_decision and not decision:
        # without a decision only the office's override with a reason lets it through
        assert verdict.allowed is override
        assert verdict.overridden is override
        assert completeness.DECISION in verdict.missing
    else:
        assert verdict.allowed and not verdict.overridden
    if forward and current in P.MAIN_FLOW:
        assert P.MAIN_FLOW.index(target) == P.MAIN_FLOW.index(current) + 1   # never a skip


@pytest.mark.parametrize("current, target", [
    (P.GENOMFORANDE, P.PAUSAD), (P.GENOMFORANDE, P.AVBRUTEN), (P.PLANERING, P.BEHOVSANALYS),
    (P.AVSLUTAD, P.UPPFOLJNING), (P.AVSLAGEN, P.BEHOVSANALYS)])
def test_moves_back_and_aside_need_a_reason(current, target):
    without = G.judge_move(current, target, gates=GATES, status=status(True), office=True)
    assert not without.allowed and without.refusal == G.REASON_REQUIRED
    with_reason = G.judge_move(current, target, gates=GATES, status=status(True), office=True,
                               reason="Budgeten är omprioriterad")
    assert with_reason.allowed


def test_override_needs_the_office_and_a_reason():
    args = dict(gates=GATES, status=status(False))
    assert G.judge_move(P.BEHOVSANALYS, P.PRIORITERAD, office=False, override=True, reason="x",
                        **args).refusal == G.OVERRIDE_NOT_ALLOWED
    assert G.judge_move(P.BEHOVSANALYS, P.PRIORITERAD, office=True, override=True, reason="  ",
                        **args).refusal == G.OVERRIDE_REASON
    ok = G.judge_move(P.BEHOVSANALYS, P.PRIORITERAD, office=True, override=True, reason="Akut", **args)
    assert ok.allowed and ok.overridden and ok.missing == (completeness.DECISION,)


def test_paused_initiative_resumes_through_the_gate():
    refused = G.judge_move(P.PAUSAD, P.GENOMFORANDE, gates=GATES, status=status(False), office=True)
    assert refused.refusal == G.GATE and completeness.DECISION in refused.missing
    assert G.judge_move(P.PAUSAD, P.GENOMFORANDE, gates=GATES, status=status(True), office=False).allowed


@pytest.mark.parametrize("current, decision, expected", [
    (P.BEHOVSANALYS, "prioriterad", "moves"),
    (P.GENOMFORANDE, "prioriterad", "stays"),     # never backwards
    (P.IDE, "prioriterad", "blocked"),            # would skip behovsanalys
    (P.PLANERING, "avslag", "moves"),
    (P.AVSLUTAD, "avbryt", "stays"),              # already closed
    (P.BEHOVSANALYS, "avvaktar", "stays"),
])
def test_decision_outcomes(current, decision, expected):
    target = {"prioriterad": P.PRIORITERAD, "avslag": P.AVSLAGEN, "avbryt": P.AVBRUTEN}.get(decision)
    outcome = G.decision_outcome(current, target, gates=GATES, status=status(decision == "prioriterad"),
                                 move=True)
    assert outcome.action == expected


def test_decision_never_moves_past_a_gate_it_does_not_meet():
    target = P.PRIORITERAD
    blocked = G.decision_outcome(P.BEHOVSANALYS, target, gates=GATES, status=status(True, docs=False),
                                 move=True)
    assert blocked.action == "blocked" and blocked.verdict.missing == ("needs_analysis_complete",)
    overridden = G.decision_outcome(P.BEHOVSANALYS, target, gates=GATES, status=status(True, docs=False),
                                    move=True, override_reason="KS beslutade trots ofullständigt underlag")
    assert overridden.action == "overridden"
    assert G.decision_outcome(P.BEHOVSANALYS, target, gates=GATES, status=status(True, docs=False),
                              move=False).action == "stays"


moves = st.lists(st.tuples(st.sampled_from(P.ALL_PHASES), st.booleans(), st.booleans(),
                           st.sampled_from([None, "", "Skäl"])), max_size=30)


@settings(max_examples=300, deadline=None)
@given(moves=moves, docs=st.booleans(), office=st.booleans())
def test_no_sequence_of_allowed_moves_reaches_genomforande_without_decision_or_logged_override(
        moves, docs, office):
    phase, overrides = P.IDE, []
    for target, override, as_office, reason in moves:
        verdict = G.judge_move(phase, target, gates=GATES, status=status(False, docs), office=office and as_office,
                               override=override, reason=reason)
        if not verdict.allowed:
            continue
        if verdict.overridden:
            assert (reason or "").strip()
            overrides.append((phase, target))
        phase = target
        if phase == P.GENOMFORANDE:
            assert overrides, "reached genomförande without a decision and without an override"
