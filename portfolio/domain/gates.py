"""The governance rule for phase moves, as one pure verdict. No Flask, no database.

- Moving forward follows the main flow one phase at a time (`phases.check_transition`).
- A move forward (or back into the main flow from a side state) passes the target phase's gate:
  the programme file's documents, and from *prioriterad* on a recorded portfolio decision that
  names the initiative (`completeness.DECISION`).
- The project office may pass a gate that is not met, with a written reason (an override that is
  logged and shown); nobody may skip a phase.
- Moves backwards, into a side state (pausad, avslagen, avbruten) and out of a closed state need a
  written reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.domain import completeness
from portfolio.domain import phases as P

# Refusal codes, in the order they are checked.
SAME, UNKNOWN, SKIP, CLOSED = "same", "unknown", "skip", "closed"
REASON_REQUIRED = "reason_required"
GATE = "gate"
OVERRIDE_NOT_ALLOWED = "override_not_allowed"
OVERRIDE_REASON = "override_reason"


@dataclass(frozen=True)
class MoveVerdict:
    target: str
    allowed: bool
    refusal: str | None = None            # one of the codes above when not allowed
    missing: tuple[str, ...] = ()         # requirement codes the gate lacks (also when overridden)
    overridden: bool = False              # allowed only through the office's override

    @property
    def gate_met(self) -> bool:
        return not self.missing


def needs_reason(current: str, target: str) -> bool:
    """Backwards, into a side state, or out of a closed one: say why."""
    if current in P.TERMINAL or target in P.SIDE_STATES:
        return True
    return (current in P.MAIN_FLOW and target in P.MAIN_FLOW
            and P.MAIN_FLOW.index(target) < P.MAIN_FLOW.index(current))


def judge_move(current: str, target: str, *, gates: dict, status: dict[str, bool], office: bool,
               override: bool = False, reason: str | None = None) -> MoveVerdict:
    """May an initiative in `current`, whose requirements hold as in `status`, move to `target`?"""
    check = P.check_transition(current, target, office=office)
    if not check.allowed:
        return MoveVerdict(target, False, check.reason)
    has_reason = bool((reason or "").strip())
    if needs_reason(current, target) and not has_reason:
        return MoveVerdict(target, False, REASON_REQUIRED)
    if not P.is_forward(current, target):
        return MoveVerdict(target, True)
    missing = tuple(completeness.missing(target, gates, status))
    if not missing:
        return MoveVerdict(target, True)
    if not override:
        return MoveVerdict(target, False, GATE, missing)
    if not office:
        return MoveVerdict(target, False, OVERRIDE_NOT_ALLOWED, missing)
    if not has_reason:
        return MoveVerdict(target, False, OVERRIDE_REASON, missing)
    return MoveVerdict(target, True, None, missing, overridden=True)


@dataclass(frozen=True)
class DecisionOutcome:
    """What recording a decision will do to one initiative it names."""

    current: str
    target: str | None        # the phase the decision leads to (None: the decision moves nothing)
    action: str               # "moves" | "stays" | "blocked" | "overridden"
    verdict: MoveVerdict | None = None


def decision_outcome(current: str, decision_target: str | None, *, gates: dict,
                     status: dict[str, bool], move: bool, override_reason: str | None = None
                     ) -> DecisionOutcome:
    """A decision never moves an initiative backwards or past a gate it does not meet. `status`
    must already count the decision being recorded; `move`: the office asked to move the named
    initiatives through their gates; `override_reason`: the office passes unmet gates, with it."""
    if decision_target is None or not move or current == decision_target:
        return DecisionOutcome(current, decision_target, "stays")
    if decision_target in P.MAIN_FLOW and current in P.MAIN_FLOW and (
            P.MAIN_FLOW.index(current) > P.MAIN_FLOW.index(decision_target)):
        return DecisionOutcome(current, decision_target, "stays")   # never backwards
    if decision_target in P.SIDE_STATES and current in P.TERMINAL:
        return DecisionOutcome(current, decision_target, "stays")   # already closed
    verdict = judge_move(current, decision_target, gates=gates, status=status, office=True,
                         override=bool(override_reason), reason=override_reason or "beslut")
    if not verdict.allowed:
        return DecisionOutcome(current, decision_target, "blocked", verdict)
    return DecisionOutcome(current, decision_target, "overridden" if verdict.overridden else "moves",
                           verdict)
