"""What the health check asks the database (the view only answers)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portfolio.extensions import db


def database_answers() -> bool:
    """True when the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()     # leave the session usable for the rest of the request
        return False
    return True
