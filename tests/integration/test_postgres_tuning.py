"""PostgreSQL is configured for this workload (#16): JIT off on the app's connections."""

from __future__ import annotations

import pytest

from portfolio.extensions import db


def test_the_apps_postgresql_connections_run_without_jit(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (set PORTFOLIO_TEST_DATABASE_URL)")
        assert db.session.execute(db.text("SHOW jit")).scalar() == "off"


def _last_analyze(table: str):
    return db.session.execute(db.text(
        "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = :t"), {"t": table}).scalar()


def test_a_bulk_import_refreshes_the_planner_statistics(app, client, login_as, monkeypatch):
    """ANALYZE runs once a bulk import has committed (not for a dry run, not for a few rows)."""
    from portfolio import db_statistics
    from tests.integration.test_import import GOOD, libreoffice_csv, post

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (set PORTFOLIO_TEST_DATABASE_URL)")
        db.session.execute(db.text("SELECT pg_stat_reset()"))
        db.session.commit()
        assert _last_analyze("initiative") is None
    login_as("portfolio_office")
    assert post(client, libreoffice_csv(GOOD), "liten.csv", dry_run=True).status_code == 200
    assert post(client, libreoffice_csv(GOOD[:1]), "liten.csv").status_code == 200   # 1 row
    with app.app_context():
        assert _last_analyze("initiative") is None
    monkeypatch.setattr(db_statistics, "BULK_ROWS", 1)          # one new row counts as bulk here
    response = post(client, libreoffice_csv(GOOD), "stor.csv")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        assert _last_analyze("initiative") is not None
