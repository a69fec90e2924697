"""Planner statistics after bulk changes.

PostgreSQL plans from statistics that autovacuum refreshes only after a while; right after a
bulk load (an import, the demo data, a restore) a wrong row estimate once sent a dashboard query
into a nested loop (2.45 s, 0.56 s after ANALYZE). So those operations run ANALYZE as soon as
they have committed. SQLite keeps no statistics unless asked, and its plans here do not need
them: nothing is done there."""

from __future__ import annotations

from sqlalchemy import text

from portfolio.extensions import db

# An import smaller than this leaves the statistics to autovacuum.
BULK_ROWS = 200


def refresh_statistics(changed_rows: int | None = None) -> bool:
    """ANALYZE the database (PostgreSQL) after a committed bulk change of `changed_rows` rows
    (None: always). Returns whether it ran."""
    if changed_rows is not None and changed_rows < BULK_ROWS:
        return False
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    return True
