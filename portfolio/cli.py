"""The `portfolio` command: the app's Flask CLI plus serve, users, programme, demo and the
operations commands (backup, restore, retention)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from portfolio.app import create_app
from portfolio.db_statistics import refresh_statistics
from portfolio.programme.loader import ProgrammeError
from portfolio.settings import SettingsError
from portfolio.transactions import transaction


def _cli_app():
    try:
        return create_app({"CLI": True})
    except (SettingsError, ProgrammeError) as exc:
        click.echo(f"Kan inte starta: {exc}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_cli_app, add_default_commands=True,
             load_dotenv=False, set_debug_flag=False)
def main():
    """Portföljstyrning för digital transformation."""


def _prepare_database(app) -> None:
    from flask_migrate import upgrade

    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR

    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        with transaction():
            sync_reference_data()


@main.command("serve", with_appcontext=False)
@click.option("--demo", is_flag=True, help="Demoläge: SQLite, demodata och demoinloggningar.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(demo: bool, host: str, port: int) -> None:
    """Migrera databasen, läs in programmet och starta webbservern."""
    try:
        app = create_app({"DEMO": demo})
    except (SettingsError, ProgrammeError) as exc:
        click.echo(f"Kan inte starta: {exc}", err=True)
        sys.exit(2)
    _prepare_database(app)
    if demo:
        from portfolio.demo.loader import DEMO_PASSWORD, demo_logins, load_demo

        with app.app_context():
            with transaction():
                created = load_demo()
            if created:
                refresh_statistics()
            click.echo("Demodata inläst." if created else "Befintlig demodata återanvänds.")
            click.echo(f"Databas: {current_app.config['SQLALCHEMY_DATABASE_URI']}")
            click.echo(f"\nDemoinloggningar (lösenord för alla: {DEMO_PASSWORD}):")
            for email, description in demo_logins():
                click.echo(f"  {email:<38} {description}")
    click.echo(f"\nÖppna http://{host}:{port}/ i webbläsaren. Avsluta med Ctrl+C.\n")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.group("users", cls=AppGroup)
def users() -> None:
    """Hantera användarkonton."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", "roles", required=True, multiple=True,
              help="admin, portfolio_office, programme_manager, editor eller viewer (kan upprepas)")
@click.option("--area", "areas", multiple=True, help="Områdeskod för programledare (kan upprepas)")
@click.option("--unit", "units", multiple=True, help="Enhetskod för redigerare (kan upprepas)")
@click.option("--name", default=None)
@click.option("--password", default=None, help="Utelämna för att få en fråga om lösenord")
@click.option("--break-glass", "break_glass", is_flag=True,
              help="Nödkonto: får logga in med lösenord också när lösenordsinloggningen är avstängd "
                   "(PASSWORD_LOGIN=false) och bara organisationens inloggning används")
def users_create(email, roles, areas, units, name, password, break_glass) -> None:
    """Skapa ett konto."""
    from portfolio.auth.services import AccountError, create_user
    from portfolio.programme.services import sync_reference_data

    if password is None:
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    try:
        with transaction():
            sync_reference_data()
            user = create_user(email=email, roles=list(roles), password=password, name=name,
                               areas=list(areas), units=list(units), break_glass=break_glass)
    except AccountError as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    kind = " – nödkonto" if break_glass else ""
    click.echo(f"Skapade {user.email} ({', '.join(sorted(user.roles))}){kind}")


@click.group("programme", cls=AppGroup)
def programme() -> None:
    """Programfilen (områden, principer, enheter, skalor)."""


@programme.command("check")
def programme_check() -> None:
    """Validera programfilen (görs också vid varje start)."""
    prog = current_app.extensions["portfolio.programme"]
    click.echo(f"Programfilen är giltig: {prog.name}, {len(prog.priority_areas)} områden, "
               f"{len(prog.org_units)} enheter.")


@programme.command("sync")
def programme_sync() -> None:
    """Läs in programfilen i referenstabellerna."""
    from portfolio.programme.services import sync_reference_data

    with transaction():
        sync_reference_data()
    click.echo("Referensdata uppdaterad från programfilen.")


@click.group("demo", cls=AppGroup)
def demo_group() -> None:
    """Demodata."""


@demo_group.command("load")
def demo_load() -> None:
    """Läs in demodata (om den inte redan finns)."""
    from portfolio.demo.loader import load_demo
    from portfolio.programme.services import sync_reference_data

    with transaction():
        sync_reference_data()
        created = load_demo()
    if created:
        refresh_statistics()
    click.echo("Demodata inläst." if created else "Demodata fanns redan.")


def register_commands(app) -> None:
    """Commands that work on an app (so `app.test_cli_runner()` sees them too)."""
    for group in (users, programme, demo_group, dashboards_group, report_group, import_command,
                  backup_command, restore_command, retention_command):
        app.cli.add_command(group)
    from portfolio.ideas.commands import COMMANDS as similar_commands
    from portfolio.jobs.commands import COMMANDS as job_commands
    from portfolio.reminders.commands import COMMANDS as reminder_commands

    for command in (*job_commands, *reminder_commands, *similar_commands):
        app.cli.add_command(command)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--dry-run", is_flag=True, help="Provkör: rapportera alla problem, spara ingenting.")
@click.option("--user", "email", required=True,
              help="E-postadress för den som importerar (projektkontoret eller admin); står i historiken.")
@with_appcontext
def import_command(path: str, dry_run: bool, email: str) -> None:
    """Importera initiativ från en Excel- eller CSV-fil (samma format som exporten av registret).
    Allt eller ingenting; finns referensen redan uppdateras initiativet."""
    from portfolio.auth.models import User
    from portfolio.extensions import db
    from portfolio.imports.reader import Source
    from portfolio.imports.service import can_import, import_source

    with current_app.test_request_context():
        user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email.strip().lower()))
        if user is None or not user.active:
            click.echo(f"Fel: det finns inget aktivt konto med e-postadressen {email}.", err=True)
            sys.exit(2)
        if not can_import(user):
            click.echo("Fel: bara projektkontoret och administratörer får importera.", err=True)
            sys.exit(2)
        # Streamed in two passes (check, then write), as the web's background job does: the
        # file's size does not decide the memory used.
        with transaction():
            result = import_source(Source.from_path(path, path), user, dry_run=dry_run,
                                   progress=_import_progress())
        if result.ok and not dry_run:
            refresh_statistics(result.created + result.updated)
        if result.problems:
            click.echo(f"{len(result.problems)} problem i filen, ingenting har sparats:", err=True)
            for p in result.problems:
                where = ", ".join(part for part in (
                    f"blad {p.sheet}" if p.sheet else "", f"rad {p.row}" if p.row else "",
                    f"kolumn {p.column}" if p.column else "") if part)
                click.echo(f"  {where + ': ' if where else ''}{p.message}", err=True)
            sys.exit(1)
        counts = f"{result.created} nya, {result.updated} ändrade, {result.unchanged} oförändrade"
        if dry_run:
            click.echo(f"Provkörningen hittade inga problem. Ingenting har sparats; en import skulle ge: {counts}.")
        else:
            click.echo(f"Importen är klar: {counts}.")


def _import_progress():
    """Progress of a long import on stderr (when it is a terminal), every 5 000 rows."""
    from portfolio.imports.service import SAVING

    shown = {"checked": 0, "saved": 0}

    def report(**values) -> None:
        if not sys.stderr.isatty():
            return
        for key, label in (("checked", "kontrollerade"), ("saved", "sparade")):
            if key == "saved" and values.get("stage") != SAVING:
                continue
            count = values.get(key)
            if isinstance(count, int) and count >= shown[key] + 5000:
                shown[key] = count
                click.echo(f"  {count} rader {label} …", err=True)
    return report


@click.group("dashboards", cls=AppGroup)
def dashboards_group() -> None:
    """Dashboard-pluginer."""


@dashboards_group.command("list")
def dashboards_list() -> None:
    """Visa installerade och godkända pluginer."""
    from portfolio.dashboards.host import plugins

    found = plugins()
    if not found:
        click.echo("Inga dashboard-pluginer är installerade.")
    for plugin_id, plugin in sorted(found.items()):
        click.echo(f"{plugin_id:<30} {plugin.title} ({plugin.audience}, API {plugin.api_version})")


@dashboards_group.command("check")
@click.option("--year", type=int, default=None)
def dashboards_check(year) -> None:
    """Kör varje plugin mot databasen och rapportera tid och fel."""
    from portfolio.clock import today
    from portfolio.dashboards.contract import Filters
    from portfolio.dashboards.host import plugins, run_dashboard

    failures = 0
    for plugin_id, plugin in sorted(plugins().items()):
        result = run_dashboard(plugin, Filters(year=year or today().year))
        status = "FEL: " + (result.panels[0].error or "okänt fel") if result.failed else f"{len(result.panels)} paneler"
        failures += result.failed
        click.echo(f"{plugin_id:<30} {result.seconds * 1000:7.1f} ms  {status}")
    if failures:
        sys.exit(1)


@click.group("report", cls=AppGroup)
def report_group() -> None:
    """Rapporter."""


@report_group.command("ks")
@click.option("--year", type=int, required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True)
def report_ks(year: int, out: str) -> None:
    """Skriv årsuppföljningen för KS: fristående HTML (öppnas utan nätverk) eller, om filnamnet
    slutar på .pdf, PDF."""
    from portfolio.clock import today
    from portfolio.reports.ks import build_pdf, build_report
    from portfolio.reports.pdf import PdfUnavailable

    if not 2000 <= year <= today().year:
        click.echo(f"Fel: året ska vara mellan 2000 och {today().year}.", err=True)
        sys.exit(2)
    with current_app.test_request_context():
        if out.lower().endswith(".pdf"):
            try:
                data = build_pdf(year)
            except PdfUnavailable as exc:
                click.echo(str(exc), err=True)
                sys.exit(2)
        else:
            data = build_report(year, standalone=True).encode("utf-8")
    with open(out, "wb") as handle:
        handle.write(data)
    click.echo(f"Skrev {out} ({len(data) // 1024} kB).")


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Säkerhetskopians filnamn, t.ex. portfolio-2026-11-29.zip (en befintlig fil ersätts).")
@with_appcontext
def backup_command(out: str) -> None:
    """Säkerhetskopiera databasen (SQLite eller PostgreSQL) och de lagrade filerna till en
    zip-fil, medan appen är igång. Filen innehåller personuppgifter och lösenordshashar: förvara
    den skyddad."""
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from portfolio.extensions import db
    from portfolio.operations.archive import BackupError
    from portfolio.operations.backup import create_backup
    from portfolio.operations.schema import files_folder

    try:
        summary = create_backup(db.engine, Path(out), files_folder(current_app))
    except BackupError as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    except (SQLAlchemyError, OSError) as exc:
        click.echo(f"Fel: säkerhetskopian kunde inte skrivas ({getattr(exc, 'orig', None) or exc}). "
                   "Ingen fil har skrivits.", err=True)
        sys.exit(1)
    click.echo(f"Skrev {summary.path} ({max(summary.size // 1024, 1)} kB): {summary.tables} tabeller, "
               f"{summary.rows} rader, {summary.files} filer, schemarevision {summary.schema_revision}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--yes", is_flag=True,
              help="Bekräfta att databasen och filmappen ska ersättas med säkerhetskopians innehåll.")
@click.option("--files-dir", type=click.Path(file_okay=False), default=None,
              help="Lägg filerna i den här mappen i stället för appens filmapp (t.ex. vid en provåterställning "
                   "till en testdatabas på samma server).")
@with_appcontext
def restore_command(path: str, yes: bool, files_dir: str | None) -> None:
    """Återställ databasen och de lagrade filerna från en säkerhetskopia (portfolio backup).
    Allt som finns i databasen och filmappen ersätts; stoppa appen först. Filen kontrolleras
    (SHA-256) innan något ändras. En kopia från en äldre version av appen migreras efteråt; en
    från en nyare version vägras."""
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from portfolio.operations.archive import BackupError
    from portfolio.operations.restore import describe_target, open_backup, restore_backup
    from portfolio.operations.schema import files_folder

    folder = Path(files_dir) if files_dir else files_folder(current_app)
    try:
        with open_backup(Path(path)) as reader:
            manifest = reader.manifest
            source = (f"{path} (tagen {manifest.created_at} på {manifest.database}, schemarevision "
                      f"{manifest.schema_revision}, {sum(t.rows for t in manifest.tables)} rader, "
                      f"{len(manifest.files)} filer)")
            if not yes:
                target = describe_target(folder)
                click.echo(f"Återställningen ersätter allt i {_target_text(target)} med innehållet i {source}.\n"
                           "Ta först en säkerhetskopia av det som finns om det kan behövas "
                           "(portfolio backup --out FIL).\n"
                           "Ingenting har ändrats. Kör igen med --yes för att återställa.", err=True)
                sys.exit(2)
            summary = restore_backup(reader, folder)
            refresh_statistics()
    except BackupError as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    except SQLAlchemyError as exc:
        click.echo(f"Fel från databasen: {getattr(exc, 'orig', None) or exc}\nHade återställningen börjat "
                   "kan databasen vara ofullständig: rätta felet och kör återställningen igen.", err=True)
        sys.exit(1)
    migrated = ("" if summary.revision == summary.backup_revision
                else f", migrerad från schemarevision {summary.backup_revision} till {summary.revision}")
    click.echo(f"Återställde {summary.rows} rader och {summary.files} filer från {path}{migrated}.")


def _target_text(target) -> str:
    """What a restore would overwrite, for the refusal without --yes."""
    from portfolio.operations.restore import COUNTED

    if target.database_empty:
        database = f"databasen {target.url} (som är tom)"
    else:
        counts = ", ".join(f"{target.counts[name]} {label}" for name, label in COUNTED.items() if name in target.counts)
        database = (f"databasen {target.url} (schemarevision {target.revision or 'saknas'}, "
                    f"{target.tables} tabeller{': ' + counts if counts else ''})")
    return f"{database} och filmappen {target.files_dir} ({target.files} filer)"


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Provkör: visa vad som skulle tas bort, ta inte bort något.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Ta bort poster i ändringsloggen som är äldre än CHANGE_LOG_RETENTION_DAYS dagar
    (PORTFOLIO_CHANGE_LOG_RETENTION_DAYS; inte satt: allt behålls), och händelser i
    säkerhetsloggen som är äldre än SECURITY_LOG_RETENTION_DAYS dagar (standard 730). Tidigare års rapporter och
    dashboards läser initiativens fas per 31 december ur loggen; därför behålls den sista
    fasändringen per initiativ och år, hur gammal den än är, så att varje år fortfarande visas
    som det var. Allt annat äldre försvinner ur initiativens historik, också vem som ändrade."""
    from portfolio.auth.security_log import (
        SecurityRetentionError,
        prune_security_log,
        security_log_retention_days,
    )
    from portfolio.operations.retention import RetentionError, prune_change_log, retention_days

    try:
        days = retention_days(current_app.config.get("CHANGE_LOG_RETENTION_DAYS"))
        security_days = security_log_retention_days(current_app.config.get("SECURITY_LOG_RETENTION_DAYS"))
    except (RetentionError, SecurityRetentionError) as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    if security_days is None:
        click.echo("SECURITY_LOG_RETENTION_DAYS är inte satt: hela säkerhetsloggen behålls.")
    else:
        with transaction():
            security_cutoff, count = prune_security_log(security_days, dry_run=dry_run)
        when = security_cutoff.strftime("%Y-%m-%d %H:%M")
        click.echo(f"Provkörning: {count} händelser i säkerhetsloggen äldre än {when} (UTC, "
                   f"{security_days} dagar) skulle tas bort." if dry_run else
                   f"Tog bort {count} händelser i säkerhetsloggen äldre än {when} (UTC, "
                   f"{security_days} dagar).")
    if days is None:
        click.echo("CHANGE_LOG_RETENTION_DAYS är inte satt: hela ändringsloggen behålls. Ingenting har tagits bort.")
        return
    with transaction():
        result = prune_change_log(days, dry_run=dry_run)
    cutoff = result.cutoff.strftime("%Y-%m-%d %H:%M")
    kept = (f"{result.kept_for_past_years} äldre fasändringar behålls (den sista per initiativ och år), "
            "så att tidigare år visas som de var.")
    if dry_run:
        click.echo(f"Provkörning: {result.pruned} poster äldre än {cutoff} (UTC, {days} dagar) skulle tas bort. "
                   f"{kept} Ingenting har tagits bort.")
    else:
        click.echo(f"Tog bort {result.pruned} poster äldre än {cutoff} (UTC, {days} dagar). {kept}")
