"""`portfolio backup`: the database (every table, every row) and the stored files in one zip file
(see `archive` for the format).

The rows come from one consistent moment while the app keeps running: on PostgreSQL a read-only
REPEATABLE READ transaction (one snapshot for all tables); on SQLite the online backup API
(`sqlite3.Connection.backup`) first copies the database to a temporary file, which is then read."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.pool import NullPool

from portfolio.clock import now
from portfolio.operations.archive import FILES_DIR, ArchiveWriter, BackupError, Manifest, TableInfo, row_line
from portfolio.operations.schema import data_tables, database_kind, database_revision

FETCH = 1000


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    schema_revision: str
    tables: int
    rows: int
    files: int
    size: int


def create_backup(engine: Engine, out: Path, files_dir: Path | None) -> BackupSummary:
    """Write the backup to `out` (replaced only when the whole file is written)."""
    kind = database_kind(engine)
    out = out.resolve()
    if not out.parent.is_dir():
        raise BackupError(f"Mappen {out.parent} finns inte.")
    handle, partial_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(handle)          # mkstemp: readable by the owner only, as a backup should be
    partial = Path(partial_name)
    try:
        with _snapshot(engine, kind, out.parent) as conn:
            revision = database_revision(conn)
            if revision is None:
                raise BackupError("Databasen är inte migrerad (ingen schemarevision); "
                                  "det finns inget att säkerhetskopiera.")
            manifest = Manifest(schema_revision=revision, database=kind,
                                created_at=now().isoformat(timespec="seconds") + "Z")
            writer = ArchiveWriter(partial)
            try:
                for table in data_tables(conn):
                    info = TableInfo(table.name, [c.name for c in table.columns])
                    info.rows = writer.write_lines(info.member, _rows(conn, table))
                    manifest.tables.append(info)
                files = _add_files(writer, files_dir)
                writer.finish(manifest)
            except BaseException:
                writer.abort()
                raise
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(out, revision, len(manifest.tables), sum(t.rows for t in manifest.tables),
                         files, out.stat().st_size)


@contextmanager
def _snapshot(engine: Engine, kind: str, scratch_dir: Path) -> Iterator[Connection]:
    """A connection that sees the whole database as of one moment."""
    if kind == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                conn.execute(text("SET TRANSACTION READ ONLY"))
                yield conn
        return
    # SQLite: the online backup API copies the live database page by page (writers may go on);
    # the copy is private to this process, next to the backup rather than in a small /tmp.
    with tempfile.TemporaryDirectory(prefix=".portfolio-backup-", dir=scratch_dir) as tmp:
        copy = Path(tmp) / "snapshot.db"
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(copy)
            try:
                raw.driver_connection.backup(target)   # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            raw.close()
        snapshot = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
        try:
            with snapshot.connect() as conn:
                yield conn
        finally:
            snapshot.dispose()


def _rows(conn: Connection, table) -> Iterator[bytes]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=FETCH).execute(select(table).order_by(*order))
    for row in result:
        yield row_line(row)


def _add_files(writer: ArchiveWriter, files_dir: Path | None) -> int:
    if files_dir is None or not files_dir.is_dir():
        return 0
    count = 0
    for path in sorted(files_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            writer.write_file(FILES_DIR + path.relative_to(files_dir).as_posix(), path)
            count += 1
    return count
