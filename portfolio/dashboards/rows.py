"""The rows a dashboard reader returns (API version 1): frozen, typed named tuples. Part of the
plugin contract; plugins import them through `portfolio.dashboards.contract`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Generic, NamedTuple, TypeVar

V = TypeVar("V")

# SHADOWS_COUNT: rows with a `count` field (API v1 names) shadow the tuple method `count`; that is
# valid at runtime (collections.namedtuple always allowed it) but typeshed declares tuple.count as
# a method, so mypy reports the field as an incompatible override. The ignores say only that.


# -- rows the reader returns (frozen named tuples) -------------------------------------------------
# Committee names are the committee (nämnd) an initiative's owning unit belongs to. Kronor and
# årsarbetare are Decimal sums computed in SQL.

class AreaPhase(NamedTuple):
    area: str
    phase: str
    count: int  # type: ignore[assignment]  # see SHADOWS_COUNT


class Named(NamedTuple):
    """A count per name (a committee, usually)."""

    name: str
    count: int  # type: ignore[assignment]  # see SHADOWS_COUNT


class NamedAmount(NamedTuple):
    name: str
    amount: Decimal


class Money3(NamedTuple):
    """Kronor per group (a committee or a priority area) and source (a funding source's name,
    or a benefit kind for `realised_by_area`)."""

    group: str
    source: str
    amount: Decimal


class Span(NamedTuple):
    ref: str
    title: str
    start: date
    end: date | None
    area: str


class Systematics(NamedTuple):
    """Per committee, among initiatives past the idea stage: how many have each part."""

    committee: str
    initiatives: int
    needs: int
    involvement: int
    risks: int
    risks_handled: int
    benefit_case: int
    benefit_owner: int
    closed: int
    evaluated: int
    followed_up: int


class Cell(NamedTuple):
    """A cell of the 5×5 risk matrix."""

    probability: int
    consequence: int
    count: int  # type: ignore[assignment]  # see SHADOWS_COUNT


class YearMoney(NamedTuple):
    year: int
    kind: str
    planned: Decimal
    realised: Decimal


class YearValue(NamedTuple, Generic[V]):
    """A value per year: årsarbetare (Decimal) or a share in per cent (int)."""

    year: int
    value: V


class Share(NamedTuple):
    committee: str
    matching: int
    total: int
    committee_id: int


class BenefitPlanLine(NamedTuple):
    """A financial or freed-time benefit's planning parameters (as `domain.benefit_calc.
    planned_totals` takes them): realisation_share in per cent, ramp_up as stored ("50;80")."""

    kind: str
    first_year: int
    last_year: int | None
    amount: Decimal | None
    volume: Decimal | None
    minutes_saved: Decimal | None
    hourly_cost: Decimal | None
    realisation_share: Decimal | None
    ramp_up: str | None


class AreaBenefitPlanLine(NamedTuple):
    """A BenefitPlanLine with its initiative's primary priority area first (`row[1:]` is the line)."""

    area: str
    kind: str
    first_year: int
    last_year: int | None
    amount: Decimal | None
    volume: Decimal | None
    minutes_saved: Decimal | None
    hourly_cost: Decimal | None
    realisation_share: Decimal | None
    ramp_up: str | None


class CommitteeBenefitPlanLine(NamedTuple):
    """A BenefitPlanLine with its committee first (`row[1:]` is the line)."""

    committee: str
    kind: str
    first_year: int
    last_year: int | None
    amount: Decimal | None
    volume: Decimal | None
    minutes_saved: Decimal | None
    hourly_cost: Decimal | None
    realisation_share: Decimal | None
    ramp_up: str | None


class CommitteeArea(NamedTuple):
    committee: str
    area: str
    count: int  # type: ignore[assignment]  # see SHADOWS_COUNT


class CommitteeAmount(NamedTuple):
    committee: str
    amount: Decimal


class CommitteeKindAmount(NamedTuple):
    committee: str
    kind: str
    amount: Decimal


class CommitteeRiskScore(NamedTuple):
    """Open risks per committee and score; unhandled: above the acceptable level without
    mitigation, owner or due date."""

    committee: str
    score: int
    count: int  # type: ignore[assignment]  # see SHADOWS_COUNT
    unhandled: int


# Rows about plans, audits and recommendations.
class PlanStateRow(NamedTuple):
    """A committee's plan as of the year read; is_demo: the plan is invented demo data."""

    committee: str
    status: str
    title: str | None
    decided_on: date | None
    diarienummer: str | None
    next_revision: date | None
    overdue: bool
    is_demo: bool
    committee_id: int
    plan_id: int | None


class ShareMemberRow(NamedTuple):
    """An initiative counted for one of the audit questions' shares, and whether it meets the metric."""

    committee_id: int
    committee: str
    initiative_id: int
    ref: str
    title: str
    phase: str
    matches: bool


class ResponseCountRow(NamedTuple):
    """Responses per committee and status as of the year read (status "ej_besvarad": not yet
    answered); demo: how many of them have that status from an invented (demo) status change."""

    committee: str
    status: str
    count: int  # type: ignore[assignment]  # see SHADOWS_COUNT
    demo: int


class ActionCountRow(NamedTuple):
    """The committees' actions as of the year read; demo: done-marks that are invented."""

    committee: str
    total: int
    done: int
    overdue: int
    demo: int


class AuditScopeRow(NamedTuple):
    """The audit(s) of the year read: which committees they cover (a fact of the audit)."""

    year: int
    audits: tuple[str, ...]
    committees: tuple[str, ...]
    committee_ids: tuple[int, ...]


class AnswerRow(NamedTuple):
    """A committee's answer to one recommendation as of the year read, with its actions then."""

    committee_id: int
    committee: str
    code: str | None
    text: str
    status: str
    demo: bool
    actions: int
    actions_done: int
    evidence: str | None


class AuditQuestionRow(NamedTuple):
    """One of the audit's questions: number, short label and the audit's own wording."""

    number: int
    label: str
    wording: str
    audit: str


class FrameYearRow(NamedTuple):
    """A funding frame's use, per year of the frame: kronor from the frame's source registered
    on initiatives that year, and cumulative from the frame's first year to that year."""

    year: int
    registered: Decimal
    cumulative: Decimal


class FrameInitiativesRow(NamedTuple):
    """How many initiatives have funding lines counted against a frame; demo: how many of them
    are demo data."""

    initiatives: int
    demo: int
