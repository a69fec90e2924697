"""The queue's side: what an RQ worker calls (`perform`), the `portfolio worker` process and the
`portfolio scheduler` process that enqueues the scheduled runs (RQ's cron scheduler; no loop of
our own). Both are started by the CLI inside the app's context; a worker forks a work horse per
job, which inherits that context and opens its own database connections."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask

from portfolio.extensions import db
from portfolio.jobs.engine import jobs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    job_name: str
    cron: str          # e.g. "5 * * * *": five past every hour (UTC)


# Scheduled runs, by job name: registered by the features (`scheduled`), read by the scheduler.
_SCHEDULES: dict[str, Schedule] = {}


def scheduled(job_name: str, cron: str) -> None:
    _SCHEDULES[job_name] = Schedule(job_name, cron)


def schedules() -> list[Schedule]:
    return list(_SCHEDULES.values())


_pid_with_pool = os.getpid()


def _own_connections() -> None:
    """A forked work horse must not share the parent's pooled database connections."""
    global _pid_with_pool
    if os.getpid() != _pid_with_pool:
        db.engine.dispose(close=False)
        _pid_with_pool = os.getpid()


def perform(record_id: int) -> None:
    """What RQ runs: the job `record_id`. The last attempt records a failure instead of raising."""
    from rq import get_current_job

    _own_connections()
    queue_job = get_current_job()
    final = queue_job is None or not queue_job.retries_left
    try:
        jobs().run(record_id, final=final)
    finally:
        db.session.remove()


def enqueue_scheduled(job_name: str) -> None:
    """What the cron scheduler puts on the queue: ask for one run of `job_name` for this hour
    (a second scheduler, or a second tick in the same hour, gets the same job)."""
    _own_connections()
    try:
        engine = jobs()
        engine.reconcile()
        hour = datetime.now(UTC).strftime("%Y-%m-%dT%H")
        engine.enqueue(job_name, dedupe_key=f"{job_name}@{hour}")
    finally:
        db.session.remove()


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Work the app's queue until stopped (or, with `burst`, until it is empty)."""
    from rq import Worker

    engine = app.extensions["portfolio.jobs"]
    db.session.remove()
    db.engine.dispose()
    worker = Worker([engine.queue()], connection=engine.connection())
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def run_scheduler(app: Flask) -> None:
    """Enqueue every scheduled run at its time, until stopped."""
    from rq.cron import CronScheduler

    engine = app.extensions["portfolio.jobs"]
    scheduler = CronScheduler(connection=engine.connection(), name=f"{engine.queue_name}-scheduler")
    for item in schedules():
        scheduler.register(enqueue_scheduled, queue_name=engine.queue_name, args=(item.job_name,),
                           cron=item.cron, name=item.job_name)
    scheduler.start()
