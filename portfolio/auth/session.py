"""Flask-Login wiring, and how long a login lasts.

At login the session gets the user's session generation, the login time and the last-seen time
(`start_session`). The user loader refuses a session (the user is logged out) when its generation
is no longer the user's (logout and deactivation bump it, so every copy of the cookie dies), when
the user is inactive, after SESSION_IDLE_MINUTES without a request, or SESSION_ABSOLUTE_HOURS
after the login. The times live in the signed cookie session; nothing is written to the database
on an ordinary request. API requests (`g.stateless_request`) never load a session user."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user
from sqlalchemy.orm import joinedload

from portfolio import clock
from portfolio.extensions import db
from portfolio.forms_base import positive_int
from portfolio.settings import settle_session_cookie

GENERATION_KEY = "_portfolio_generation"
LOGIN_AT_KEY = "_portfolio_login_at"
SEEN_AT_KEY = "_portfolio_seen_at"
SEEN_RESOLUTION_SECONDS = 60     # last-seen is rewritten at most once a minute
_EPOCH = datetime(1970, 1, 1)


def _seconds_now() -> int:
    """This moment in whole seconds since the epoch (UTC), by the application's clock."""
    return int((clock.now() - _EPOCH).total_seconds())


def start_session(user) -> None:
    """Log `user` in to a fresh session stamped with their generation and the time."""
    session.clear()
    login_user(user)
    stamp = _seconds_now()
    session[GENERATION_KEY] = user.session_generation
    session[LOGIN_AT_KEY] = stamp
    session[SEEN_AT_KEY] = stamp


def _stamp(key: str) -> int | None:
    value = session.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def session_is_current(user) -> bool:
    """Whether this request's session still stands for `user`; refreshes last-seen."""
    generation, login_at, seen_at = (_stamp(GENERATION_KEY), _stamp(LOGIN_AT_KEY),
                                     _stamp(SEEN_AT_KEY))
    if generation is None or login_at is None or seen_at is None:
        return False
    if generation != user.session_generation:
        return False
    cfg = current_app.config
    stamp = _seconds_now()
    if stamp - seen_at > int(cfg["SESSION_IDLE_MINUTES"]) * 60:
        return False
    if stamp - login_at > int(cfg["SESSION_ABSOLUTE_HOURS"]) * 3600:
        return False
    if stamp - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT_KEY] = stamp
    return True


def init_login(app: Flask, login_manager: LoginManager) -> None:
    from portfolio.auth.models import User

    settle_session_cookie(app.config)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    _WHOLE_ACCOUNT = (joinedload(User.role_rows), joinedload(User.areas), joinedload(User.units))

    @login_manager.user_loader
    def load_user(user_id: str):
        if g.get("stateless_request"):     # e.g. the API: a session cookie is not accepted there
            return None
        if positive_int(user_id) is None:
            return None
        # One statement for the account and its roles and scopes (a handful of rows): every
        # request pays this, and on a database server each extra statement is a round trip.
        user = db.session.get(User, int(user_id), options=_WHOLE_ACCOUNT)
        if user is None or not user.active or not session_is_current(user):
            session.clear()                # ended: the cookie no longer names anyone
            return None
        return user
