"""PostgreSQL is configured for this workload (#16): JIT off on the app's connections."""

from __future__ import annotations

import pytest

from portfolio.extensions import db


def test_the_apps_postgresql_connections_run_without_jit(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (set PORTFOLIO_TEST_DATABASE_URL)")
        assert db.session.execute(db.text("SHOW jit")).scalar() == "off"
