"""Behind a TLS-terminating proxy (#15): with TRUSTED_PROXIES set, the app takes HTTPS and the
client address from the proxy's X-Forwarded-* headers (HSTS is sent, rate limits count the real
client); without it those headers are ignored, so nobody can fake an address to dodge a limit."""

from __future__ import annotations

import pytest

from portfolio import create_app
from portfolio.settings import SettingsError
from tests.conftest import PASSWORD


def _app(database_url, **extra):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                       "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       **extra})


def _wrong_logins(client, email: str, forwarded_for: str, times: int) -> list[int]:
    return [client.post("/login", data={"email": email, "password": "fel"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for _ in range(times)]


def test_behind_a_trusted_proxy_https_and_the_client_address_come_from_it(database_url, make_user):
    app = _app(database_url, TRUSTED_PROXIES=1)
    client = app.test_client()
    https = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/login").headers
    _, email = make_user("viewer")
    assert _wrong_logins(client, email, "203.0.113.5", 5)[-1] == 429
    # The same connection, another client behind the proxy: not locked.
    ok = client.post("/login", data={"email": email, "password": PASSWORD},
                     headers={"X-Forwarded-For": "198.51.100.9"})
    assert ok.status_code == 302


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(database_url, make_user):
    app = _app(database_url)
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get(
        "/login", headers={"X-Forwarded-Proto": "https"}).headers
    _, email = make_user("viewer")
    # A new made-up X-Forwarded-For on every guess does not make a new client.
    statuses = [client.post("/login", data={"email": email, "password": "fel"},
                            headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
                for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_a_bad_proxy_count_stops_the_start_with_a_message(database_url):
    with pytest.raises(SettingsError, match="PORTFOLIO_TRUSTED_PROXIES"):
        _app(database_url, TRUSTED_PROXIES="två")
