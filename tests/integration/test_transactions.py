"""transaction(): the outermost block commits, an error anywhere rolls the whole unit back, and a
row changed by someone else first becomes a conflict."""

import pytest
from sqlalchemy import create_engine, text

from portfolio.extensions import db
from portfolio.programme.models import FundingSource
from portfolio.transactions import transaction
from portfolio.validation import ConflictError


def _names(app) -> set[str]:
    """What another connection sees (committed rows only)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT name FROM funding_source")))
    engine.dispose()
    return names


def _source(code: str) -> FundingSource:
    return FundingSource(code=code, name=f"Källa {code}", active=True)


def test_outermost_block_commits_once_and_inner_blocks_do_not(app):
    with app.app_context():
        with transaction():
            db.session.add(_source("t-a"))
            with transaction():
                db.session.add(_source("t-b"))
            db.session.flush()
            assert "Källa t-b" not in _names(app)       # the inner block did not commit
        assert {"Källa t-a", "Källa t-b"} <= _names(app)


def test_an_error_in_an_inner_block_rolls_back_the_whole_unit(app):
    with app.app_context():
        with pytest.raises(RuntimeError):
            with transaction():
                db.session.add(_source("t-c"))
                with transaction():
                    db.session.add(_source("t-d"))
                    raise RuntimeError("boom")
        assert not {"Källa t-c", "Källa t-d"} & _names(app)
        with transaction():                          # the session is usable afterwards
            db.session.add(_source("t-e"))
        assert "Källa t-e" in _names(app)


def test_a_stale_row_becomes_a_conflict(app, make_user):
    from portfolio.auth.models import User
    from tests.factories import make_initiative

    user_id, _ = make_user("portfolio_office")
    with app.app_context():
        ini = make_initiative(db.session.get(User, user_id))
        ini_id = ini.id
    with app.app_context():
        from portfolio.initiatives.models import Initiative

        ini = db.session.get(Initiative, ini_id)
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.begin() as conn:                  # someone else saves first
            conn.execute(text("UPDATE initiative SET version = version + 1 WHERE id = :id"), {"id": ini_id})
        engine.dispose()
        with pytest.raises(ConflictError):
            with transaction():
                ini.title = "Ny titel"
                db.session.flush()
