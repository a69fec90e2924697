"""Service verbs own their transaction: they commit on success and roll back on any error."""

from __future__ import annotations

import functools

from portfolio.extensions import db


def atomic(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
    return wrapper
