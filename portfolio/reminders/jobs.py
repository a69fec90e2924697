"""The reminder jobs (registered with `portfolio.jobs.engine.job`): the hourly digest run
(scheduled five past every hour; each run sends what is due and not yet sent) and the project
office's one-off reminder about missing period follow-ups."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portfolio.jobs.engine import job
from portfolio.jobs.worker import scheduled
from portfolio.reminders import runs

RUN, PERIOD = "reminders.run", "reminders.period"


@job(RUN, label=_l("Påminnelser"), retries=3)
def run_reminders(user_email: str | None = None) -> dict[str, Any]:
    return runs.run_digests(only_email=user_email)


@job(PERIOD, label=_l("Påminnelse om uppföljning"), retries=3)
def period_reminder(year: int, code: str, day: str | None = None) -> dict[str, Any]:
    return runs.send_period_reminder(year, code, day)


scheduled(RUN, cron="5 * * * *")
