"""Login abuse (#15): guessing is slowed per client address and per account-and-address, nobody
can lock another person out, unknown addresses cost the same work as known ones and leave nothing
behind, and the API token check, the exports and the open data are limited too."""

from __future__ import annotations

import statistics
import time

from sqlalchemy import event

from portfolio import create_app
from portfolio.extensions import db
from portfolio.limits import EXTENSION_KEY
from tests.api_support import token_for
from tests.conftest import PASSWORD

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def _login(client, email: str, password: str = PASSWORD, address: str = ATTACKER):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_make_that_address_wait_even_with_the_right_password(client, make_user):
    _, email = make_user("viewer")
    statuses = [_login(client, email, "fel-losenord").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    again = _login(client, email)
    assert again.status_code == 429
    assert "För många misslyckade inloggningar" in again.data.decode()


def test_an_attacker_cannot_lock_out_the_owner(app, make_user):
    _, email = make_user("portfolio_office")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(8):
        _login(attacker, email, "gissning", ATTACKER)
    assert _login(attacker, email, PASSWORD, ATTACKER).status_code == 429
    response = _login(owner, email, PASSWORD, OWNER)        # the owner's own address
    assert response.status_code == 302
    assert owner.get("/initiatives/", environ_base={"REMOTE_ADDR": OWNER}).status_code == 200


def test_guesses_spread_over_many_accounts_are_limited_per_address(app, make_user):
    _, email = make_user("viewer")
    client = app.test_client()
    # 30 failed logins from one address, each for a different account (known or not) ...
    statuses = [_login(client, f"person{n}@test.se", "gissning").status_code for n in range(30)]
    assert statuses[:29] == [401] * 29 and statuses[29] == 429
    # ... and that address is refused for every account, the right password included,
    assert _login(client, email, PASSWORD).status_code == 429
    # while the account's owner elsewhere is not affected.
    assert _login(app.test_client(), email, PASSWORD, OWNER).status_code == 302


def test_a_success_clears_the_count_for_that_account_and_address(client, make_user):
    _, email = make_user("viewer")
    for _ in range(4):
        _login(client, email, "fel")
    assert _login(client, email).status_code == 302
    client.post("/logout")
    assert [_login(client, email, "fel").status_code for _ in range(4)] == [401] * 4


def test_a_reset_password_lets_the_owner_in_from_the_address_that_failed(app, client, make_user):
    from portfolio.auth.models import User
    from portfolio.auth.services import reset_link

    user_id, email = make_user("viewer")
    for _ in range(5):
        _login(client, email, "glomt-losenord")                # the owner forgot it
    assert _login(client, email).status_code == 429
    with app.app_context():
        token = reset_link(db.session.get(User, user_id)).token
    new = "ett-helt-nytt-losenord-77"
    answer = client.post(f"/reset-password/{token}", data={"new_password": new, "new_password_repeat": new},
                         environ_base={"REMOTE_ADDR": ATTACKER})
    assert answer.status_code == 302, answer.data[:300]
    assert _login(client, email, new).status_code == 302


def test_failed_logins_write_nothing_to_the_database(app, client):
    """The old throttle table kept a row for every address ever tried; counts now expire."""
    writes: list[str] = []

    def spy(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SELECT", "BEGIN", "SAVEPOINT",
                                                      "RELEASE", "ROLLBACK", "PRAGMA")):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", spy)
    try:
        for n in range(6):
            _login(client, f"finns-inte-{n}@test.se", "gissning")
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert writes == []
    with app.app_context():
        tables = db.inspect(db.engine).get_table_names()
    assert "login_throttle" not in tables


def test_response_time_does_not_tell_which_addresses_have_accounts(app, client, make_user):
    """Median of repeated failed logins, known vs unknown address, with a costly hash (the test
    app's cheap hash would hide the difference a missing decoy check makes)."""
    costly = "pbkdf2:sha256:150000"
    cheap = app.config["PASSWORD_HASH_METHOD"]
    app.config["PASSWORD_HASH_METHOD"] = costly
    try:
        _, known = make_user("viewer")
        limits = app.extensions[EXTENSION_KEY]

        def timed(email: str) -> float:
            limits.reset()
            start = time.perf_counter()
            assert _login(client, email, "fel-losenord").status_code == 401
            return time.perf_counter() - start

        timed(known), timed("ingen@test.se")                   # warm up (the decoy is made once)
        known_times, unknown_times = [], []
        for _ in range(9):
            known_times.append(timed(known))
            unknown_times.append(timed("ingen@test.se"))
    finally:
        app.config["PASSWORD_HASH_METHOD"] = cheap
    known_median, unknown_median = statistics.median(known_times), statistics.median(unknown_times)
    # Without the decoy an unknown address answered in a few ms and a known one in ~100 ms.
    assert unknown_median > 0.5 * known_median, (known_median, unknown_median)
    assert abs(known_median - unknown_median) < 0.35 * known_median, (known_median, unknown_median)


def test_bad_api_tokens_are_limited_per_address(app, client, make_user):
    user_id, _ = make_user("viewer")
    good = token_for(app, user_id)
    statuses = [client.get("/api/v1/initiatives", headers={"Authorization": f"Bearer pft_fel{n}"},
                           environ_base={"REMOTE_ADDR": ATTACKER}).status_code
                for n in range(31)]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429
    refused = client.get("/api/v1/initiatives", headers={"Authorization": f"Bearer {good}"},
                         environ_base={"REMOTE_ADDR": ATTACKER})
    assert refused.status_code == 429
    assert "API-nycklar" in refused.get_json()["message"]
    assert int(refused.headers["Retry-After"]) > 0
    ok = client.get("/api/v1/initiatives", headers={"Authorization": f"Bearer {good}"},
                    environ_base={"REMOTE_ADDR": OWNER})
    assert ok.status_code == 200
    # A request without any token is not a guess and is not counted.
    for _ in range(40):
        client.get("/api/v1/initiatives", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert client.get("/api/v1/initiatives", headers={"Authorization": f"Bearer {good}"},
                      environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


def test_exports_are_limited_per_user(app, make_user):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        _, email = make_user("viewer")
        assert _login(client, email, address="127.0.0.1").status_code == 302
    statuses = [first.get("/exports/initiatives.csv").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    assert first.get("/exports/followups.xlsx").status_code == 429     # one budget per user
    assert second.get("/exports/initiatives.csv").status_code == 200
    # Anonymous requests (sent to the login) count per address, not in one shared bucket.
    anonymous = app.test_client()
    for _ in range(31):
        anonymous.get("/exports/initiatives.csv", environ_base={"REMOTE_ADDR": ATTACKER})
    elsewhere = app.test_client().get("/exports/initiatives.csv", environ_base={"REMOTE_ADDR": OWNER})
    assert elsewhere.status_code == 302


def test_open_data_is_limited_per_address(client):
    statuses = [client.get("/open-data/initiatives.json",
                           environ_base={"REMOTE_ADDR": ATTACKER}).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    assert client.get("/open-data/initiatives.json",
                      environ_base={"REMOTE_ADDR": OWNER}).status_code == 200


def test_logins_work_when_redis_is_down(database_url, make_user):
    """A configured Redis that does not answer: counts fall back to memory, no 500."""
    down = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                       "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "REDIS_URL": "redis://127.0.0.1:1/0"})
    _, email = make_user("viewer")
    client = down.test_client()
    assert [_login(client, email, "fel").status_code for _ in range(5)] == [401] * 4 + [429]
    assert _login(client, email, PASSWORD, OWNER).status_code == 302


def test_workers_sharing_redis_share_the_counts(redis_url, database_url, make_user):
    """Two app instances (two gunicorn workers, or two machines) on one Redis count together,
    and the counts expire there (nothing piles up)."""
    import redis

    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "REDIS_URL": redis_url, "RATE_LIMIT_KEY_PREFIX": f"portfolio-test-{time.time_ns()}"}
    one, two = create_app(settings), create_app(settings)
    _, email = make_user("viewer")
    statuses = [_login(app.test_client(), email, "fel").status_code
                for app in (one, two, one, two, one)]
    assert statuses == [401, 401, 401, 401, 429]
    assert _login(two.test_client(), email).status_code == 429
    store = redis.Redis.from_url(redis_url)
    keys = store.keys(f"*{settings['RATE_LIMIT_KEY_PREFIX']}*")
    try:
        assert keys and all(0 < store.ttl(key) <= 15 * 60 for key in keys)
    finally:
        if keys:
            store.delete(*keys)
