"""When is something due? Pure date arithmetic for measurements and follow-up periods."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

FREQUENCY_MONTHS = {"manad": 1, "kvartal": 3, "halvar": 6, "ar": 12}
DUE_SOON_DAYS = 30


def add_months(day: date, months: int) -> date:
    """Same day `months` later; the 31st becomes the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def measurement_anchor(last_measured: date | None, baseline_date: date | None,
                       first_year: int | None, created: date) -> date:
    """From when the next measurement counts: the last measurement, else the baseline date,
    else 1 January of the benefit's first year, else the day it was registered."""
    if last_measured:
        return last_measured
    if baseline_date:
        return baseline_date
    if first_year:
        return date(first_year, 1, 1)
    return created


def next_measurement_due(anchor: date, frequency: str) -> date:
    return add_months(anchor, FREQUENCY_MONTHS[frequency])


@dataclass(frozen=True)
class DueState:
    due: date
    overdue: bool
    due_soon: bool
    days_late: int


def due_state(due: date, today: date, soon_days: int = DUE_SOON_DAYS) -> DueState:
    return DueState(due=due, overdue=due < today, due_soon=today <= due <= today + timedelta(days=soon_days),
                    days_late=max(0, (today - due).days))


@dataclass(frozen=True)
class Period:
    year: int
    code: str
    ends: date


def period_end(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def periods_for_year(year: int, definitions) -> list[Period]:
    """The programme's follow-up periods of one year, in date order."""
    return sorted((Period(year, d.code, period_end(year, d.month, d.day)) for d in definitions),
                  key=lambda p: p.ends)


def current_period(today: date, definitions) -> Period:
    """The latest period that has ended on or before today (last year's last one in January)."""
    candidates = [p for y in (today.year - 1, today.year) for p in periods_for_year(y, definitions)
                  if p.ends <= today]
    return max(candidates, key=lambda p: p.ends)


def next_period(today: date, definitions) -> Period:
    """The first period that ends after today (its follow-up can be written before it ends)."""
    candidates = [p for y in (today.year, today.year + 1) for p in periods_for_year(y, definitions)
                  if p.ends > today]
    return min(candidates, key=lambda p: p.ends)


def within_lead(due: date, today: date, lead_days: int) -> bool:
    """Whether `due` is today or later and at most `lead_days` ahead ("due soon"); with no lead
    time nothing is due soon before its day."""
    return lead_days > 0 and today <= due <= today + timedelta(days=lead_days)
