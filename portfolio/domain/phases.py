"""Initiative phases and which phase changes are allowed.

Main flow: idé → behovsanalys → prioriterad → planering → genomförande → uppföljning → avslutad.
Side states: pausad, avslagen, avbruten. An active initiative may take one step forward (never
more, not even for the project office), go back to any earlier main phase, or be paused, rejected
or cancelled. A paused initiative resumes in any main phase up to genomförande (the project
office may resume it later in the flow). Reopening a closed, rejected or cancelled initiative is
a portfolio-office decision. Which moves also need a reason, and the gates, are in `gates`.
"""

from __future__ import annotations

from dataclasses import dataclass

IDE = "ide"
BEHOVSANALYS = "behovsanalys"
PRIORITERAD = "prioriterad"
PLANERING = "planering"
GENOMFORANDE = "genomforande"
UPPFOLJNING = "uppfoljning"
AVSLUTAD = "avslutad"
PAUSAD = "pausad"
AVSLAGEN = "avslagen"
AVBRUTEN = "avbruten"

MAIN_FLOW = (IDE, BEHOVSANALYS, PRIORITERAD, PLANERING, GENOMFORANDE, UPPFOLJNING, AVSLUTAD)
SIDE_STATES = (PAUSAD, AVSLAGEN, AVBRUTEN)
ALL_PHASES = MAIN_FLOW + SIDE_STATES
TERMINAL = (AVSLUTAD, AVSLAGEN, AVBRUTEN)
# Phases in which an initiative counts as active in the portfolio.
ACTIVE = (BEHOVSANALYS, PRIORITERAD, PLANERING, GENOMFORANDE, UPPFOLJNING)


@dataclass(frozen=True)
class TransitionCheck:
    allowed: bool
    reason: str | None = None  # machine code: "same", "unknown", "skip", "closed"


def check_transition(current: str, target: str, *, office: bool) -> TransitionCheck:
    """May an initiative in `current` move to `target`? `office`: the user is portfolio office."""
    if target not in ALL_PHASES:
        return TransitionCheck(False, "unknown")
    if target == current:
        return TransitionCheck(False, "same")
    if current in TERMINAL:
        return TransitionCheck(office, None if office else "closed")
    if target in SIDE_STATES:
        return TransitionCheck(True)
    if current == PAUSAD:
        ok = MAIN_FLOW.index(target) <= MAIN_FLOW.index(GENOMFORANDE) or office
        return TransitionCheck(ok, None if ok else "skip")
    step = MAIN_FLOW.index(target) - MAIN_FLOW.index(current)
    if step <= 1:
        return TransitionCheck(True)
    return TransitionCheck(False, "skip")


def is_forward(current: str, target: str) -> bool:
    """Into the main flow from a side state, or further along it."""
    if target not in MAIN_FLOW:
        return False
    return current not in MAIN_FLOW or MAIN_FLOW.index(target) > MAIN_FLOW.index(current)


def allowed_targets(current: str, *, office: bool) -> list[str]:
    return [p for p in ALL_PHASES if check_transition(current, p, office=office).allowed]
