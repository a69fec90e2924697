"""The application's clock: naive UTC for stored timestamps, Sweden's date for today, moved in
tests by time-machine (never by a setting)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from flask import Flask

from portfolio import clock
from portfolio.changelog import services as changelog


@pytest.mark.parametrize(("utc", "swedish_day"), [
    (datetime(2026, 11, 26, 22, 59, tzinfo=UTC), date(2026, 11, 26)),   # 23:59 in Stockholm (CET)
    (datetime(2026, 11, 26, 23, 0, tzinfo=UTC), date(2026, 11, 27)),    # midnight in Stockholm
    (datetime(2026, 11, 27, 0, 30, tzinfo=UTC), date(2026, 11, 27)),
    (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),     # 23:59 in summer (CEST)
    (datetime(2026, 6, 30, 22, 0, tzinfo=UTC), date(2026, 7, 1)),       # midnight in summer
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),     # a new year in Sweden first
])
def test_today_is_the_date_in_stockholm_around_midnight_utc(utc, swedish_day):
    with time_machine.travel(utc, tick=False):
        assert clock.today() == swedish_day
        assert clock.now() == utc.replace(tzinfo=None)


def test_now_is_naive_utc_and_the_change_log_uses_it():
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)     # the night Sweden moves to summer time
    with time_machine.travel(moment, tick=False):
        assert clock.now().tzinfo is None
        assert clock.now() == datetime(2026, 3, 29, 0, 30)
        assert changelog.now() == clock.now()


def test_no_setting_moves_the_clock():
    app = Flask(__name__)
    app.config["FROZEN_TODAY"] = date(2001, 1, 1)
    with time_machine.travel(datetime(2026, 11, 27, 11, tzinfo=UTC), tick=False), app.app_context():
        assert clock.today() == date(2026, 11, 27)


def test_frozen_stands_at_noon_in_sweden_and_ticks(frozen):
    assert frozen == date(2026, 11, 27) == clock.today()
    first = clock.now()
    assert datetime(2026, 11, 27, 11) <= first < datetime(2026, 11, 27, 11, 1)   # 12:00 CET
    assert clock.now() >= first
