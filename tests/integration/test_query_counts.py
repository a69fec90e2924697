"""No N+1 anywhere (issue #16): every list, dashboard and report page issues the same number of
SQL statements on the demo ×1 and on the demo ×3 (every initiative copied twice with all its rows
and its change log, tests/benchmarks/scaling.py).

Each page is requested once to warm up (first-request work: plugin discovery, caches filled per
process) and then counted, on both databases, by the same role. The result cache is off
(RESULT_CACHE=False): a cached dashboard would issue no statements at all and hide what it costs
to compute. The register shows up to 100 rows a page (PAGE_SIZE, capped at 100 by the list) and
the API is asked for 100, so the ×1 page (44 initiatives) and the ×3 page (100) differ in rows.
On failure the message lists the statements the ×3 page repeats more often."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import event

from portfolio import create_app
from portfolio.extensions import db
from tests.benchmarks.scaling import scale_demo
from tests.conftest import DEMO_TODAY, demo_copy, drop_scratch_database, travel

TODAY = DEMO_TODAY
YEAR = TODAY.year
PAST = 2024
FACTORS = (1, 3)
DEMO_PASSWORD = "demo-losenord"

USERS = {
    "admin": "admin@exempel.se",
    "office": "projektkontoret@exempel.se",
    "manager": "programledare.valfard@exempel.se",
    "editor": "redigerare.sbf@exempel.se",
    "viewer": "ks@exempel.se",
}
DASHBOARDS = ("portfoljoversikt", "systematik", "nyttorealisering", "riskbild", "resurser",
              "planer-och-rekommendationer", "revisionsfragorna", "per-namnd")

# (role, url); "api" is the office's API token.
PAGES: list[tuple[str, str]] = [
    ("office", "/initiatives/"),
    ("office", "/initiatives/?sort=title"),
    ("office", "/initiatives/?phase=genomforande"),
    ("office", "/initiatives/?area=1&unit=1"),
    ("office", "/initiatives/?q=digital"),
    ("office", "/initiatives/?basis=now"),
    ("office", "/initiatives/?archived=1"),
    ("viewer", "/initiatives/"),
    ("api", "/api/v1/initiatives?per_page=100"),
    ("api", "/api/v1/initiatives?per_page=100&phase=genomforande&sort=title"),
    ("office", f"/prioritisation/?year={YEAR}"),
    *[("office", f"/dashboards/{d}?year={year}") for d in DASHBOARDS for year in (YEAR, PAST)],
    ("office", f"/reports/ks/{YEAR}"),
    ("office", f"/reports/ks/{PAST}"),
    ("office", "/initiatives/1"),
    ("office", "/initiatives/open-data"),
    ("office", "/dashboards/"),
    ("office", f"/prioritisation/transparency?year={YEAR}"),
    ("office", "/prioritisation/decisions"),
    ("office", "/lessons"),
    ("office", "/plans/"),
    ("office", "/audits/"),
    ("api", "/api/v1/plans"),
    ("api", "/api/v1/audits"),
    *[(role, "/") for role in USERS],
    ("office", "/todo"),
    ("manager", "/todo"),
    ("editor", "/todo"),
]

# Pages whose statement count grows today, kept honest: each marked with the statement repeated.
KNOWN_N_PLUS_1: dict[tuple[str, str], str] = {}


def _cases():
    for role, url in PAGES:
        reason = KNOWN_N_PLUS_1.get((role, url))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(role, url, id=f"{role} {url}", marks=marks)


class Scaled:
    """The two databases (demo ×1 and ×3), an app on each, logged-in clients made on demand."""

    def __init__(self, apps: dict[int, object]):
        self.apps = apps
        self.clients: dict[tuple[int, str], object] = {}
        self.tokens: dict[int, str] = {}

    def client(self, factor: int, role: str):
        key = (factor, role)
        if key not in self.clients:
            app = self.apps[factor]
            client = app.test_client()
            if role == "api":
                self.tokens[factor] = self._token(app)
            else:
                response = client.post("/login", data={"email": USERS[role], "password": DEMO_PASSWORD})
                assert response.status_code == 302, response.data[:300]
            self.clients[key] = client
        return self.clients[key]

    @staticmethod
    def _token(app) -> str:
        from portfolio.auth.models import User
        from portfolio.auth.tokens import create_token
        from portfolio.transactions import transaction

        with app.app_context(), transaction():
            user = db.session.scalar(db.select(User).where(User.email == USERS["office"]))
            return create_token(user, "query-counts").secret

    def statements(self, factor: int, role: str, url: str) -> list[str]:
        app = self.apps[factor]
        client = self.client(factor, role)
        headers = {"Authorization": f"Bearer {self.tokens[factor]}"} if role == "api" else None
        assert client.get(url, headers=headers).status_code == 200    # warm up
        seen: list[str] = []

        def listen(conn, cursor, statement, parameters, context, executemany):
            seen.append(" ".join(statement.split()))
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", listen)
        try:
            response = client.get(url, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert response.status_code == 200, (url, response.status_code)
        # A dashboard whose plugin failed still answers 200, with the error in a panel: that
        # would count the statements of a page that did not do its work.
        assert b'class="form-errors" role="alert"' not in response.data, url
        return seen


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, demo_template):
    apps, urls = {}, []
    for factor in FACTORS:
        url = demo_copy(demo_template, tmp_path_factory.mktemp(f"x{factor}"), f"query_counts_x{factor}")
        urls.append(url)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                          "PAGE_SIZE": 100, "RESULT_CACHE": False})
        if factor > 1:
            with travel(TODAY), app.app_context():
                scale_demo(factor)
        apps[factor] = app
    yield Scaled(apps)
    for app in apps.values():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    for url in urls:
        drop_scratch_database(url)


def test_the_scaled_database_has_three_times_the_rows(scaled):
    from portfolio.changelog.models import ChangeLogEntry
    from portfolio.initiatives.models import Initiative
    from portfolio.risks.models import Risk

    def counts(factor):
        with scaled.apps[factor].app_context():
            return [db.session.scalar(db.select(db.func.count()).select_from(m))
                    for m in (Initiative, Risk)] + [db.session.scalar(
                        db.select(db.func.count()).select_from(ChangeLogEntry)
                        .where(ChangeLogEntry.initiative_id.is_not(None)))]
    one, three = counts(1), counts(3)
    assert all(n > 0 for n in one)
    assert three == [3 * n for n in one]


# An IN list's placeholders (?, ?, …) or (%(id_1_1)s, …): one statement whatever its length.
_IN_LIST = re.compile(r"\((?:\?|%\(\w+\)s)(?:, (?:\?|%\(\w+\)s))*\)")


def _shape(statement: str) -> str:
    return _IN_LIST.sub("(…)", statement)


@pytest.mark.parametrize(("role", "url"), list(_cases()))
def test_statement_count_does_not_grow_with_the_rows(scaled, frozen, role, url):
    small = scaled.statements(1, role, url)
    large = scaled.statements(3, role, url)
    grown = Counter(map(_shape, large)) - Counter(map(_shape, small))
    detail = "\n".join(f"  +{n}× {s[:300]}" for s, n in sorted(grown.items(), key=lambda x: -x[1])[:8])
    assert len(large) == len(small), (
        f"{url} as {role}: {len(small)} statements at demo ×1, {len(large)} at ×3; repeated more "
        f"often at ×3:\n{detail}")

