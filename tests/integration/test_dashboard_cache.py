"""Cached dashboards and the yearly report (issue #16): a second reader runs (almost) no SQL, a
write anywhere shows on the next request, the key separates what the result depends on, and the
statement count of every dashboard and the report does not grow with the data. With the
in-process cache and, when PORTFOLIO_TEST_REDIS_URL is set, with Redis."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from flask_babel import gettext
from sqlalchemy import event, update

from portfolio import create_app
from portfolio.auth.models import User
from portfolio.cache import EXTENSION_KEY
from portfolio.dashboards.contract import API_VERSION, Panel, Table
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import PriorityArea
from portfolio.transactions import transaction
from tests.conftest import PASSWORD, login, travel_back, travel_to
from tests.factories import make_initiative, unit_id

YEAR = 2026
REDIS_URL = os.environ.get("PORTFOLIO_TEST_REDIS_URL")
BACKENDS = ["memory"] + (["redis"] if REDIS_URL else [])


class Counting:
    """A dashboard that counts its builds: the number of initiatives in scope, with a word in
    the reader's language."""

    id = "raknare"
    title = "Räknare"
    description = "Antal initiativ"
    audience = "alla"
    api_version = API_VERSION
    order = 90

    def __init__(self) -> None:
        self.builds = 0

    def build(self, ctx):
        self.builds += 1
        count = sum(row.count for row in ctx.reader.count_by_committee())
        return [Panel("Räknare", f"{gettext('Antal')}: {count} initiativ", table=Table(("n",), ((count,),)))]


@pytest.fixture(params=BACKENDS)
def cached(request, database_url, make_user):
    """(app, plugin): an app with the counting dashboard, on the suite's database, with the
    in-process cache or Redis."""
    plugin = Counting()
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
              "DASHBOARD_EXTRA_PLUGINS": {"raknare": plugin}}
    if request.param == "redis":
        config["REDIS_URL"] = REDIS_URL
    app = create_app(config)
    assert app.extensions[EXTENSION_KEY].backend == ("RedisCache" if request.param == "redis" else "SimpleCache")
    yield app, plugin
    app.extensions[EXTENSION_KEY].clear()      # only this app's own key prefix


class Statements:
    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.count += 1

    def of(self, client, path: str) -> int:
        self.count = 0
        response = client.get(path)
        assert response.status_code == 200, response.data[:300]
        return self.count

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def some_initiatives(app, make_user, n: int = 2) -> User:
    office_id, _ = make_user("portfolio_office")
    with app.app_context(), transaction():
        office = db.session.get(User, office_id)
        for i in range(n):
            make_initiative(office, title=f"Initiativ {i}", owning_unit="SBF", phase="genomforande",
                            primary_area="service")
    return office_id


def reader(app, make_user, role: str = "viewer"):
    client = app.test_client()
    _, email = make_user(role)
    assert login(client, email).status_code == 302
    return client


def summary(client, path: str = f"/dashboards/raknare?year={YEAR}") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return re.search(r"(Antal|Number): \d+ initiativ", response.data.decode()).group(0)


def test_a_second_reader_pays_nothing(cached, make_user, frozen):
    app, plugin = cached
    some_initiatives(app, make_user)
    first, second = reader(app, make_user), reader(app, make_user)
    statements = Statements(app)
    try:
        session = statements.of(second, "/dashboards/")     # the reader's session: loading the user
        for path in ("/dashboards/revisionsfragorna", f"/dashboards/per-namnd?year={YEAR}",
                     f"/dashboards/raknare?year={YEAR}", f"/reports/ks/{YEAR}"):
            cold = statements.of(first, path) - session
            warm = statements.of(second, path) - session
            # What is left: the data version, and the filters' option lists (committees,
            # areas) or the report's list of gate overrides.
            assert warm <= 3 < cold, (path, cold, warm)
    finally:
        statements.close()
    assert plugin.builds == 1     # the report used the same cached result as the page


def test_a_write_shows_on_the_next_request(cached, make_user, frozen):
    app, plugin = cached
    office_id = some_initiatives(app, make_user)
    client = reader(app, make_user)
    assert summary(client) == "Antal: 2 initiativ"
    active = re.compile(r"(\d+) aktiva initiativ 2026")
    assert active.search(client.get(f"/dashboards/per-namnd?year={YEAR}").data.decode()).group(1) == "2"

    with app.app_context(), transaction():          # through a service, as a form does
        make_initiative(db.session.get(User, office_id), title="Ett till", owning_unit="KFF",
                        phase="planering")
    assert summary(client) == "Antal: 3 initiativ"
    assert active.search(client.get(f"/dashboards/per-namnd?year={YEAR}").data.decode()).group(1) == "3"

    # A write that leaves no line in the change log (a bulk UPDATE) changes the key just as well.
    with app.app_context(), transaction():
        db.session.execute(update(Initiative).where(Initiative.title == "Ett till").values(archived=True))
    assert summary(client) == "Antal: 2 initiativ"

    # Another process (its own app, engine and cache) writes: this one does not serve stale data.
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with other.app_context(), transaction():
        make_initiative(db.session.get(User, office_id), title="Från en annan process", owning_unit="SBF")
    assert summary(client) == "Antal: 3 initiativ"
    assert plugin.builds == 4


def test_uncommitted_writes_are_neither_cached_nor_served_from_the_cache(cached, make_user, frozen):
    app, plugin = cached
    office_id = some_initiatives(app, make_user)
    client = reader(app, make_user)
    assert summary(client) == "Antal: 2 initiativ"
    from portfolio.dashboards import host
    from portfolio.dashboards.contract import Filters

    with app.test_request_context(), pytest.raises(RuntimeError):
        with transaction():
            make_initiative(db.session.get(User, office_id), title="Ångras", owning_unit="SBF")
            result = host.run_dashboard(host.plugins()["raknare"], Filters(year=YEAR))
            assert "3 initiativ" in result.panels[0].summary       # its own write, not the cache
            raise RuntimeError("rolled back")
    assert summary(client) == "Antal: 2 initiativ"


def test_the_key_separates_years_filters_languages_and_days_but_not_readers(cached, make_user, frozen):
    app, plugin = cached
    some_initiatives(app, make_user)
    viewer = reader(app, make_user)
    others = [reader(app, make_user, role) for role in ("portfolio_office", "admin")]  # (writes)
    summary(viewer)
    summary(viewer)
    assert plugin.builds == 1
    summary(viewer, f"/dashboards/raknare?year={YEAR - 1}")
    assert plugin.builds == 2
    with app.app_context():
        committee = unit_id("KFN")
        area = db.session.scalar(db.select(PriorityArea.id).where(PriorityArea.code == "valfard"))
    assert summary(viewer, f"/dashboards/raknare?year={YEAR}&committee={committee}") == "Antal: 0 initiativ"
    assert plugin.builds == 3
    assert summary(viewer, f"/dashboards/raknare?year={YEAR}&area={area}") == "Antal: 0 initiativ"
    assert plugin.builds == 4

    # Plugins see only the filters, never the user: every reader shares one result.
    for other in others:
        assert summary(other) == "Antal: 2 initiativ"
    assert plugin.builds == 4

    # The result holds translated text: another language is another entry.
    viewer.post("/language", data={"lang": "en"})
    assert summary(viewer) == "Number: 2 initiativ"
    assert plugin.builds == 5
    viewer.post("/language", data={"lang": "sv"})
    assert summary(viewer) == "Antal: 2 initiativ"
    assert plugin.builds == 5

    # "Overdue" and "as of" move with the day: another day is another entry.
    with app.app_context():
        cache = app.extensions[EXTENSION_KEY]
        today_key = cache.key("dashboard", "raknare")
        travel_to(date(2026, 11, 28))       # the module's day is 2026-11-27 (`frozen`)
        try:
            assert cache.key("dashboard", "raknare") != today_key
        finally:
            travel_back()
        assert cache.key("dashboard", "raknare") == today_key


# --- no N+1: the statement count does not grow with the data ---------------------------------------

def _scale(factor: int) -> None:
    try:
        from tests.benchmarks.scaling import scale_demo
    except ImportError:
        from tests.benchmarks.bench_dashboards import scale as scale_demo
    scale_demo(factor)


def test_statement_counts_of_every_dashboard_and_the_report_do_not_grow_with_the_data(demo_database_url, frozen):
    from portfolio.auth.services import create_user

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": demo_database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context(), transaction():
        create_user(email="ks@test.se", roles=["viewer"], password=PASSWORD)
        from portfolio.dashboards.host import plugins

        paths = [f"/dashboards/{name}?year={YEAR}" for name in plugins()]
    paths += [f"/reports/ks/{YEAR}", f"/reports/ks/{YEAR - 1}"]
    client = app.test_client()
    assert login(client, "ks@test.se").status_code == 302
    statements = Statements(app)
    cache = app.extensions[EXTENSION_KEY]

    def counts() -> dict[str, int]:
        found = {}
        for path in paths:
            cache.clear()
            found[path] = statements.of(client, path)
        return found

    try:
        once = counts()
        with app.app_context():
            _scale(3)
        thrice = counts()
    finally:
        statements.close()
    assert thrice == once
    # The report reads each thing once for the year and once for the year before: not one read
    # per dashboard (93 statements before the reads were shared).
    assert once[f"/reports/ks/{YEAR}"] < 75, once


def test_logins_and_logouts_leave_the_cached_results_alone(app, make_user):
    """Each KS reader's login stamps last_login_at and a logout ends sessions: neither is data a
    dashboard reads, so neither may empty the cache for the next reader."""
    from portfolio.cache import data_version
    from tests.conftest import login

    def version():
        with app.app_context():
            return data_version()

    _, email = make_user("viewer")
    before = version()
    client = app.test_client()
    assert login(client, email).status_code == 302
    assert client.post("/logout").status_code == 302
    assert version() == before
    make_user("viewer")                           # a new account is a real write
    assert version() != before
