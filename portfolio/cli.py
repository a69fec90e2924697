"""The `portfolio` command: the app's Flask CLI plus serve, users, programme and demo."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from portfolio.app import create_app
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
def users_create(email, roles, areas, units, name, password) -> None:
    """Skapa ett konto."""
    from portfolio.auth.services import AccountError, create_user
    from portfolio.programme.services import sync_reference_data

    if password is None:
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    try:
        with transaction():
            sync_reference_data()
            user = create_user(email=email, roles=list(roles), password=password, name=name,
                               areas=list(areas), units=list(units))
    except AccountError as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    click.echo(f"Skapade {user.email} ({', '.join(sorted(user.roles))})")


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
    click.echo("Demodata inläst." if created else "Demodata fanns redan.")


def register_commands(app) -> None:
    """Commands that work on an app (so `app.test_cli_runner()` sees them too)."""
    for group in (users, programme, demo_group, dashboards_group, report_group, import_command):
        app.cli.add_command(group)


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
    from portfolio.imports.reader import MAX_BYTES
    from portfolio.imports.service import can_import, import_file

    with current_app.test_request_context():
        user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email.strip().lower()))
        if user is None or not user.active:
            click.echo(f"Fel: det finns inget aktivt konto med e-postadressen {email}.", err=True)
            sys.exit(2)
        if not can_import(user):
            click.echo("Fel: bara projektkontoret och administratörer får importera.", err=True)
            sys.exit(2)
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        with transaction():
            result = import_file(data, path, user, dry_run=dry_run)
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
