"""Shared fixtures: one migrated database per run (SQLite by default, PostgreSQL when
PORTFOLIO_TEST_DATABASE_URL is set), emptied after every test."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from portfolio import create_app
from portfolio.extensions import db

TEST_DB_ENV = "PORTFOLIO_TEST_DATABASE_URL"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get(TEST_DB_ENV)
    if url:
        if url.startswith("postgresql://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema(url: str) -> None:
    """Start from an empty schema: the PostgreSQL server outlives a run."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def scratch_database_url(directory, suffix: str) -> str:
    """A second, empty database of the kind the suite runs on: a SQLite file in `directory`, or
    a PostgreSQL database named after the configured one plus `_suffix` (dropped and created)."""
    from sqlalchemy.engine import make_url

    url = os.environ.get(TEST_DB_ENV)
    if not url:
        return f"sqlite:///{directory / (suffix + '.db')}"
    url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    scratch = url.set(database=f"{url.database}_{suffix}")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    admin.dispose()
    return scratch.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    from portfolio.settings import MIGRATIONS_DIR

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_MAX_FAILURES": 5,
    })
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    return app


def _empty_all_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        if table.name != "alembic_version":
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test that touches the app starts with only the programme's reference data."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    from portfolio.programme.services import sync_reference_data

    with app.app_context():
        sync_reference_data()
    yield
    with app.app_context():
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


@pytest.fixture
def app_ctx(app):
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def frozen(request, app):
    """Today frozen at the test module's TODAY (2026-11-27 unless it says otherwise), for the
    app and, in browser tests, for the app the browser talks to."""
    day = getattr(request.module, "TODAY", date(2026, 11, 27))
    apps = [app]
    if "served_app" in request.fixturenames or "page" in request.fixturenames:
        apps.append(request.getfixturevalue("served_app"))
    for a in apps:
        a.config["FROZEN_TODAY"] = day
    yield day
    for a in apps:
        a.config.pop("FROZEN_TODAY", None)


PASSWORD = "korrekt-hast-batteri"


@pytest.fixture
def make_user(app):
    """make_user("editor", units=["SBF"]) → a committed User with that role and scope."""
    from portfolio.auth.services import create_user

    counter = {"n": 0}

    def make(*roles: str, areas=(), units=(), email: str | None = None):
        counter["n"] += 1
        with app.app_context():
            user = create_user(
                email=email or f"{'-'.join(roles)}{counter['n']}@test.se",
                roles=list(roles), password=PASSWORD, areas=list(areas), units=list(units))
            return user.id, user.email
    return make


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """login_as("portfolio_office") creates a user with that role, logs the client in and
    returns the user's id."""
    def do(*roles: str, areas=(), units=()):
        user_id, email = make_user(*roles, areas=areas, units=units)
        response = login(client, email)
        assert response.status_code == 302, response.data[:500]
        return user_id
    return do


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no csrf token in page"
    return match.group(1)
