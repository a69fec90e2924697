"""The one place that ends a transaction. Services validate, change and flush; whoever called
them (the form runner, the API's service call, a CLI command, a job, the demo loader) wraps the
work in `transaction()`, which commits when it all went well and rolls back otherwise.

    with transaction():
        services.save_risk(ini, data, actor, expected_version=...)
        services.set_no_significant_risks(ini, False, None, actor)

Blocks nest: only the outermost one commits, so a request can group two services without any
flags, and a failing inner block rolls back the whole unit of work."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portfolio.extensions import db
from portfolio.validation import ConcurrentSaveError, ConflictError

log = logging.getLogger(__name__)

_DEPTH_KEY = "portfolio.transaction_depth"


@contextmanager
def transaction() -> Iterator[None]:
    """Commit at the end of the outermost block, roll back on any error. A row another
    transaction changed first (the optimistic version check in the UPDATE) becomes a
    ConflictError, like a stale version in a form; a constraint the database enforces and another
    transaction got to first (an IntegrityError at a flush or the commit: two first saves of
    the same row, a reference taken in between) becomes a ConcurrentSaveError, also a conflict."""
    session = db.session()
    depth = session.info.get(_DEPTH_KEY, 0)
    session.info[_DEPTH_KEY] = depth + 1
    try:
        yield
        if depth == 0:
            session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(0) from exc
    except IntegrityError as exc:
        session.rollback()
        # Logged, since a constraint a service never checks (NOT NULL, CHECK) would be a bug.
        log.warning("integrity error turned into a conflict: %s", exc.orig)
        raise ConcurrentSaveError() from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_DEPTH_KEY] = depth


def in_transaction(fn):
    """Decorator form of `transaction()` for a caller (a CLI command, a job) that is one unit
    of work. Never for a service: services leave the transaction to their caller."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with transaction():
            return fn(*args, **kwargs)
    return wrapper

