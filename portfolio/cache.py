"""Cached results (the dashboards, the yearly report's figures): computed once per data version,
so the second reader of a dashboard pays nothing, and never stale after a write.

Flask-Caching keeps the values: in Redis when PORTFOLIO_REDIS_URL is set (shared by every worker
and machine), otherwise in this process's memory (the quick start). One cache per app
(`init_cache`, in `app.extensions`); nothing is module-global. If Redis stops answering, values
are computed as if nothing were cached rather than failing the request.

The data version is one row of the table `data_version`, given a new random value by every
commit that wrote anything (a session hook: every unit of work commits through
`transactions.transaction()`, and a commit elsewhere, such as a test's or a bulk load's, counts
too). Every key holds the version read from the database, so a write in any process (a gunicorn
worker, the CLI, an import) changes every key at once: each process's own memory cache and the
shared Redis alike. A random value (not a counter) stays unique when the table is emptied or a
backup is restored. Keys also hold the day (what "overdue" or "as of" means moves with it) and a
fingerprint of the programme file (labels, thresholds, funding frames come from it)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

from flask import Flask, current_app
from flask_caching import Cache
from sqlalchemy import DDL, String, event, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from portfolio.clock import today
from portfolio.extensions import Model, db

log = logging.getLogger(__name__)

EXTENSION_KEY = "portfolio.cache"
_WROTE = "portfolio.wrote"          # session.info: this transaction wrote something
WROTE = _WROTE                      # the same key, for readers that depend on what a transaction wrote
_VERSION = "portfolio.data_version"  # session.info: the version this transaction read
VERSION_ID = 1
T = TypeVar("T")


class DataVersion(Model):
    """One row: changed by every commit that wrote (see the module's docstring)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32))


# A database made from the models (not the migrations) gets its row too.
event.listen(DataVersion.__table__, "after_create",
             DDL(f"INSERT INTO data_version (id, version) VALUES ({VERSION_ID}, 'start')"))


# --- the data version ----------------------------------------------------------------------------

def _on_execute(state) -> None:
    """A bulk INSERT/UPDATE/DELETE through the session (no flush sees those) is a write."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table not in BOOKKEEPING_TABLES:
            state.session.info[_WROTE] = True


# Writes that no dashboard or report reads: a login stamping its time, a logout ending
# sessions, an API token marked as used. They leave the data version (and every cached result)
# alone, or each KS reader's login would empty the cache for the next one.
BOOKKEEPING_COLUMNS: dict[str, frozenset[str]] = {
    "user_account": frozenset({"last_login_at", "session_generation"}),
    "api_token": frozenset({"last_used_at"}),
}


# Tables that record how the app works, not what it knows (background jobs, reminders sent,
# the security log):
# writing them changes no figure.
BOOKKEEPING_TABLES: frozenset[str] = frozenset({"background_job", "reminder_delivery", "security_event"})


def _table(obj) -> str:
    return getattr(obj, "__tablename__", "")


def _changes_data(session: Session) -> bool:
    """Whether the session's pending changes touch anything but bookkeeping columns/tables."""
    if any(_table(obj) not in BOOKKEEPING_TABLES for obj in (*session.new, *session.deleted)):
        return True
    for obj in session.dirty:
        if _table(obj) in BOOKKEEPING_TABLES:
            continue
        if not session.is_modified(obj):
            continue
        allowed = BOOKKEEPING_COLUMNS.get(getattr(obj, "__tablename__", ""))
        if allowed is None:
            return True
        changed = {attr.key for attr in sa_inspect(obj).attrs if attr.history.has_changes()}
        if not changed <= allowed:
            return True
    return False


def _on_flush(session: Session, _flush_context) -> None:
    # after_flush still sees the flushed objects as new/dirty/deleted
    if _changes_data(session):
        session.info[_WROTE] = True


def _before_commit(session: Session) -> None:
    """Give the data version a new value when this commit keeps a write (the outermost
    `transaction()`'s commit, or any other). Done last, just before COMMIT, so the row is locked
    only for a moment."""
    if not (session.info.get(_WROTE) or _changes_data(session)):
        return
    token = secrets.token_hex(16)
    changed = session.execute(update(DataVersion).where(DataVersion.id == VERSION_ID)
                              .values(version=token)).rowcount   # type: ignore[attr-defined]
    if not changed:       # the table was emptied (tests) or made without its row
        session.execute(insert(DataVersion).values(id=VERSION_ID, version=token))
    session.info.pop(_WROTE, None)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(_VERSION, None)


def track_writes() -> None:
    """Hook the data version into the app's session (once per process; idempotent)."""
    target = db.session
    for name, fn in (("do_orm_execute", _on_execute), ("after_flush", _on_flush),
                     ("before_commit", _before_commit),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(target, name, fn):
            event.listen(target, name, fn)


def data_version() -> str | None:
    """The current data version (one primary-key read per database transaction: a request
    reads it once), or None while this session holds writes not yet committed (then nothing
    may be cached: they could be rolled back)."""
    session = db.session()
    if session.info.get(_WROTE) or _changes_data(session):
        return None
    if _VERSION not in session.info or not session.in_transaction():
        session.info[_VERSION] = session.scalar(
            select(DataVersion.version).where(DataVersion.id == VERSION_ID)) or "none"
    found: str = session.info[_VERSION]
    return found


# --- the cache --------------------------------------------------------------------------------

class ResultCache:
    """Values computed from the data, keyed by what they depend on plus the data version."""

    def __init__(self, app: Flask):
        config = app.config
        redis_url = config.get("REDIS_URL")
        self.prefix = (config.get("CACHE_KEY_PREFIX") or (
            "portfolio-cache:" if not config.get("TESTING") else f"portfolio-test-cache-{secrets.token_hex(4)}:"))
        settings: dict[str, Any] = {
            "CACHE_KEY_PREFIX": self.prefix,
            "CACHE_DEFAULT_TIMEOUT": int(config.get("RESULT_CACHE_SECONDS") or 6 * 3600),
        }
        if not config.get("RESULT_CACHE", True):
            settings["CACHE_TYPE"] = "NullCache"
        elif redis_url:
            settings |= {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
        else:
            settings |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
        self.backend = settings["CACHE_TYPE"]
        self.cache = Cache(config=settings)
        self.cache.init_app(app)
        self._fingerprint: tuple[int, str] | None = None

    def _generation(self) -> str:
        """What every value depends on besides the data: the programme file and the code."""
        programme = current_app.extensions.get("portfolio.programme")
        if self._fingerprint is None or self._fingerprint[0] != id(programme):
            try:
                code = version("portfolio")
            except PackageNotFoundError:
                code = "dev"
            digest = hashlib.sha256(f"{programme!r}|{code}".encode()).hexdigest()[:12]
            self._fingerprint = (id(programme), digest)
        return self._fingerprint[1]

    def key(self, *parts: object) -> str | None:
        """The key of a value depending on `parts`, today and the current data: None when
        nothing may be cached now (this session holds uncommitted writes)."""
        current = data_version()
        if current is None:
            return None
        return ":".join(str(p) for p in (*parts, today().isoformat(), self._generation(), current))

    def get_or_build(self, parts: tuple[object, ...], build: Callable[[], T],
                     keep: Callable[[T], bool] = lambda _value: True) -> T:
        """The cached value for `parts`, or `build()` (kept when `keep(value)`)."""
        key = self.key(*parts)
        if key is None:
            return build()
        try:
            found = self.cache.get(key)
        except Exception:    # noqa: BLE001 - Redis down: compute, do not fail the request
            log.warning("result cache unavailable; computing %s", parts[0], exc_info=True)
            found = None
        if found is not None:
            return found
        value = build()
        if keep(value):
            try:
                self.cache.set(key, value)
            except Exception:    # noqa: BLE001
                log.warning("result cache unavailable; %s not kept", parts[0], exc_info=True)
        return value

    def clear(self) -> None:
        """Forget every value of this app (benchmarks; an operator). Only this app's prefix."""
        try:
            self.cache.clear()
        except Exception:    # noqa: BLE001
            log.warning("result cache unavailable; nothing cleared", exc_info=True)


def init_cache(app: Flask) -> ResultCache:
    track_writes()
    cache = ResultCache(app)
    app.extensions[EXTENSION_KEY] = cache
    return cache


def result_cache() -> ResultCache:
    cache: ResultCache = current_app.extensions[EXTENSION_KEY]
    return cache
