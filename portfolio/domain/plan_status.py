"""A committee's plan status on a given day, from its plan history. Pure.

A plan counts as decided from its decision date (or, when the date is unknown, from 1 January of
its first period year) until the day it was replaced. Work on a plan counts from the day it
started. Without either, the plan is missing (saknas)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MISSING, IN_PROGRESS, DECIDED = "saknas", "under_arbete", "beslutad"


@dataclass(frozen=True)
class PlanFacts:
    id: int
    status: str
    started_on: date | None
    decided_on: date | None
    period_start: int | None
    replaced_on: date | None
    created_on: date

    @property
    def effective_decided(self) -> date | None:
        if self.status not in ("beslutad", "ersatt"):
            return None
        if self.decided_on:
            return self.decided_on
        return date(self.period_start, 1, 1) if self.period_start else self.created_on


@dataclass(frozen=True)
class StatusAsOf:
    status: str
    plan_id: int | None


def status_as_of(plans: list[PlanFacts], day: date) -> StatusAsOf:
    decided = [p for p in plans if p.effective_decided and p.effective_decided <= day
               and (p.replaced_on is None or p.replaced_on > day)]
    if decided:
        latest = max(decided, key=lambda p: (p.effective_decided, p.id))
        return StatusAsOf(DECIDED, latest.id)
    working = [p for p in plans if p.status != "saknas"
               and (p.started_on or p.created_on) <= day
               and not (p.effective_decided and p.effective_decided <= day)]
    if working:
        return StatusAsOf(IN_PROGRESS, max(working, key=lambda p: p.id).id)
    return StatusAsOf(MISSING, None)


def as_of_date(year: int, today: date) -> date:
    """The view of a past year is its 31 December; the current year is today."""
    return min(date(year, 12, 31), today)


def next_revision(revision_month: int, after: date) -> date:
    """The first day of the revision month after `after`."""
    candidate = date(after.year, revision_month, 1)
    return candidate if candidate > after else date(after.year + 1, revision_month, 1)
