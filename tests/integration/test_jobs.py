"""The background-job engine: one code path, run at once in the process (no Redis) or by a real RQ
worker on the test Redis; retries, visible failures, lost and killed jobs, the admin's page."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portfolio import clock
from portfolio.extensions import db
from portfolio.jobs.engine import job, jobs, report_progress
from portfolio.jobs.models import DONE, FAILED, QUEUED, RUNNING, BackgroundJob
from portfolio.transactions import transaction
from tests.conftest import run_queue

pytestmark = pytest.mark.usefixtures("app")


@job("test.echo", retries=2)
def _echo(word: str, marker: str | None = None) -> dict:
    report_progress(checked=3, saved=2)
    if marker:
        Path(marker).write_text(Path(marker).read_text() + "x" if Path(marker).exists() else "x")
    return {"echo": word.upper()}


@job("test.flaky", retries=3)
def _flaky(marker: str, failures: int) -> dict:
    """Fails `failures` times (counted in a file), then succeeds."""
    path = Path(marker)
    done = len(path.read_text()) if path.exists() else 0
    path.write_text("x" * (done + 1))
    if done < failures:
        raise ConnectionError(f"tillfälligt fel nr {done + 1}")
    return {"attempt": done + 1}


@job("test.killed", retries=0)
def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)      # the work horse dies mid-run


def _row(record_id: int) -> BackgroundJob:
    db.session.expire_all()
    row = db.session.get(BackgroundJob, record_id)
    assert row is not None
    return row


# --- embedded: no Redis, the job runs at once ----------------------------------------------------

def test_without_redis_a_job_runs_at_once_and_its_row_says_how_it_went(app, make_user):
    user_id, _ = make_user("admin")
    with app.app_context():
        engine = jobs()
        assert not engine.queued
        record_id = engine.enqueue("test.echo", created_by_id=user_id, word="hej").id
        row = _row(record_id)
        assert (row.status, row.result, row.attempts, row.created_by_id) == (DONE, {"echo": "HEJ"}, 1, user_id)
        assert row.started_at and row.finished_at and row.error is None
        assert engine.progress(record_id) == {"checked": 3, "saved": 2}


def test_without_redis_a_failing_job_is_recorded_failed_and_can_be_retried(app, tmp_path):
    marker = str(tmp_path / "flaky")
    with app.app_context():
        record_id = jobs().enqueue("test.flaky", marker=marker, failures=1).id
        row = _row(record_id)
        assert row.status == FAILED and "tillfälligt fel nr 1" in (row.error or "")
        jobs().retry(row)
        row = _row(record_id)
        assert (row.status, row.result, row.attempts) == (DONE, {"attempt": 2}, 2)


def test_enqueue_inside_a_transaction_is_refused(app):
    with app.app_context(), pytest.raises(RuntimeError), transaction():
        jobs().enqueue("test.echo", word="x")


def test_a_dedupe_key_gives_one_job(app, tmp_path):
    marker = tmp_path / "runs"
    with app.app_context():
        first = jobs().enqueue("test.echo", dedupe_key="echo@hour", word="a", marker=str(marker))
        second = jobs().enqueue("test.echo", dedupe_key="echo@hour", word="a", marker=str(marker))
        assert first.id == second.id
        assert marker.read_text() == "x"
        assert db.session.scalar(select(db.func.count()).select_from(BackgroundJob)) == 1


# --- with Redis: a real RQ worker ----------------------------------------------------------------

def test_with_redis_the_job_waits_in_the_queue_until_a_worker_runs_it(queued_app):
    with queued_app.app_context():
        record_id = jobs().enqueue("test.echo", word="kö").id
        assert _row(record_id).status == QUEUED
    run_queue(queued_app)
    with queued_app.app_context():
        row = _row(record_id)
        assert (row.status, row.result) == (DONE, {"echo": "KÖ"})
        assert jobs().progress(record_id) == {"checked": 3, "saved": 2}


def test_with_redis_a_transient_failure_is_retried(queued_app, tmp_path):
    marker = str(tmp_path / "flaky")
    with queued_app.app_context():
        record_id = jobs().enqueue("test.flaky", marker=marker, failures=2).id
    run_queue(queued_app)
    with queued_app.app_context():
        row = _row(record_id)
        assert (row.status, row.attempts, row.result) == (DONE, 3, {"attempt": 3})


def test_with_redis_a_job_failing_every_time_ends_visibly_failed(queued_app, tmp_path):
    marker = str(tmp_path / "flaky")
    with queued_app.app_context():
        record_id = jobs().enqueue("test.flaky", marker=marker, failures=99).id
    run_queue(queued_app)
    with queued_app.app_context():
        row = _row(record_id)
        assert (row.status, row.attempts) == (FAILED, 4)       # the first try and three retries
        assert "tillfälligt fel nr 4" in (row.error or "")


def test_with_redis_closed_connections_between_enqueue_and_run_lose_nothing(queued_app):
    with queued_app.app_context():
        record_id = jobs().enqueue("test.echo", word="igen").id
        import redis

        me = jobs().connection().client_id()       # the app's pooled connection to Redis
        other = redis.Redis.from_url(jobs().redis_url)
        assert other.client_kill_filter(_id=me) == 1
        other.close()
    run_queue(queued_app)
    with queued_app.app_context():
        assert _row(record_id).status == DONE


def test_a_job_redis_lost_is_queued_again_by_the_reconciliation(queued_app):
    with queued_app.app_context():
        engine = jobs()
        record_id = engine.enqueue("test.echo", word="borta").id
        store = engine.connection()
        store.delete(f"rq:queue:{engine.queue_name}", f"rq:job:{_row(record_id).queue_id}")
        with transaction():
            _row(record_id).created_at = clock.now() - timedelta(minutes=5)
        assert engine.reconcile() == 1
    run_queue(queued_app)
    with queued_app.app_context():
        assert _row(record_id).status == DONE


def test_a_job_killed_mid_run_ends_visibly_failed(queued_app):
    with queued_app.app_context():
        record_id = jobs().enqueue("test.killed").id
    run_queue(queued_app, fork=True)
    with queued_app.app_context():
        assert _row(record_id).status == RUNNING       # the horse died before it could say
        with transaction():
            _row(record_id).created_at = clock.now() - timedelta(minutes=5)
        assert jobs().reconcile() == 1
        row = _row(record_id)
        assert row.status == FAILED and "avbröts" in (row.error or "")


def test_the_forking_worker_runs_jobs_as_portfolio_worker_does(queued_app, tmp_path):
    marker = tmp_path / "runs"
    with queued_app.app_context():
        ids = [jobs().enqueue("test.echo", word=str(n), marker=str(marker)).id for n in range(3)]
    run_queue(queued_app, fork=True)
    with queued_app.app_context():
        assert [_row(i).status for i in ids] == [DONE] * 3
        assert marker.read_text() == "xxx"


def test_a_scheduled_run_is_asked_for_once_per_hour(queued_app, tmp_path):
    from portfolio.jobs.worker import enqueue_scheduled

    marker = tmp_path / "runs"

    @job("test.tick", retries=0)
    def _tick() -> None:
        marker.write_text(marker.read_text() + "x" if marker.exists() else "x")

    with queued_app.app_context():
        enqueue_scheduled("test.tick")
        enqueue_scheduled("test.tick")          # a second scheduler, the same hour
    run_queue(queued_app)
    with queued_app.app_context():
        rows = db.session.scalars(select(BackgroundJob).where(BackgroundJob.name == "test.tick")).all()
        assert len(rows) == 1 and rows[0].status == DONE
    assert marker.read_text() == "x"


# --- /admin/jobs ---------------------------------------------------------------------------------

def test_only_admins_see_the_jobs(client, login_as):
    login_as("portfolio_office")
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/1/retry").status_code == 403


def test_the_admin_sees_a_failed_job_with_its_error_and_retries_it(app, client, login_as, tmp_path):
    login_as("admin")
    marker = str(tmp_path / "flaky")
    with app.app_context():
        record_id = jobs().enqueue("test.flaky", marker=marker, failures=1).id
    page = client.get("/admin/jobs?status=failed").get_data(as_text=True)
    assert f'id="job-{record_id}"' in page and "misslyckades" in page
    assert "tillfälligt fel nr 1" in page and "Kör igen" in page
    response = client.post(f"/admin/jobs/{record_id}/retry")
    assert response.status_code == 303
    with app.app_context():
        assert _row(record_id).status == DONE
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "klart" in page
    assert client.post(f"/admin/jobs/{record_id}/retry", follow_redirects=True).status_code == 200
    with app.app_context():
        assert _row(record_id).attempts == 2       # a job that is done is not run again


def test_the_jobs_page_explains_an_empty_list(client, login_as):
    login_as("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Inga jobb ännu" in page and "direkt i webbprocessen" in page
