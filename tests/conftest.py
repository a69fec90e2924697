"""Shared fixtures: one migrated database per run (SQLite by default, PostgreSQL when
PORTFOLIO_TEST_DATABASE_URL is set), emptied after every test that kept a write in it; the demo
data built once per run and copied to the tests that read it; the clock moved with time-machine."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import Pool

from portfolio import create_app
from portfolio.extensions import db
from tests import service_calls

service_calls.install()   # a test calling a service directly owns its transaction

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
    _writes.watch(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    from portfolio.settings import MIGRATIONS_DIR

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "VALIDATE_FIGURES": True,      # plotly checks every chart property the plugins set
        # A cheap hash: the suite creates and logs in about a thousand users (scrypt costs
        # ~170 ms a login here). Production keeps werkzeug's scrypt (settings.py).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    return app


def _empty_all_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        if table.name != "alembic_version":
            db.session.execute(table.delete())
    db.session.commit()


# --- isolation: empty the database only after a test that kept a write in it -------------------

READ_ONLY_STATEMENTS = ("select", "pragma", "show", "explain", "begin", "savepoint", "release",
                        "rollback", "create database", "drop database")


class _Writes:
    """Whether a write to the suite's database may have been kept since it was last emptied.

    Every engine on the suite's database is watched (the test app's, the browser tests' served
    app's, a CLI's): a connection that wrote marks itself; its commit keeps the write, its
    rollback forgets it, and a connection handed back to the pool still marked (autocommit, or
    a rollback done by the pool) counts as kept, to be safe."""

    def __init__(self) -> None:
        self.target: tuple | None = None
        self.kept = True          # nothing known yet: empty and fill in the reference data first

    @staticmethod
    def _key(url) -> tuple:
        return (url.get_backend_name(), url.host, url.port, url.database)

    def watch(self, url: str) -> None:
        self.target = self._key(make_url(url))
        if not event.contains(Engine, "before_cursor_execute", _on_execute):
            event.listen(Engine, "before_cursor_execute", _on_execute)
            event.listen(Engine, "commit", _on_commit)
            event.listen(Engine, "rollback", _on_rollback)
            event.listen(Pool, "checkin", _on_checkin)

    def ours(self, conn) -> bool:
        return self._key(conn.engine.url) == self.target


_writes = _Writes()


def _on_execute(conn, cursor, statement, parameters, context, executemany):
    if (not statement.lstrip().lower().startswith(READ_ONLY_STATEMENTS)
            and _writes.ours(conn)):
        conn.info["test_wrote"] = True


def _on_commit(conn):
    if conn.info.pop("test_wrote", False):
        _writes.kept = True


def _on_rollback(conn):
    conn.info.pop("test_wrote", None)


def _on_checkin(dbapi_connection, record):
    if record is not None and record.info.pop("test_wrote", False):
        _writes.kept = True


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test that touches the app starts with only the programme's reference data. A test
    that kept no write (read-only, or rolled back) leaves nothing to empty."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    from portfolio.programme.services import sync_reference_data

    if _writes.kept:                  # emptied (or never filled): the reference data goes back
        with app.app_context():
            sync_reference_data()
            db.session.remove()
        _writes.kept = False
    yield
    with app.app_context():
        db.session.rollback()
        if _writes.kept:
            _empty_all_tables()
        db.session.remove()
    from portfolio.limits import EXTENSION_KEY

    app.extensions[EXTENSION_KEY].reset()   # every test starts with no failed logins counted


# --- the clock ---------------------------------------------------------------------------------

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_TODAY = date(2026, 11, 27)


def travel(day: date) -> time_machine.travel:
    """time-machine to noon in Sweden on `day`, the clock ticking on from there (the whole
    process: the app, a served app's threads)."""
    return time_machine.travel(datetime.combine(day, time(12), tzinfo=STOCKHOLM), tick=True)


_travels: list[time_machine.travel] = []


def travel_to(day: date) -> None:
    """Move the clock to `day` from here on in a test; `travel_back()` (or the test's end)
    returns it."""
    traveller = travel(day)
    traveller.start()
    _travels.append(traveller)


def travel_back() -> None:
    while _travels:
        _travels.pop().stop()


def _sign_by_the_wall_clock() -> None:
    """Session cookies and CSRF tokens are stamped and checked by the real clock. Otherwise a
    client that logged in before a test moved the clock back (or forward past the session's
    lifetime) would hold a cookie the app refuses as expired, and the browser tests' Chromium,
    a separate process, lives in real time."""
    import time as time_module

    from itsdangerous.timed import TimestampSigner

    def wall_clock(self) -> int:
        hatch = time_machine.escape_hatch
        return int(hatch.time.time() if hatch.is_travelling() else time_module.time())

    TimestampSigner.get_timestamp = wall_clock


_sign_by_the_wall_clock()


def _frozen_day(request) -> date:
    return getattr(request.module, "TODAY", DEFAULT_TODAY)


@pytest.fixture(autouse=True)
def _clock(request):
    """A test using `frozen` has the clock moved before any of its fixtures run, so the data it
    sets up is dated in the same (travelled) time as what the test does."""
    if "frozen" in request.fixturenames:
        with travel(_frozen_day(request)):
            yield
            travel_back()
    else:
        yield
        travel_back()


@pytest.fixture
def app_ctx(app):
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def frozen(request, _clock):
    """Today frozen at the test module's TODAY (2026-11-27 unless it says otherwise): the clock
    stands at noon in Sweden that day and ticks on, for the app and, in browser tests, for the
    app the browser talks to (a thread of this process). The fixture's value is that day."""
    return _frozen_day(request)


# --- the demo data, built once -----------------------------------------------------------------

DEMO_TODAY = date(2026, 11, 27)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, database_url) -> str:
    """A migrated database with the programme's reference data and the demo (loaded with the
    clock at DEMO_TODAY), built once per run; tests get copies (`demo_copy`)."""
    from flask_migrate import upgrade

    from portfolio.demo.loader import load_demo
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR

    url = scratch_database_url(tmp_path_factory.mktemp("demo-template"), "demo_template")
    demo = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with travel(DEMO_TODAY), demo.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        sync_reference_data()
        assert load_demo()
        db.session.remove()
        db.engine.dispose()       # a PostgreSQL template takes no connections while copied
    yield url
    drop_scratch_database(url)


def demo_copy(template_url: str, directory, suffix: str) -> str:
    """A fresh copy of the demo database: the SQLite file copied into `directory`, or a
    PostgreSQL database created from the template, named as `scratch_database_url` names them."""
    template = make_url(template_url)
    if template.get_backend_name() == "sqlite":
        target = directory / f"{suffix}.db"
        shutil.copy(template.database, target)
        return f"sqlite:///{target}"
    configured = make_url(os.environ[TEST_DB_ENV].replace("postgresql://", "postgresql+psycopg://", 1))
    copy = configured.set(database=f"{configured.database}_{suffix}")
    admin = create_engine(configured, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{copy.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{copy.database}" TEMPLATE "{template.database}"'))
    admin.dispose()
    return copy.render_as_string(hide_password=False)


def drop_scratch_database(url: str) -> None:
    """Drop a PostgreSQL scratch database (its connections too); a SQLite file goes with its
    temporary directory."""
    scratch = make_url(url)
    if scratch.get_backend_name() == "sqlite":
        return
    configured = make_url(os.environ[TEST_DB_ENV].replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(configured, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def demo_database_url(demo_template, tmp_path):
    """The URL of this test's own copy of the demo database (dropped after the test)."""
    url = demo_copy(demo_template, tmp_path, "demo_copy")
    yield url
    drop_scratch_database(url)


@pytest.fixture
def demo_data(request, app, demo_database_url):
    """The test's `app` (and, in browser tests, the served app) works on a fresh copy of the
    demo database instead of the suite's database, which is left as it was."""
    apps = [app]
    if "served_app" in request.fixturenames:
        apps.append(request.getfixturevalue("served_app"))
    engine = create_engine(demo_database_url)
    swapped = []
    for a in apps:
        with a.app_context():
            db.session.remove()
            engines = db.engines          # this app's engines, looked up on every use
            swapped.append((engines, engines[None]))
            engines[None] = engine
    yield demo_database_url
    for a, (engines, original) in zip(apps, swapped, strict=True):
        with a.app_context():
            db.session.remove()
        engines[None] = original
    engine.dispose()


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


# --- Redis and the job queue -------------------------------------------------------------------

TEST_SETTINGS = {"TESTING": True, "WTF_CSRF_ENABLED": False,
                 "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


@pytest.fixture
def redis_url():
    """PORTFOLIO_TEST_REDIS_URL (a Redis database number of the suite's own; never flushed as a
    whole). Without it the Redis tests skip, except under CI, where Redis runs."""
    url = os.environ.get("PORTFOLIO_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PORTFOLIO_TEST_REDIS_URL is not set: the Redis tests must run")
        pytest.skip("PORTFOLIO_TEST_REDIS_URL is not set: the tests of Redis (job queue, shared "
                    "counters) need one, e.g. redis://127.0.0.1:6379/7")
    return url


@pytest.fixture
def queued_app(app, redis_url, database_url):
    """An app on the suite's database whose background jobs go to an RQ queue of its own on the
    test Redis (retries without waiting). Run its jobs with `run_queue(queued_app)`. The queue's
    keys are deleted afterwards."""
    import redis

    queued = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url,
                         "REDIS_URL": redis_url, "JOB_RETRY_SECONDS": [0, 0, 0]})
    yield queued
    name = queued.extensions["portfolio.jobs"].queue_name
    store = redis.Redis.from_url(redis_url)
    keys = list(store.scan_iter(f"*{name}*"))
    if keys:
        store.delete(*keys)


def run_queue(queued_app, *, fork: bool = False) -> None:
    """Run what is on the app's queue with a real RQ worker in burst mode: a SimpleWorker in
    this process, or (fork=True) RQ's forking worker, as `portfolio worker` runs."""
    from rq import SimpleWorker

    from portfolio.jobs.worker import run_worker

    with queued_app.app_context():
        if fork:
            run_worker(queued_app, burst=True)
        else:
            engine = queued_app.extensions["portfolio.jobs"]
            SimpleWorker([engine.queue()], connection=engine.connection()).work(
                burst=True, with_scheduler=True, logging_level="WARNING")
        db.session.remove()

