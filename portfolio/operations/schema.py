"""What backup and restore need to know about the database and the code: the kind of database,
its schema revision and tables (as they are in the database, not as the models say, so a backup
of a database at an older revision is whole), the revisions the code knows, and the files folder."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import Connection, Engine, MetaData, Table, inspect, text

from portfolio.operations.archive import BackupError
from portfolio.search import is_search_index_table
from portfolio.settings import MIGRATIONS_DIR

VERSION_TABLE = "alembic_version"
KINDS = ("sqlite", "postgresql")


def database_kind(engine: Engine) -> str:
    kind = engine.dialect.name
    if kind not in KINDS:
        raise BackupError(f"Säkerhetskopiering stöds för SQLite och PostgreSQL, inte {kind}.")
    return kind


def shown_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def files_folder(app: Flask) -> Path:
    """Where the app keeps stored files (published reports): FILES_DIR if set, else `files` in
    the instance folder. Backed up and restored with the database."""
    configured = app.config.get("FILES_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "files"


def database_revision(conn: Connection) -> str | None:
    """The schema revision the database is at; None when it has never been migrated."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def data_tables(conn: Connection, only: set[str] | None = None) -> list[Table]:
    """The database's tables (all but Alembic's), parents before children."""
    metadata = MetaData()
    existing = {n for n in inspect(conn).get_table_names() if not is_search_index_table(n)}
    names = existing - {VERSION_TABLE} if only is None else (existing & only) - {VERSION_TABLE}
    metadata.reflect(conn, only=sorted(names))
    return [t for t in metadata.sorted_tables if t.name in names]


def code_revisions() -> list[str]:
    """The revisions the installed code knows, newest (head) first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in script.walk_revisions()]


def check_revision_restorable(revision: str) -> str:
    """The code's head revision, if a backup at `revision` can be restored by this code (at the
    head or older: it is migrated after the restore); a backup from newer code is refused."""
    known = code_revisions()
    if revision not in known:
        raise BackupError(
            f"Säkerhetskopian är från en nyare version av appen (schemarevision {revision}) än den som är "
            f"installerad (schemarevision {known[0]}). Installera samma eller en nyare version av appen och "
            "återställ sedan. Ingenting har ändrats.")
    return known[0]
