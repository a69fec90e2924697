"""A background job as people see it: what was asked, by whom, how it went. The queue (RQ on
Redis) or the web process runs it; this row is what `/admin/jobs` lists and what a progress page
reads, in both modes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portfolio import clock
from portfolio.extensions import Model

QUEUED, RUNNING, RETRYING, DONE, FAILED = "queued", "running", "retrying", "done", "failed"
STATUSES = (QUEUED, RUNNING, RETRYING, DONE, FAILED)
UNFINISHED = (QUEUED, RUNNING, RETRYING)


class BackgroundJob(Model):
    __tablename__ = "background_job"
    __table_args__ = (Index("ix_background_job_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # One run per key (e.g. a scheduled run per hour): a second request for it gets the first job.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    queue_id: Mapped[str | None] = mapped_column(String(100))     # the RQ job's id, when queued
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)
