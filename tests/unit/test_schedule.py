"""Due dates: pure functions, tested across year ends and month ends."""

from dataclasses import dataclass
from datetime import date

import pytest

from portfolio.domain import schedule as S


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 11, 15), 3, date(2026, 2, 15)),     # across a year end
    (date(2025, 12, 31), 1, date(2026, 1, 31)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),      # month end clamps
    (date(2027, 12, 31), 2, date(2028, 2, 29)),     # leap year
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 3, 1), 12, date(2026, 3, 1)),
])
def test_add_months(day, months, expected):
    assert S.add_months(day, months) == expected


@pytest.mark.parametrize("frequency, anchor, expected", [
    ("manad", date(2025, 12, 20), date(2026, 1, 20)),
    ("kvartal", date(2025, 11, 30), date(2026, 2, 28)),
    ("halvar", date(2025, 7, 1), date(2026, 1, 1)),
    ("ar", date(2025, 2, 28), date(2026, 2, 28)),
])
def test_next_measurement_due(frequency, anchor, expected):
    assert S.next_measurement_due(anchor, frequency) == expected


def test_anchor_without_measurements():
    created = date(2025, 6, 1)
    assert S.measurement_anchor(None, None, None, created) == created
    assert S.measurement_anchor(None, None, 2026, created) == date(2026, 1, 1)
    assert S.measurement_anchor(None, date(2025, 3, 1), 2026, created) == date(2025, 3, 1)
    assert S.measurement_anchor(date(2025, 9, 9), date(2025, 3, 1), 2026, created) == date(2025, 9, 9)


def test_due_state():
    today = date(2026, 1, 10)
    late = S.due_state(date(2025, 12, 31), today)
    assert late.overdue and late.days_late == 10 and not late.due_soon
    soon = S.due_state(date(2026, 2, 1), today)
    assert not soon.overdue and soon.due_soon
    later = S.due_state(date(2026, 6, 1), today)
    assert not later.overdue and not later.due_soon


@dataclass
class Def:
    code: str
    name: str
    month: int
    day: int


PERIODS = [Def("delar", "Delår", 8, 31), Def("helar", "Helår", 12, 31)]


@pytest.mark.parametrize("today, expected", [
    (date(2026, 1, 15), (2025, "helar")),   # January: last year's full year
    (date(2026, 8, 30), (2025, "helar")),
    (date(2026, 8, 31), (2026, "delar")),
    (date(2026, 12, 31), (2026, "helar")),
])
def test_current_period(today, expected):
    period = S.current_period(today, PERIODS)
    assert (period.year, period.code) == expected
