"""Reminders on the real queue (#17): RQ workers on the test Redis run the reminder job against
a real SMTP server in the test process. Two scheduler runs and racing workers send once; SMTP
refusing or timing out, Redis connections dropped between enqueue and run, and a work horse
killed mid-run end in a retried or visibly failed job, never a reminder sent twice or lost."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portfolio import clock
from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.jobs.engine import jobs
from portfolio.jobs.models import DONE, FAILED, BackgroundJob
from portfolio.reminders.jobs import RUN
from portfolio.reminders.models import ReminderDelivery
from portfolio.transactions import transaction
from tests.conftest import run_queue
from tests.integration.test_reminders import EVERYONE_DUE, world  # noqa: F401  (the fixture)
from tests.smtp_server import SilentServer, SmtpServer

TODAY = date(2026, 11, 30)          # a Monday; the clock at noon, past the send hour

pytestmark = pytest.mark.usefixtures("frozen", "world")


@pytest.fixture
def smtp(queued_app):
    with SmtpServer() as server:
        queued_app.config.update(server.settings(BASE_URL="https://portfolj.kommun.test"))
        yield server


def job_row(app, record_id: int) -> BackgroundJob:
    with app.app_context():
        db.session.expire_all()
        row = db.session.get(BackgroundJob, record_id)
        db.session.expunge(row)
        db.session.remove()
        return row


def delivery_states(app) -> dict[str, tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(select(User.email, ReminderDelivery.status, ReminderDelivery.attempts)
                                  .join(User, User.id == ReminderDelivery.user_id)).all()
        db.session.remove()
    return {email: (status, attempts) for email, status, attempts in rows}


def enqueue(app, **kwargs) -> int:
    with app.app_context():
        record_id = jobs().enqueue(RUN, **kwargs).id
        db.session.remove()
        return record_id


def test_a_worker_sends_the_digests(queued_app, smtp):
    record = enqueue(queued_app)
    assert smtp.messages == []                  # queued, not run by the web process
    run_queue(queued_app)
    assert job_row(queued_app, record).status == DONE
    assert smtp.recipients() == sorted(EVERYONE_DUE)


def _worker_process(queued_app, app) -> None:
    """A `portfolio worker --burst` in a process of its own: forked from the tests, it lets go
    of their database connections (without closing them under the tests) first."""
    for each in (app, queued_app):
        with each.app_context():
            db.engine.dispose(close=False)
    run_queue(queued_app, fork=True)


def test_two_scheduler_runs_and_two_racing_forking_workers_send_once(app, queued_app, smtp):
    from portfolio.jobs.worker import enqueue_scheduled

    with queued_app.app_context():
        enqueue_scheduled(RUN)
        enqueue_scheduled(RUN)              # a second scheduler, the same hour: the same job
        assert db.session.scalar(select(BackgroundJob.id).where(BackgroundJob.name == RUN)
                                 .order_by(BackgroundJob.id.desc()).limit(1))
        db.session.remove()
    # Three more runs asked for by hand: four jobs on the queue, two workers racing for them.
    for _ in range(3):
        enqueue(queued_app)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_worker_process, args=(queued_app, app)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    with queued_app.app_context():
        statuses = db.session.scalars(select(BackgroundJob.status).where(BackgroundJob.name == RUN)).all()
        db.session.remove()
    assert statuses == [DONE] * 4
    assert smtp.recipients() == sorted(EVERYONE_DUE)           # each once


def test_smtp_refusing_once_is_retried_by_the_queue(queued_app, smtp):
    """The server refuses every recipient of the first attempt, then accepts: the queue's
    retry sends them all, once."""
    import tests.smtp_server as smtp_module

    handler_rcpt = smtp_module._Handler.handle_RCPT
    refusals: list[str] = []

    async def refuse_first_attempt(self, server, session, envelope, address, rcpt_options):
        if len(refusals) < len(EVERYONE_DUE):
            refusals.append(address)
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_module._Handler.handle_RCPT = refuse_first_attempt
    try:
        record = enqueue(queued_app)
        run_queue(queued_app)
    finally:
        smtp_module._Handler.handle_RCPT = handler_rcpt
    row = job_row(queued_app, record)
    assert row.status == DONE and row.attempts == 2
    assert sorted(refusals) == sorted(EVERYONE_DUE)
    assert smtp.recipients() == sorted(EVERYONE_DUE)
    assert {state for state, _a in delivery_states(queued_app).values()} == {"sent"}


def test_smtp_refusing_for_good_ends_visibly_failed_and_a_retry_sends_once(queued_app, smtp):
    smtp.refuse_all = True
    record = enqueue(queued_app)
    run_queue(queued_app)
    row = job_row(queued_app, record)
    assert row.status == FAILED and "550" in (row.error or "") and row.attempts == 4
    states = delivery_states(queued_app)
    assert {email for email, (state, _a) in states.items() if state == "failed"} == EVERYONE_DUE
    assert smtp.messages == []
    smtp.refuse_all = False
    with queued_app.app_context():
        jobs().retry(db.session.get(BackgroundJob, record))
        db.session.remove()
    run_queue(queued_app)
    assert job_row(queued_app, record).status == DONE
    assert smtp.recipients() == sorted(EVERYONE_DUE)


def test_smtp_timing_out_ends_visibly_failed_and_nothing_is_lost(queued_app):
    with SilentServer() as silent:
        queued_app.config.update(silent.settings(timeout=0.3))
        record = enqueue(queued_app)
        run_queue(queued_app)
    row = job_row(queued_app, record)
    assert row.status == FAILED and "timed out" in (row.error or "")
    with SmtpServer() as server:                   # the server is back: the next run sends all
        queued_app.config.update(server.settings())
        enqueue(queued_app)
        run_queue(queued_app)
        assert server.recipients() == sorted(EVERYONE_DUE)


def test_redis_connections_closed_between_enqueue_and_run(queued_app, smtp, redis_url):
    import redis

    with queued_app.app_context():
        record = jobs().enqueue(RUN).id
        store = jobs().connection()
        killer = redis.Redis.from_url(redis_url)           # as a restart would: from outside
        assert killer.client_kill_filter(_id=store.client_id()) == 1
        killer.close()
        db.session.remove()
    run_queue(queued_app)
    assert job_row(queued_app, record).status == DONE
    assert smtp.recipients() == sorted(EVERYONE_DUE)


def _children() -> list[int]:
    pids = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        try:
            with open(f"/proc/{os.getpid()}/task/{task}/children") as f:
                pids += [int(p) for p in f.read().split()]
        except OSError:
            continue
    return pids


def test_a_work_horse_killed_mid_run_is_retried_and_sends_each_once(queued_app, smtp):
    """The horse dies while talking to the SMTP server about the third reminder (after two were
    sent and logged, with that one claimed): the retry sends the rest, nothing twice."""
    import tests.smtp_server as smtp_module

    handler_rcpt = smtp_module._Handler.handle_RCPT
    seen: list[str] = []

    async def kill_at_the_third(self, server, session, envelope, address, rcpt_options):
        seen.append(address)
        if len(seen) == 3:
            for pid in _children():
                os.kill(pid, signal.SIGKILL)
            return "451 4.3.0 avbruten"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_module._Handler.handle_RCPT = kill_at_the_third
    try:
        record = enqueue(queued_app)
        run_queue(queued_app, fork=True)
    finally:
        smtp_module._Handler.handle_RCPT = handler_rcpt
    row = job_row(queued_app, record)
    if row.status != DONE:
        # The queue gave up on the dead horse: the reconciliation marks it failed, visibly,
        # and the admin's retry finishes it.
        with queued_app.app_context():
            with transaction():
                db.session.get(BackgroundJob, record).created_at = clock.now() - timedelta(minutes=5)
            jobs().reconcile()
            failed = db.session.get(BackgroundJob, record)
            assert failed.status == FAILED
            jobs().retry(failed)
            db.session.remove()
        run_queue(queued_app, fork=True)
        row = job_row(queued_app, record)
    assert row.status == DONE
    assert len(seen) > len(EVERYONE_DUE)                  # the horse was killed: one was tried again
    assert smtp.recipients() == sorted(EVERYONE_DUE)      # the killed one too, and nobody twice
    assert {state for state, _a in delivery_states(queued_app).values()} == {"sent"}


def test_the_period_reminder_runs_on_the_queue_once_for_a_double_click(queued_app, smtp):
    from portfolio.reminders.jobs import PERIOD
    from tests.conftest import login

    client = queued_app.test_client()
    assert login(client, "kontoret@test.se").status_code == 302
    for _ in range(2):                                  # a double click
        response = client.post("/todo/period-reminder", data={"year": 2026, "period": "delar"})
        assert response.status_code == 302
    assert smtp.messages == []                          # asked for, not yet sent
    assert "skickas nu i bakgrunden" in client.get("/todo").get_data(as_text=True)
    run_queue(queued_app)
    with queued_app.app_context():
        rows = db.session.scalars(select(BackgroundJob).where(BackgroundJob.name == PERIOD)).all()
        assert [(r.status, r.result["sent"]) for r in rows] == [(DONE, 6)]
        db.session.remove()
    assert smtp.recipients() == sorted({"vecka@test.se", "dag@test.se", "aldrig@test.se",
                                        "english@test.se", "uf@test.se", "pm@test.se"})
