from dataclasses import dataclass

import pytest

from portfolio.domain import completeness, risk_scale


@dataclass
class Band:
    code: str
    name: str
    min: int
    max: int


BANDS = [Band("lag", "Låg", 1, 4), Band("medel", "Medel", 5, 9), Band("hog", "Hög", 10, 15),
         Band("kritisk", "Kritisk", 16, 25)]


def facts(p, c, **kw):
    base = dict(kind="risk", probability=p, consequence=c, residual_probability=None,
                residual_consequence=None, is_open=True, has_mitigation=False, has_owner=False,
                has_due_date=False)
    base.update(kw)
    return risk_scale.RiskFacts(**base)


def test_bands_and_scores():
    assert risk_scale.band_for(risk_scale.score(2, 2), BANDS).code == "lag"
    assert risk_scale.band_for(risk_scale.score(3, 3), BANDS).code == "medel"
    assert risk_scale.band_for(risk_scale.score(5, 5), BANDS).code == "kritisk"
    with pytest.raises(ValueError):
        risk_scale.score(6, 1)


@pytest.mark.parametrize("risk, flagged", [
    (facts(4, 4), True),
    (facts(4, 4, has_mitigation=True, has_owner=True), True),        # no due date
    (facts(4, 4, has_mitigation=True, has_owner=True, has_due_date=True), False),
    (facts(3, 3), False),                                            # 9 is acceptable
    (facts(5, 5, is_open=False), False),
    (facts(5, 5, kind="mojlighet"), False),
])
def test_needs_action(risk, flagged):
    assert risk_scale.needs_action(risk, 9) is flagged


def test_matrix_before_and_after():
    risks = [facts(4, 4, residual_probability=2, residual_consequence=2), facts(4, 4),
             facts(1, 1, kind="mojlighet")]
    before = risk_scale.matrix(risks, residual=False)
    after = risk_scale.matrix(risks, residual=True)
    assert before[(4, 4)] == 2 and sum(before.values()) == 2
    # only the risk with after-values is placed after mitigation
    assert after[(4, 4)] == 0 and after[(2, 2)] == 1 and sum(after.values()) == 1 and len(after) == 25


GATES = {"prioriterad": ["needs_analysis_complete", "risk_analysis"],
         "genomforande": ["funding", "risks_handled"]}


def test_gates_add_up_along_the_flow():
    assert completeness.required_for("behovsanalys", GATES) == []
    assert completeness.required_for("planering", GATES) == ["portfolio_decision", "needs_analysis_complete",
                                                             "risk_analysis"]
    assert completeness.required_for("avslutad", GATES)[-2:] == ["funding", "risks_handled"]
    assert completeness.required_for("pausad", GATES) == []


def test_check_gate():
    verdict = completeness.check_gate("prioriterad", GATES, {"needs_analysis_complete": True,
                                                             "portfolio_decision": True})
    assert not verdict.passes and verdict.missing == ("risk_analysis",)
    assert completeness.check_gate("prioriterad", GATES, {"needs_analysis_complete": True,
                                                          "risk_analysis": True,
                                                          "portfolio_decision": True}).passes
