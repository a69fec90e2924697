"""Completeness of the decision basis and the phase gates. Pure: it gets facts, not records.

The programme file names, per phase, the requirements that must hold before an initiative
enters it; gates add up along the main flow. Whatever the file says, entering *prioriterad* or
any later main phase also needs a recorded portfolio decision that names the initiative
(`portfolio_decision`): that is what makes the prioritisation impossible to bypass silently."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from portfolio.domain import phases as P

DECISION = "portfolio_decision"
REQUIREMENT_CODES = (
    DECISION, "priority_area", "needs_analysis_complete", "user_involvement", "digital_inclusion",
    "benefit_case", "benefit_owner", "risk_analysis", "risks_handled", "need_owner",
    "project_lead", "initiative_benefit_owner", "funding", "evaluation",
)


def required_for(phase: str, gates: Mapping[str, Sequence[str]]) -> list[str]:
    """Requirements to be in `phase`: its own gate plus every earlier main-flow gate."""
    if phase not in P.MAIN_FLOW:
        return []
    codes: list[str] = []
    if P.MAIN_FLOW.index(phase) >= P.MAIN_FLOW.index(P.PRIORITERAD):
        codes.append(DECISION)
    for step in P.MAIN_FLOW[: P.MAIN_FLOW.index(phase) + 1]:
        for code in gates.get(step, []):
            if code not in codes:
                codes.append(code)
    return codes


def next_main_phase(phase: str) -> str | None:
    if phase in P.MAIN_FLOW and phase != P.MAIN_FLOW[-1]:
        return P.MAIN_FLOW[P.MAIN_FLOW.index(phase) + 1]
    return None


def missing(phase: str, gates: Mapping[str, Sequence[str]], status: dict[str, bool]) -> list[str]:
    """Requirement codes of `phase` that do not hold, in gate order."""
    return [code for code in required_for(phase, gates) if not status.get(code, False)]


@dataclass(frozen=True)
class GateVerdict:
    target: str
    missing: tuple[str, ...]

    @property
    def passes(self) -> bool:
        return not self.missing


def check_gate(target: str, gates: Mapping[str, Sequence[str]], status: dict[str, bool]) -> GateVerdict:
    return GateVerdict(target, tuple(missing(target, gates, status)))
