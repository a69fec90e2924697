"""`portfolio restore FILE --yes`: replace the database and the stored files with a backup's.

Order: read the file and check it whole (manifest, every member's SHA-256, a schema revision this
code knows) before anything is touched; then, unless the database is at the backup's revision
already, drop the app's tables and migrate an empty schema to the backup's revision; replace
every row in one transaction (parents before children; on PostgreSQL the id sequences are moved
past the restored ids); migrate on to the code's revision; last, replace the files folder. The
same path restores into an empty database and over an existing one, and a backup from one kind
of database on the other.

The web app and any workers must be stopped while a restore runs; on PostgreSQL a table another
connection holds is reported rather than waited for."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import Connection, Integer, Table, bindparam, delete, insert, inspect, text, update
from sqlalchemy.exc import OperationalError

from portfolio.extensions import db
from portfolio.operations.archive import FILES_DIR, ArchiveReader, BackupError, Manifest, TableInfo
from portfolio.operations.schema import (
    VERSION_TABLE,
    check_revision_restorable,
    data_tables,
    database_kind,
    database_revision,
    shown_url,
)
from portfolio.settings import MIGRATIONS_DIR
from portfolio.transactions import transaction
from portfolio.validation import ConflictError

BATCH = 500
LOCK_TIMEOUT = "10s"
IN_USE = ("Databasens tabeller används av en annan anslutning. Stoppa appen (webbservern och eventuella "
          "arbetsprocesser) och försök igen. Ingenting har ändrats. ({orig})")
# What the refusal without --yes counts, so the operator sees what would be lost.
COUNTED = {"initiative": "initiativ", "user_account": "konton", "change_log": "poster i ändringsloggen"}


@dataclass(frozen=True)
class TargetState:
    """The database and files folder a restore would overwrite."""

    url: str
    revision: str | None
    tables: int
    counts: dict[str, int]
    files_dir: Path
    files: int

    @property
    def database_empty(self) -> bool:
        return self.tables == 0 and self.revision is None


@dataclass(frozen=True)
class RestoreSummary:
    backup_revision: str
    revision: str
    rows: int
    files: int


def open_backup(path: Path) -> ArchiveReader:
    """The backup, checked whole: readable, every member as its manifest says, and from a schema
    this code can restore (the same revision or an older one)."""
    reader = ArchiveReader(path)
    try:
        reader.verify()
        check_revision_restorable(reader.manifest.schema_revision)
    except BaseException:
        reader.close()
        raise
    return reader


def describe_target(files_dir: Path) -> TargetState:
    engine = db.engine
    database_kind(engine)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        revision = database_revision(conn)
        counts = {name: conn.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar_one()
                  for name in COUNTED if name in names}
    files = sum(1 for p in files_dir.rglob("*") if p.is_file()) if files_dir.is_dir() else 0
    return TargetState(shown_url(engine), revision, len(names - {VERSION_TABLE}), counts, files_dir, files)


def restore_backup(reader: ArchiveReader, files_dir: Path) -> RestoreSummary:
    """Replace the database and the files folder with the backup's (see the module's text)."""
    manifest = reader.manifest
    head = check_revision_restorable(manifest.schema_revision)
    engine = db.engine
    kind = database_kind(engine)
    db.session.remove()
    engine.dispose()                  # no pooled connection keeps a lock or an old schema
    with engine.connect() as conn:
        same_schema = database_revision(conn) == manifest.schema_revision
    if not same_schema:               # empty, or at another revision: a new schema at the backup's
        _drop_app_tables(kind, {t.name for t in manifest.tables})
        _migrate(manifest.schema_revision)
    try:
        with transaction():
            rows = _load(reader, manifest, db.session.connection(), kind)
    except ConflictError as exc:      # the transaction helper's name for a constraint the rows broke
        cause = getattr(exc.__cause__, "orig", exc.__cause__)
        raise BackupError(f"Databasen tog inte emot säkerhetskopians rader ({cause}). Inga rader "
                          "har lagts in; rätta felet och återställ igen.") from exc
    if manifest.schema_revision != head:
        _migrate("head")
    db.session.remove()
    engine.dispose()
    files = _restore_files(reader, files_dir)
    return RestoreSummary(manifest.schema_revision, head, rows, files)


def _migrate(revision: str) -> None:
    from alembic import command

    config = current_app.extensions["migrate"].migrate.get_config(str(MIGRATIONS_DIR))
    command.upgrade(config, revision)


def _drop_app_tables(kind: str, backup_tables: set[str]) -> None:
    """Drop the app's tables (those the code or the backup knows, and Alembic's), nothing else
    the database may hold."""
    names = {t.name for t in db.metadata.sorted_tables} | backup_tables
    with db.engine.begin() as conn:
        if kind == "postgresql":
            conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        try:
            tables = data_tables(conn, only=names)
            for table in reversed(tables):
                table.drop(conn)
            conn.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
        except OperationalError as exc:
            raise BackupError(IN_USE.format(orig=exc.orig)) from exc


def _load(reader: ArchiveReader, manifest: Manifest, conn: Connection, kind: str) -> int:
    try:
        if kind == "postgresql":
            conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        tables = data_tables(conn)
        for table in reversed(tables):  # the rows there (or a migration's seed rows) give way
            conn.execute(delete(table))
    except OperationalError as exc:
        raise BackupError(IN_USE.format(orig=exc.orig)) from exc
    by_name = {t.name: t for t in tables}
    infos = {t.name: t for t in manifest.tables}
    missing = sorted(set(infos) - set(by_name))
    if missing:
        raise BackupError(f"Tabellen {missing[0]} i säkerhetskopian finns inte i schemarevision "
                          f"{manifest.schema_revision}. Säkerhetskopian kan inte återställas.")
    total = 0
    for table in tables:
        info = infos.get(table.name)
        if info is not None:
            total += _load_table(reader, info, table, conn)
    if kind == "postgresql":
        _reset_sequences(tables, conn)
    return total


def _load_table(reader: ArchiveReader, info: TableInfo, table: Table, conn: Connection) -> int:
    if set(info.columns) != {c.name for c in table.columns}:
        raise BackupError(f"Kolumnerna i tabellen {table.name} stämmer inte med schemarevisionen i "
                          "säkerhetskopians manifest. Säkerhetskopian kan inte återställas.")
    # A row may point at a later row of its own table (a unit's parent): such columns are filled
    # in after all rows are there, since PostgreSQL checks each foreign key as a row goes in.
    pk = list(table.primary_key.columns)
    later = [fk.parent.name for fk in table.foreign_keys
             if fk.column.table is table and fk.parent.nullable] if len(pk) == 1 else []
    pending: list[dict] = []
    count = 0
    rows: Iterator[dict] = (dict(zip(info.columns, values, strict=True)) for values in reader.rows(info))
    while batch := list(islice(rows, BATCH)):
        for row in batch:
            links = {name: row[name] for name in later if row[name] is not None}
            if links:
                pending.append({"_pk": row[pk[0].name], **{f"_{k}": v for k, v in links.items()}})
                row.update(dict.fromkeys(links))
        conn.execute(insert(table), batch)
        count += len(batch)
    for name in later:
        todo = [{"_pk": p["_pk"], "_value": p[f"_{name}"]} for p in pending if f"_{name}" in p]
        if todo:
            conn.execute(update(table).where(pk[0] == bindparam("_pk")).values({name: bindparam("_value")}), todo)
    if count != info.rows:
        raise BackupError(f"Tabellen {table.name} har {count} rader i säkerhetskopian, "
                          f"men manifestet säger {info.rows}.")
    return count


def _reset_sequences(tables: list[Table], conn: Connection) -> None:
    """Move each id sequence past the highest restored id, so the next insert gets a new one."""
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": quote(table.name), "c": pk[0].name}).scalar()
        if sequence:
            conn.execute(text(f"SELECT setval(:s, COALESCE((SELECT MAX({quote(pk[0].name)}) "
                              f"FROM {quote(table.name)}), 0) + 1, false)"), {"s": sequence})


def _restore_files(reader: ArchiveReader, files_dir: Path) -> int:
    """Put the backup's files in place of the files folder: written beside it first, then swapped."""
    names = reader.manifest.files
    if not names and not files_dir.exists():
        return 0
    files_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{files_dir.name}-restoring-", dir=files_dir.parent))
    try:
        for name in names:
            target = staging.joinpath(*PurePosixPath(name).relative_to(FILES_DIR.rstrip("/")).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with reader.open_member(name) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
        old = None
        if files_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{files_dir.name}-replaced-", dir=files_dir.parent))
            files_dir.rename(old / files_dir.name)
        staging.rename(files_dir)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return len(names)
