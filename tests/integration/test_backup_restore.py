"""Backup and restore (`portfolio backup`, `portfolio restore`) and change-log retention
(`portfolio retention`), on whichever database the run uses: a round trip gives the same exports,
change log and tables; a fresh database can be restored into; nothing changes without --yes or
from a damaged, altered or newer file; an older backup is migrated; retention prunes only what
past years do not read."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select, text

from portfolio import create_app
from portfolio.clock import now
from portfolio.extensions import db
from portfolio.search import is_search_index_table
from tests.conftest import TEST_DB_ENV, drop_scratch_database, scratch_database_url

TODAY = date(2026, 11, 27)
ON_POSTGRESQL = bool(os.environ.get(TEST_DB_ENV))


def make_app(url: str, files_dir: Path):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                       "FILES_DIR": str(files_dir)})


def close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def demo_app(demo_database_url, tmp_path):
    """Its own app on a fresh copy of the demo database, with a files folder holding a report."""
    files = tmp_path / "files"
    (files / "reports" / "2025").mkdir(parents=True)
    (files / "reports" / "2025" / "ks-2025.pdf").write_bytes(b"%PDF-1.7 arsrapport\x00\xff")
    app = make_app(demo_database_url, files)
    yield app
    close(app)


@pytest.fixture
def scratch(tmp_path):
    """scratch("name") → an app on a new, empty database (no tables) of the run's kind."""
    made = []

    def make(suffix: str):
        url = scratch_database_url(tmp_path, f"backup_{suffix}")
        app = make_app(url, tmp_path / f"files_{suffix}")
        made.append((app, url))
        return app
    yield make
    for app, url in made:
        close(app)
        drop_scratch_database(url)


def tables_state(app) -> dict[str, list[tuple]]:
    """Every row of every table (Alembic's included), in primary-key order."""
    with app.app_context(), db.engine.connect() as conn:
        metadata = MetaData()
        metadata.reflect(conn, only=lambda name, _meta: not is_search_index_table(name))
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns or t.columns))]
                for t in metadata.sorted_tables}


def exports(app) -> tuple[list, list]:
    from portfolio.exports.tables import followup_rows, register_rows
    from portfolio.initiatives.queries import RegisterFilter

    with app.test_request_context():
        return (register_rows(RegisterFilter()), followup_rows(RegisterFilter()),
                register_rows(RegisterFilter(archived=True)))


def change_log(app) -> list[dict]:
    """Every change-log row, every column."""
    with app.app_context(), db.engine.connect() as conn:
        table = db.metadata.tables["change_log"]
        return [dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]


def files_state(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def head_revision() -> str:
    from portfolio.operations.schema import code_revisions

    return code_revisions()[0]


def revision(app) -> str:
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def spoil(app) -> None:
    """What a bad day does to the data after the backup."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log WHERE id % 3 = 0"))
        conn.execute(text("UPDATE initiative SET title = 'Förstörd' WHERE id IN (SELECT MIN(id) FROM initiative)"))
        conn.execute(text("DELETE FROM follow_up"))


def test_round_trip_over_existing_data_gives_the_same_exports_change_log_and_files(demo_app, tmp_path, frozen):
    files = Path(demo_app.config["FILES_DIR"])
    with demo_app.app_context(), db.engine.begin() as conn:     # a unit whose parent has a later id
        conn.execute(text("INSERT INTO org_unit (id, code, name, sort_order, active, kind, parent_id) VALUES "
                          "(1001, 'NYN', 'Ny nämnd', 90, true, 'namnd', NULL), "
                          "(1000, 'NYF', 'Ny förvaltning', 91, true, 'forvaltning', 1001)"))
    before = (exports(demo_app), change_log(demo_app), tables_state(demo_app), files_state(files))
    assert before[0][0] and before[0][1] and len(before[1]) > 1000

    out = tmp_path / "backup.zip"
    result = cli(demo_app, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"schemarevision {head_revision()}" in result.output and "1 filer" in result.output
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["database"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
        assert manifest["schema_revision"] == head_revision() and manifest["format_version"] == 1
        assert "files/reports/2025/ks-2025.pdf" in manifest["members"]
        assert "alembic_version" not in {t["name"] for t in manifest["tables"]}

    spoil(demo_app)
    (files / "reports" / "2025" / "ks-2025.pdf").write_bytes(b"annat")
    (files / "stray.txt").write_text("ny")
    spoiled = (exports(demo_app), change_log(demo_app), tables_state(demo_app), files_state(files))
    assert spoiled[0] != before[0] and spoiled[1] != before[1]

    result = cli(demo_app, "restore", str(out))           # no --yes: refused, nothing changed
    assert result.exit_code == 2
    assert "--yes" in result.output and "Ingenting har ändrats" in result.output
    assert "initiativ" in result.output and "poster i ändringsloggen" in result.output
    assert str(files) in result.output
    assert (exports(demo_app), change_log(demo_app), tables_state(demo_app), files_state(files)) == spoiled

    result = cli(demo_app, "restore", str(out), "--yes")
    assert result.exit_code == 0, result.output
    assert (exports(demo_app), change_log(demo_app), tables_state(demo_app), files_state(files)) == before

    # The ids go on after the restored ones (PostgreSQL's sequences were moved past them).
    result = cli(demo_app, "users", "create", "--email", "efter@test.se", "--role", "viewer",
                 "--password", "ett-langt-losenord")
    assert result.exit_code == 0, result.output


def test_restore_into_an_empty_database(demo_app, scratch, tmp_path, frozen):
    out = tmp_path / "backup.zip"
    assert cli(demo_app, "backup", "--out", str(out)).exit_code == 0
    fresh = scratch("fresh")
    with fresh.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1           # a database without tables

    refused = cli(fresh, "restore", str(out))
    assert refused.exit_code == 2 and "(som är tom)" in refused.output

    elsewhere = tmp_path / "trial-files"        # a trial restore keeps the app's own files folder out of it
    result = cli(fresh, "restore", str(out), "--yes", "--files-dir", str(elsewhere))
    assert result.exit_code == 0, result.output
    assert exports(fresh) == exports(demo_app)
    assert change_log(fresh) == change_log(demo_app)
    assert tables_state(fresh) == tables_state(demo_app)
    assert files_state(elsewhere) == files_state(Path(demo_app.config["FILES_DIR"]))
    assert not Path(fresh.config["FILES_DIR"]).exists()
    # New rows get new ids (PostgreSQL's sequences start after the restored ones).
    result = cli(fresh, "users", "create", "--email", "efter@test.se", "--role", "viewer",
                 "--password", "ett-langt-losenord")
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL as well as SQLite")
def test_a_backup_moves_between_postgresql_and_sqlite(demo_app, scratch, tmp_path, frozen):
    from_pg = tmp_path / "pg.zip"
    assert cli(demo_app, "backup", "--out", str(from_pg)).exit_code == 0
    lite = make_app(f"sqlite:///{tmp_path / 'lite.db'}", tmp_path / "lite-files")
    try:
        assert cli(lite, "restore", str(from_pg), "--yes").exit_code == 0
        assert exports(lite) == exports(demo_app) and change_log(lite) == change_log(demo_app)
        from_lite = tmp_path / "lite.zip"
        assert cli(lite, "backup", "--out", str(from_lite)).exit_code == 0
    finally:
        close(lite)
    back = scratch("back")
    assert cli(back, "restore", str(from_lite), "--yes").exit_code == 0
    assert tables_state(back) == tables_state(demo_app)


def rewrite(source: Path, target: Path, change) -> None:
    """Copy a backup member by member, letting `change(name, data)` alter each one."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)


def test_a_damaged_altered_or_newer_backup_is_refused_and_nothing_changes(demo_app, tmp_path, frozen):
    out = tmp_path / "backup.zip"
    assert cli(demo_app, "backup", "--out", str(out)).exit_code == 0
    spoil(demo_app)
    spoiled = tables_state(demo_app)

    tampered = tmp_path / "tampered.zip"
    rewrite(out, tampered, lambda name, data: data.replace(b'"Digital', b'"Analog', 1)
            if name == "database/initiative.jsonl" else data)
    assert tampered.read_bytes() != out.read_bytes()
    result = cli(demo_app, "restore", str(tampered), "--yes")
    assert result.exit_code == 2
    assert "Kontrollsumman (SHA-256) för database/initiative.jsonl" in result.output
    assert "Ingenting har ändrats" in result.output

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    result = cli(demo_app, "restore", str(truncated), "--yes")
    assert result.exit_code == 2 and "skadad" in result.output

    smuggled = tmp_path / "smuggled.zip"
    rewrite(out, smuggled, lambda name, data: data)
    with zipfile.ZipFile(smuggled, "a") as archive:
        archive.writestr("files/extra.sh", b"echo hej")
    result = cli(demo_app, "restore", str(smuggled), "--yes")
    assert result.exit_code == 2 and "files/extra.sh" in result.output and "manifest" in result.output

    newer = tmp_path / "newer.zip"

    def from_the_future(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_revision"] = "9999"
        return json.dumps(manifest).encode()
    rewrite(out, newer, from_the_future)
    result = cli(demo_app, "restore", str(newer), "--yes")
    assert result.exit_code == 2
    assert "nyare version av appen (schemarevision 9999)" in result.output
    assert f"(schemarevision {head_revision()})" in result.output

    assert tables_state(demo_app) == spoiled


def test_a_backup_from_an_older_schema_is_restored_over_newer_data_and_then_migrated(scratch, demo_app, tmp_path):
    """Over a database at the code's revision: its tables go, the backup's revision is built,
    filled and migrated."""
    from alembic import command

    from portfolio.operations.schema import code_revisions

    older = code_revisions()[1]
    old = scratch("old")
    with old.app_context():
        command.upgrade(old.extensions["migrate"].migrate.get_config(), older)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO priority_area (id, code, name, sort_order, active) "
                              "VALUES (7, 'gammal', 'Ett område från förr', 1, true)"))
    out = tmp_path / "old.zip"
    result = cli(old, "backup", "--out", str(out))
    assert result.exit_code == 0 and f"schemarevision {older}" in result.output, result.output

    result = cli(demo_app, "restore", str(out), "--yes")
    assert result.exit_code == 0, result.output
    assert f"migrerad från schemarevision {older} till {head_revision()}" in result.output
    assert revision(demo_app) == head_revision()
    state = tables_state(demo_app)
    assert state["priority_area"] == [(7, "gammal", "Ett område från förr", 1, True)]
    assert not state["initiative"] and not state["change_log"]


# --- retention ----------------------------------------------------------------------------------

def phases_per_year(app) -> dict[int, tuple]:
    """What the dashboards read for each past year: initiatives per area and phase on 31 December."""
    from portfolio.dashboards.contract import Filters
    from portfolio.dashboards.data import DashboardReader

    with app.test_request_context():
        return {year: DashboardReader(Filters(year=year), 9, TODAY).count_by_area_phase()
                for year in range(2018, TODAY.year)}


def test_retention_prunes_only_old_entries_and_keeps_every_year_as_it_was(demo_app, frozen):
    log = change_log(demo_app)
    years = phases_per_year(demo_app)
    cutoff = now() - timedelta(days=400)
    early, late = cutoff - timedelta(hours=1), cutoff + timedelta(hours=1)     # the clock ticks on
    assert len([r for r in log if r["changed_at"] < early]) > 500
    assert any(r["changed_at"] > late for r in log)

    demo_app.config["CHANGE_LOG_RETENTION_DAYS"] = None
    result = cli(demo_app, "retention")
    assert result.exit_code == 0 and "hela ändringsloggen behålls" in result.output
    assert change_log(demo_app) == log

    demo_app.config["CHANGE_LOG_RETENTION_DAYS"] = "400"        # as PORTFOLIO_CHANGE_LOG_RETENTION_DAYS gives it
    result = cli(demo_app, "retention", "--dry-run")
    assert result.exit_code == 0 and "Provkörning" in result.output, result.output
    assert change_log(demo_app) == log

    result = cli(demo_app, "retention")
    assert result.exit_code == 0, result.output
    kept = change_log(demo_app)
    gone = {r["id"] for r in log} - {r["id"] for r in kept}
    assert f"Tog bort {len(gone)} poster" in result.output
    assert all(r["changed_at"] < late for r in log if r["id"] in gone)                   # only old ones
    assert [r for r in log if r["changed_at"] >= late] == [r for r in kept if r["changed_at"] >= late]
    survivors = [r for r in kept if r["changed_at"] < early]
    assert survivors and all((r["entity_type"], r["field"]) == ("initiative", "phase") for r in survivors)
    assert len({(r["entity_id"], r["changed_at"].year) for r in survivors}) == len(survivors)   # one a year
    assert len(gone) > len(survivors)
    assert phases_per_year(demo_app) == years                   # every year still reads as it was

    # The kept entries are the ones past years need: without them the years would change.
    with demo_app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log WHERE changed_at < :c"), {"c": early})
    assert phases_per_year(demo_app) != years


def test_retention_refuses_a_setting_that_is_not_days(app):
    app.config["CHANGE_LOG_RETENTION_DAYS"] = "ett år"
    try:
        result = cli(app, "retention")
    finally:
        app.config["CHANGE_LOG_RETENTION_DAYS"] = None
    assert result.exit_code == 2 and "ska vara ett helt antal dagar" in result.output


def test_retention_prunes_the_security_log_after_its_own_days(app):
    from datetime import timedelta

    from portfolio import clock
    from portfolio.auth.security_log import SecurityEvent, record_event
    from portfolio.transactions import transaction

    with app.app_context(), transaction():
        record_event("logout", subject_label="gammal@test.se", at=clock.now() - timedelta(days=800))
        record_event("logout", subject_label="ny@test.se")
    app.config["SECURITY_LOG_RETENTION_DAYS"] = 730

    def labels() -> set:
        with app.app_context():
            found = {e.subject_label for e in db.session.scalars(db.select(SecurityEvent))}
            db.session.remove()
            return found
    dry = cli(app, "retention", "--dry-run")
    assert dry.exit_code == 0 and "1 händelser i säkerhetsloggen" in dry.output
    assert labels() == {"gammal@test.se", "ny@test.se"}
    result = cli(app, "retention")
    assert result.exit_code == 0 and "Tog bort 1 händelser i säkerhetsloggen" in result.output
    assert labels() == {"ny@test.se"}


def test_backup_refuses_a_folder_that_does_not_exist(app, tmp_path):
    result = cli(app, "backup", "--out", str(tmp_path / "saknas" / "b.zip"))
    assert result.exit_code == 2 and "finns inte" in result.output


def test_values_keep_their_types_in_the_file():
    from datetime import datetime, time
    from decimal import Decimal

    from portfolio.operations.archive import decode, row_line

    values = [None, True, False, 0, -12345678901234, "åäö \"citat\"\n\x00", 1.5, Decimal("1234.50"),
              date(2022, 12, 31), datetime(2022, 12, 31, 23, 59, 59, 999999), time(8, 30), b"\x00\xff"]
    line = row_line(values)
    decoded = [decode(v) for v in json.loads(line)]
    assert decoded == values and [type(v) for v in decoded] == [type(v) for v in values]
    assert line.endswith(b"\n") and line.count(b"\n") == 1
