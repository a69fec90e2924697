"""The application's clock: the one place that reads the time.

Timestamps are stored as naive UTC (`now()`); dates people see and work with are Swedish
(`today()` is the date in Europe/Stockholm). Tests move this clock with time-machine, which
moves the process's clock; nothing here reads a setting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TIME_ZONE = ZoneInfo("Europe/Stockholm")


def now() -> datetime:
    """This moment as naive UTC, as the database stores timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in Sweden."""
    return datetime.now(TIME_ZONE).date()


def local_now() -> datetime:
    """This moment on a Swedish wall clock (naive), for what people read, e.g. "generated at"."""
    return datetime.now(TIME_ZONE).replace(tzinfo=None)
