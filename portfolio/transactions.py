"""Service verbs own their transaction: they commit on success and roll back on any error."""

from __future__ import annotations

import functools

from sqlalchemy.orm.exc import StaleDataError

from portfolio.extensions import db
from portfolio.validation import ConflictError


def atomic(fn):
    """Roll back on any error. A row that another transaction changed first (optimistic
    version check in the database) becomes a ConflictError, like a stale version in the form."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StaleDataError as exc:
            db.session.rollback()
            raise ConflictError(0) from exc
        except BaseException:
            db.session.rollback()
            raise
    return wrapper
