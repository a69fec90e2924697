"""`portfolio worker`, `portfolio scheduler` and `portfolio jobs …`: the processes that run
background jobs in production (with PORTFOLIO_REDIS_URL) and a look at what ran."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portfolio.extensions import db
from portfolio.jobs.engine import get_job, jobs, label_of
from portfolio.jobs.models import BackgroundJob


def _require_queue() -> None:
    if not jobs().queued:
        click.echo("PORTFOLIO_REDIS_URL är inte satt: utan Redis körs bakgrundsjobb direkt i "
                   "webbprocessen och ingen arbetsprocess behövs.", err=True)
        sys.exit(2)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Kör det som står i kön och avsluta sedan.")
def worker_command(burst: bool) -> None:
    """Kör bakgrundsjobb från kön (RQ på Redis). Starta en eller flera, på en eller flera datorer."""
    from portfolio.jobs.worker import run_worker

    _require_queue()
    run_worker(current_app._get_current_object(), burst=burst)   # type: ignore[attr-defined]


@click.command("scheduler")
def scheduler_command() -> None:
    """Lägg schemalagda körningar (t.ex. påminnelser) i kön vid rätt tid. En räcker."""
    from portfolio.jobs.worker import run_scheduler, schedules

    _require_queue()
    for item in schedules():
        click.echo(f"Schemalagt: {item.job_name} ({item.cron}, UTC)")
    run_scheduler(current_app._get_current_object())   # type: ignore[attr-defined]


jobs_group = AppGroup("jobs", help="Bakgrundsjobb: lista, stäm av och kör om.")


@jobs_group.command("list")
@click.option("--limit", default=30, show_default=True, type=int)
def list_command(limit: int) -> None:
    """De senaste jobben med status och fel."""
    rows = db.session.scalars(select(BackgroundJob).order_by(BackgroundJob.id.desc()).limit(limit))
    for record in rows:
        click.echo(f"{record.id:>6}  {record.status:<9} {record.attempts} försök  "
                   f"{record.created_at:%Y-%m-%d %H:%M}  {label_of(record.name)}"
                   + (f"  — {record.error.splitlines()[-1][:120]}" if record.error else ""))


@jobs_group.command("reconcile")
def reconcile_command() -> None:
    """Köa om jobb som kön tappat och markera avbrutna jobb som misslyckade."""
    _require_queue()
    click.echo(f"{jobs().reconcile()} jobb ändrade.")


@jobs_group.command("retry")
@click.argument("job_id", type=int)
def retry_command(job_id: int) -> None:
    """Kör ett misslyckat jobb igen."""
    from portfolio.jobs.engine import JobError

    record = get_job(job_id)
    if record is None:
        click.echo(f"Inget jobb med id {job_id}.", err=True)
        sys.exit(1)
    try:
        jobs().retry(record)
    except JobError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Jobb {job_id}: {record.status}.")


COMMANDS = (worker_command, scheduler_command, jobs_group)
