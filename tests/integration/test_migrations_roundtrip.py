"""Every migration runs down to an empty database and up again, on the database the suite runs
against (SQLite by default; PostgreSQL when PORTFOLIO_TEST_DATABASE_URL is set). A separate
database is used so the suite's own is left alone."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portfolio import create_app
from portfolio.extensions import db
from tests.conftest import TEST_DB_ENV, scratch_database_url


def test_every_migration_down_and_up(tmp_path):
    from flask_migrate import downgrade, upgrade

    from portfolio.settings import MIGRATIONS_DIR

    url = scratch_database_url(tmp_path, "migrations")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        tables = set(inspect(db.engine).get_table_names())
        assert {"initiative", "gate_override", "response_status_change", "audit_committee"} <= tables
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=str(MIGRATIONS_DIR))
        assert set(inspect(db.engine).get_table_names()) == tables
        db.session.remove()
        db.engine.dispose()
    if url.startswith("postgresql"):
        admin = create_engine(os.environ[TEST_DB_ENV].replace("postgresql://", "postgresql+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}"'))
        admin.dispose()
