"""Sessions end: logout ends every copy of the session cookie, an idle session and an old one
expire, and API tokens (stateless requests) are not affected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portfolio import create_app
from portfolio.auth import tokens
from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.settings import SettingsError, settle_session_cookie
from portfolio.transactions import transaction
from tests.conftest import login

PAGE = "/initiatives/"


def _logged_in(client) -> bool:
    response = client.get(PAGE)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def _copy_session(app, source, target) -> None:
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = source.get_cookie(name)
    assert cookie is not None, "the first client has no session cookie"
    target.set_cookie(name, cookie.value)


def _later(**delta) -> time_machine.travel:
    """The clock moved on by `delta` from now (and ticking)."""
    return time_machine.travel(datetime.now(UTC) + timedelta(**delta), tick=True)


def test_a_copied_session_cookie_dies_at_logout(app, client, login_as):
    login_as("viewer")
    thief = app.test_client()
    _copy_session(app, client, thief)
    assert _logged_in(thief)          # the copy works while the session lives

    assert client.post("/logout").status_code == 302
    assert not _logged_in(client)
    assert not _logged_in(thief)      # ... and not after the logout


def test_logout_ends_the_users_other_sessions_but_a_new_login_works(app, client, make_user):
    _, email = make_user("viewer")
    login(client, email)
    other = app.test_client()
    login(other, email)
    client.post("/logout")
    assert not _logged_in(other)
    assert login(other, email).status_code == 302
    assert _logged_in(other)


def test_deactivating_a_user_ends_their_session(app, client, login_as):
    user_id = login_as("viewer")
    with app.app_context(), transaction():
        db.session.get(User, user_id).active = False
    assert not _logged_in(client)


def test_a_session_without_its_stamps_is_refused(app, client, login_as):
    user_id = login_as("viewer")
    with client.session_transaction() as sess:
        sess.pop("_portfolio_generation")
    assert not _logged_in(client)
    with client.session_transaction() as sess:   # a forged id alone is not a login either
        sess["_user_id"] = str(user_id)
    assert not _logged_in(client)


def test_an_idle_session_expires(app, client, login_as):
    login_as("viewer")
    with _later(minutes=59):
        assert _logged_in(client)     # within the hour; this request counts as activity
    with _later(minutes=59 + 59):
        assert _logged_in(client)
    with _later(minutes=59 + 59 + 61):
        assert not _logged_in(client)
    assert not _logged_in(client)     # gone for good, even back in the present


def test_idle_limit_is_a_setting(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    login_as("viewer")
    with _later(minutes=6):
        assert not _logged_in(client)


def test_an_active_session_still_ends_after_the_absolute_limit(app, client, login_as):
    login_as("viewer")
    for step in range(1, 15):         # a request every 50 minutes: never idle, 11 h 40 min
        with _later(minutes=50 * step):
            assert _logged_in(client), f"logged out after {50 * step} minutes"
    with _later(minutes=50 * 15):     # 12 h 30 min after the login
        assert not _logged_in(client)


def test_last_seen_is_written_at_most_once_a_minute(app, client, login_as):
    login_as("viewer")
    with client.session_transaction() as sess:
        seen = sess["_portfolio_seen_at"]
    with _later(seconds=20):
        assert _logged_in(client)
        with client.session_transaction() as sess:
            assert sess["_portfolio_seen_at"] == seen
    with _later(minutes=2):
        assert _logged_in(client)
        with client.session_transaction() as sess:
            assert sess["_portfolio_seen_at"] > seen


def test_api_tokens_are_not_affected(app, client, make_user):
    user_id, email = make_user("viewer")
    with app.app_context(), transaction():
        secret = tokens.create_token(db.session.get(User, user_id), "Integration").secret
    headers = {"Authorization": f"Bearer {secret}"}
    api = app.test_client()
    assert api.get("/api/v1/areas", headers=headers).status_code == 200

    login(client, email)
    client.post("/logout")            # ends the sessions, not the tokens
    assert api.get("/api/v1/areas", headers=headers).status_code == 200
    with _later(hours=13):            # past both session limits
        assert api.get("/api/v1/areas", headers=headers).status_code == 200
        login(client, email)
        # A session cookie is still no way into the API.
        assert client.get("/api/v1/areas").status_code == 401
        assert client.get("/api/v1/areas", headers=headers).status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).session_generation == 1


def test_session_cookie_secure_setting(database_url, monkeypatch):
    assert settle_session_cookie_value({}) is True
    assert settle_session_cookie_value({"DEMO": True}) is False
    assert settle_session_cookie_value({"TESTING": True}) is False
    assert settle_session_cookie_value({"TESTING": True, "SESSION_COOKIE_SECURE": "true"}) is True
    assert settle_session_cookie_value({"SESSION_COOKIE_SECURE": "False"}) is False
    assert settle_session_cookie_value({"SESSION_COOKIE_SECURE": False}) is False
    with pytest.raises(SettingsError, match="PORTFOLIO_SESSION_COOKIE_SECURE"):
        settle_session_cookie_value({"SESSION_COOKIE_SECURE": "kanske"})

    monkeypatch.delenv("PORTFOLIO_SESSION_COOKIE_SECURE", raising=False)
    served = create_app({"CLI": True, "SQLALCHEMY_DATABASE_URI": database_url})
    assert served.config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("PORTFOLIO_SESSION_COOKIE_SECURE", "false")
    plain = create_app({"CLI": True, "SQLALCHEMY_DATABASE_URI": database_url})
    assert plain.config["SESSION_COOKIE_SECURE"] is False


def test_the_test_app_sends_the_cookie_over_http(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False


def settle_session_cookie_value(config: dict) -> bool:
    settle_session_cookie(config)
    return config["SESSION_COOKIE_SECURE"]
