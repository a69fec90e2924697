"""Background jobs: one code path, two ways to run it.

With PORTFOLIO_REDIS_URL set, `enqueue` puts the job on an RQ queue and a `portfolio worker`
runs it (retried with backoff when it fails, e.g. SMTP down or a database restart). Without it
(the quick start) the same function runs at once in the web process. Either way a
`BackgroundJob` row says what was asked, by whom and how it went: `/admin/jobs` lists them and a
progress page reads them.

A job function is registered with `@job("name")`, takes JSON-able keyword arguments, runs in an
app context and owns its transactions (`transaction()`); what it returns (a dict, or None) is
stored as the job's result. It may report progress with `report_progress(checked=…, saved=…)`.
Jobs must be idempotent: a retry or a second worker may run the same job again.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portfolio import clock
from portfolio.extensions import db
from portfolio.jobs.models import DONE, FAILED, QUEUED, RETRYING, RUNNING, UNFINISHED, BackgroundJob
from portfolio.transactions import transaction

log = logging.getLogger(__name__)

EXTENSION_KEY = "portfolio.jobs"
PROGRESS_SECONDS = 24 * 3600          # how long live progress is kept in Redis
DEFAULT_RETRY_SECONDS = (30, 120, 600)
LOST_AFTER = timedelta(minutes=2)      # unfinished this long with no job on the queue: lost


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., dict[str, Any] | None]
    label: Any                    # lazy Swedish label for /admin/jobs
    retries: int
    timeout: int                  # seconds


# What can run, by name: filled by the feature modules' `@job` decorators at import (functions,
# not an app: every app and worker process sees the same list).
_REGISTRY: dict[str, JobSpec] = {}
_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("portfolio_job", default=None)


def job(name: str, *, label: Any = None, retries: int = 3, timeout: int = 3600):
    """Register a job function under `name` (unique)."""
    def register(func):
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"job {name!r} is registered twice")
        _REGISTRY[name] = JobSpec(name, func, label or name, retries, timeout)
        return func
    return register


def spec(name: str) -> JobSpec:
    return _REGISTRY[name]


def label_of(name: str) -> Any:
    found = _REGISTRY.get(name)
    return found.label if found else name


class JobError(RuntimeError):
    """A job could not be started; str(error) says why, in Swedish."""


class JobEngine:
    """One per app (`init_jobs`)."""

    def __init__(self, app: Flask):
        config = app.config
        self.redis_url: str | None = config.get("REDIS_URL") or None
        self.queue_name: str = str(config.get("JOB_QUEUE") or "portfolio")
        if config.get("TESTING"):       # every test app its own queue on the shared Redis
            self.queue_name += f"-test-{secrets.token_hex(4)}"
        self.retry_seconds: list[int] = list(config.get("JOB_RETRY_SECONDS") or DEFAULT_RETRY_SECONDS)
        self._connection: Any = None
        self._progress: dict[int, dict[str, Any]] = {}     # embedded mode
        self._lock = threading.Lock()

    # --- the queue -------------------------------------------------------------------------------
    @property
    def queued(self) -> bool:
        """Whether jobs go to RQ (a worker runs them) rather than run at once in this process."""
        return bool(self.redis_url)

    def connection(self):
        if self._connection is None:
            from redis import Redis
            self._connection = Redis.from_url(str(self.redis_url), socket_connect_timeout=5,
                                              socket_timeout=30, health_check_interval=30)
        return self._connection

    def queue(self):
        from rq import Queue
        return Queue(self.queue_name, connection=self.connection())

    def _put_on_queue(self, record: BackgroundJob) -> None:
        from rq import Retry
        job_spec = spec(record.name)
        queue_id = f"{self.queue_name}-{record.id}-{record.attempts}-{secrets.token_hex(3)}"
        retry = (Retry(max=job_spec.retries, interval=self.retry_seconds[:job_spec.retries] or 0)
                 if job_spec.retries else None)
        self.queue().enqueue("portfolio.jobs.worker.perform", record.id, job_id=queue_id,
                             retry=retry, job_timeout=job_spec.timeout, result_ttl=3600,
                             failure_ttl=30 * 24 * 3600, description=record.name)
        with transaction():
            record.queue_id = queue_id

    # --- asking for a job ------------------------------------------------------------------------
    def enqueue(self, name: str, *, created_by_id: int | None = None, dedupe_key: str | None = None,
                **arguments: Any) -> BackgroundJob:
        """Ask for a job; returns its row. Must be called outside any `transaction()` block (the
        row is committed before the job can start; in the embedded mode the job runs now, in
        its own transactions). With `dedupe_key`, a job with that key already asked for is
        returned instead of asking again."""
        if name not in _REGISTRY:
            raise KeyError(f"no job named {name!r}")
        if db.session().info.get("portfolio.transaction_depth"):
            raise RuntimeError("enqueue() inside a transaction: call it after the block")
        db.session.rollback()       # start clean: what the caller read stays read
        try:
            with transaction():
                record = BackgroundJob(name=name, arguments=arguments, status=QUEUED,
                                       dedupe_key=dedupe_key, created_by_id=created_by_id,
                                       attempts=0)
                db.session.add(record)
        except Exception:
            if dedupe_key is None:
                raise
            existing = db.session.scalar(select(BackgroundJob).where(
                BackgroundJob.dedupe_key == dedupe_key))
            if existing is None:
                raise
            return existing
        self.start(record)
        return record

    def start(self, record: BackgroundJob) -> None:
        """Hand a queued row to the queue, or (embedded) run it now."""
        if self.queued:
            try:
                self._put_on_queue(record)
                return
            except Exception as exc:     # Redis down: run here rather than lose the job
                log.warning("job queue unavailable (%s); running job %s in process", exc, record.id)
        self.run(record.id, final=True)

    def retry(self, record: BackgroundJob) -> None:
        """Run a failed job again (the admin's retry button)."""
        if record.status != FAILED:
            raise JobError(str(_l("Bara misslyckade jobb kan köras om.")))
        with transaction():
            record.status = QUEUED
            record.finished_at = None
        self.start(record)

    # --- running ---------------------------------------------------------------------------------
    def run(self, record_id: int, *, final: bool) -> None:
        """Run the job `record_id` here (worker or web process). Raises the job's error when
        `final` is false (the queue retries it); otherwise the row records the failure."""
        record = db.session.get(BackgroundJob, record_id)
        if record is None:
            log.warning("job %s no longer exists; nothing to run", record_id)
            return
        if record.status == DONE:
            return          # a second delivery of a job that already ran
        job_spec = _REGISTRY.get(record.name)
        self.clear_progress(record.id)       # a retry starts counting afresh
        with transaction():
            record.status = RUNNING
            record.attempts += 1
            record.started_at = clock.now()
            record.error = None
        token = _current_job.set(record.id)
        try:
            if job_spec is None:
                raise JobError(f"no job named {record.name!r}")
            result = job_spec.func(**(record.arguments or {}))
        except Exception as exc:
            db.session.rollback()
            record = db.session.get(BackgroundJob, record_id) or record
            log.exception("job %s (%s) failed on attempt %s", record.id, record.name, record.attempts)
            with transaction():
                record.status = FAILED if final else RETRYING
                record.error = _describe(exc)
                record.finished_at = clock.now() if final else None
            if not final:
                raise
            return
        finally:
            _current_job.reset(token)
        with transaction():
            record = db.session.get(BackgroundJob, record_id) or record
            record.status = DONE
            record.result = result
            record.finished_at = clock.now()

    # --- progress --------------------------------------------------------------------------------
    def _progress_key(self, record_id: int) -> str:
        return f"{self.queue_name}:progress:{record_id}"

    def set_progress(self, record_id: int, values: dict[str, Any]) -> None:
        if self.queued:
            try:
                key = self._progress_key(record_id)
                pipe = self.connection().pipeline()
                pipe.hset(key, mapping={k: str(v) for k, v in values.items()})
                pipe.expire(key, PROGRESS_SECONDS)
                pipe.execute()
                return
            except Exception:
                log.warning("could not store progress of job %s", record_id, exc_info=True)
        with self._lock:
            self._progress.setdefault(record_id, {}).update(values)
            while len(self._progress) > 1000:
                self._progress.pop(next(iter(self._progress)))

    def clear_progress(self, record_id: int) -> None:
        with self._lock:
            self._progress.pop(record_id, None)
        if self.queued:
            try:
                self.connection().delete(self._progress_key(record_id))
            except Exception:
                log.warning("could not clear progress of job %s", record_id, exc_info=True)

    def progress(self, record_id: int) -> dict[str, int]:
        """What the job has reported so far (numbers), e.g. {"checked": 1200, "saved": 0}."""
        raw: dict[str, Any] = {}
        if self.queued:
            try:
                raw = {_text(k): _text(v) for k, v in self.connection().hgetall(
                    self._progress_key(record_id)).items()}
            except Exception:
                log.warning("could not read progress of job %s", record_id, exc_info=True)
        with self._lock:
            raw = {**self._progress.get(record_id, {}), **raw}
        values: dict[str, int] = {}
        for key, value in raw.items():
            try:
                values[key] = int(value)
            except (TypeError, ValueError):
                continue
        return values

    # --- lost jobs -------------------------------------------------------------------------------
    def reconcile(self) -> int:
        """Settle rows the queue lost track of (Redis emptied by a restart, a worker killed on a
        final attempt): a queued job missing from Redis is queued again, a job whose queue entry
        failed or vanished while running is marked failed (visible, retryable). Returns how many
        rows changed."""
        if not self.queued:
            return 0
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        changed = 0
        cutoff = clock.now() - LOST_AFTER
        rows = db.session.scalars(select(BackgroundJob).where(
            BackgroundJob.status.in_(UNFINISHED), BackgroundJob.created_at < cutoff)).all()
        for record in rows:
            status = None
            if record.queue_id:
                try:
                    status = Job.fetch(record.queue_id, connection=self.connection()).get_status()
                except NoSuchJobError:
                    status = None
            if status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED,
                          JobStatus.DEFERRED):
                continue
            if record.status in (QUEUED, RETRYING) and status is None:
                self._put_on_queue(record)       # lost before it ran: ask again
            else:
                with transaction():
                    record.status = FAILED
                    record.error = record.error or str(_l(
                        "Jobbet avbröts innan det blev klart (arbetsprocessen stoppades)."))
                    record.finished_at = clock.now()
            changed += 1
        return changed


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _describe(exc: BaseException) -> str:
    """The error as the admin sees it: the exception's last line (no stack, no secrets in it
    beyond what the message holds)."""
    lines = traceback.format_exception_only(type(exc), exc)
    return "".join(lines).strip()[:2000]


def init_jobs(app: Flask) -> JobEngine:
    engine = JobEngine(app)
    app.extensions[EXTENSION_KEY] = engine
    return engine


def jobs() -> JobEngine:
    return current_app.extensions[EXTENSION_KEY]


def enqueue(name: str, **kwargs: Any) -> BackgroundJob:
    return jobs().enqueue(name, **kwargs)


def current_job_id() -> int | None:
    return _current_job.get()


def report_progress(**values: Any) -> None:
    """From inside a job: how far it has come (e.g. checked=1200, saved=0)."""
    record_id = _current_job.get()
    if record_id is not None:
        jobs().set_progress(record_id, values)


def get_job(record_id: int) -> BackgroundJob | None:
    return db.session.get(BackgroundJob, record_id)


__all__ = ["DONE", "FAILED", "QUEUED", "RETRYING", "RUNNING", "BackgroundJob",
           "JobEngine", "JobError", "current_job_id", "enqueue", "get_job", "init_jobs", "job",
           "jobs", "label_of", "report_progress", "spec"]
