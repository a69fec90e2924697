"""`portfolio reminders send [--dry-run] [--user EMAIL]`: the reminder run by hand."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portfolio.extensions import db
from portfolio.jobs.engine import jobs
from portfolio.jobs.models import DONE, FAILED
from portfolio.mail import mail_configured
from portfolio.reminders import runs
from portfolio.reminders.jobs import RUN

reminders_group = AppGroup("reminders", help="Påminnelser om det som ska göras (e-post).")

REASONS = {
    "never": "vill inte ha sammanfattningar",
    "no-scope": "har ingen Att göra-lista (läsare)",
    "not-due": "inte dags än",
    "sent": "redan skickad för perioden",
    "empty": "inget att göra",
}


@reminders_group.command("send")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle skickas, till vem, och ändra ingenting.")
@click.option("--user", "email", metavar="E-POST", help="Bara den här användaren.")
def send_command(dry_run: bool, email: str | None) -> None:
    """Skicka de sammanfattningar som är på tur nu (samma jobb som schemat kör varje timme)."""
    if dry_run:
        _dry_run(email)
        return
    if not mail_configured(current_app.config):
        click.echo("PORTFOLIO_SMTP_HOST är inte satt: inget skickas. Se vad som skulle skickas med "
                   "--dry-run, eller i Min profil.", err=True)
        sys.exit(2)
    record = jobs().enqueue(RUN, dedupe_key=None, user_email=email)
    db.session.expire_all()
    record = db.session.get(type(record), record.id) or record
    if record.status == DONE:
        result = record.result or {}
        click.echo(f"Klart: {result.get('sent', 0)} skickade, {result.get('skipped', 0)} redan "
                   f"skickade, {result.get('empty', 0)} utan något att göra.")
    elif record.status == FAILED:
        click.echo(f"Misslyckades: {record.error}", err=True)
        sys.exit(1)
    else:
        click.echo(f"Lagt i kön som jobb {record.id}; `portfolio worker` kör det "
                   f"(se /admin/jobs eller `portfolio jobs list`).")


def _dry_run(email: str | None) -> None:
    plans = runs.plan_digests(only_email=email)
    if email and not plans:
        click.echo(f"Ingen aktiv användare med e-postadressen {email}.", err=True)
        sys.exit(1)
    due = [p for p in plans if p.reason == "due"]
    for plan in plans:
        if plan.reason != "due":
            if email or plan.reason not in ("never",):
                click.echo(f"- {plan.user.email}: skickas inte ({REASONS[plan.reason]})")
            continue
        assert plan.digest is not None
        digest = plan.digest
        click.echo(f"+ {plan.user.email} ({plan.period_key}, {plan.user.digest_locale}): "
                   f"{digest.count} uppgifter, {digest.overdue} försenade")
        for group in digest.groups:
            click.echo(f"    {group.ref} {group.title}")
            for line in group.lines:
                when = line.due.isoformat() if line.due else "–"
                click.echo(f"      {line.kind}: {line.title} ({'försenad sedan' if line.overdue else 'senast'} {when})")
    click.echo(f"Provkörning: {len(due)} sammanfattningar skulle skickas. Inget är skickat eller ändrat.")


@reminders_group.command("log")
@click.option("--user", "email", metavar="E-POST", help="Bara den här användaren.")
@click.option("--limit", default=30, show_default=True, type=int)
def log_command(email: str | None, limit: int) -> None:
    """De senaste utskicken: till vem, vilken period, hur det gick, hur många uppgifter."""
    from sqlalchemy import select

    from portfolio.auth.models import User
    from portfolio.reminders.models import EMPTY, ReminderDelivery

    stmt = (select(ReminderDelivery).where(ReminderDelivery.status != EMPTY)
            .order_by(ReminderDelivery.claimed_at.desc(), ReminderDelivery.id.desc()).limit(limit))
    if email:
        stmt = stmt.join(User, User.id == ReminderDelivery.user_id).where(
            User.email == email.strip().lower())
    for row in db.session.scalars(stmt):
        when = (row.sent_at or row.claimed_at).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{when}  {row.status:<8} {row.email:<40} {row.period_key:<32} "
                   f"{row.item_count:>4} uppgifter, {row.attempts} försök"
                   + (f"  — {row.error.splitlines()[-1][:120]}" if row.error else ""))


COMMANDS: tuple = (reminders_group,)
