"""The read side of `/admin/jobs`: the latest background jobs, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portfolio.admin.queries import local_time
from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.jobs.engine import label_of
from portfolio.jobs.models import DONE, FAILED, QUEUED, RETRYING, RUNNING, BackgroundJob

LIMIT = 200
STATUS_LABELS = {QUEUED: _l("i kö"), RUNNING: _l("pågår"), RETRYING: _l("försöker igen"),
                 DONE: _l("klart"), FAILED: _l("misslyckades")}


@dataclass(frozen=True)
class JobRow:
    id: int
    label: str
    status: str
    status_label: str
    attempts: int
    created_by: str | None
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    error: str | None


def recent_jobs(status: str | None) -> list[JobRow]:
    stmt = (select(BackgroundJob, User.name).outerjoin(User, User.id == BackgroundJob.created_by_id)
            .order_by(BackgroundJob.id.desc()).limit(LIMIT))
    if status:
        stmt = stmt.where(BackgroundJob.status == status)
    return [JobRow(record.id, str(label_of(record.name)), record.status,
                   str(STATUS_LABELS.get(record.status, record.status)), record.attempts, name,
                   local_time(record.created_at), local_time(record.started_at),
                   local_time(record.finished_at), record.error)
            for record, name in db.session.execute(stmt)]
