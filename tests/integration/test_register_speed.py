"""The register and the API list cost what a page costs (#16): the page query goes through an
index, the number of SQL statements does not grow with the number of initiatives, the count
stops at a cap with the page links still working, and the indexed free text finds exactly what
a plain substring search finds (SQLite FTS5 trigram / PostgreSQL pg_trgm)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives import queries
from portfolio.initiatives.models import Initiative
from tests.api_support import api_as  # noqa: F401  (fixture)
from tests.factories import area_id, make_initiative, unit_id


def _office(app, make_user):
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        return db.session.get(User, office_id)


def _fill(app, office, count: int, start: int = 0) -> None:
    with app.app_context():
        office = db.session.merge(office)
        for i in range(start, start + count):
            make_initiative(office, title=f"Initiativ {i}", description=f"Beskrivning nummer {i}")


# --- (1) the page query uses an index -----------------------------------------------------------

FILTERS = {
    "none": lambda: queries.RegisterFilter(),
    "phase": lambda: queries.RegisterFilter(phase="genomforande"),
    "area": lambda: queries.RegisterFilter(area=area_id("service")),
    "unit": lambda: queries.RegisterFilter(unit=unit_id("SBF")),
    "q": lambda: queries.RegisterFilter(q="sensorer"),
    "archived": lambda: queries.RegisterFilter(archived=True),
    "sort title": lambda: queries.RegisterFilter(sort="title"),
    "sort phase": lambda: queries.RegisterFilter(sort="phase"),
    "sort start": lambda: queries.RegisterFilter(sort="start"),
    "sort ref": lambda: queries.RegisterFilter(sort="ref"),
}


def _page_sql(flt) -> str:
    stmt = queries.register_query(flt).limit(26).offset(0)
    return str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize("name", list(FILTERS))
def test_page_query_uses_an_index(app, make_user, name):
    office = _office(app, make_user)
    _fill(app, office, 3)
    with app.test_request_context():
        sql = _page_sql(FILTERS[name]())
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                # what an index can do, not what a tiny table makes cheap
                conn.execute(text("SET enable_seqscan = off"))
                plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))
                conn.rollback()
            assert "Seq Scan on initiative" not in plan, plan
        else:
            with db.engine.connect() as conn:
                plan = "\n".join(r[-1] for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
            scans = [line for line in plan.splitlines() if line.startswith("SCAN initiative")]
            assert all("USING" in line for line in scans), plan
            if name in ("none", "phase", "area", "archived", "sort title", "sort phase", "sort start",
                        "sort ref"):
                assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


# --- (2) statements per page do not grow with the rows ------------------------------------------

class Statements:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1


PAGES = ["/initiatives/", "/initiatives/?q=initiativ", "/initiatives/?sort=unit",
         "/initiatives/?basis=now", "/initiatives/?page=2"]
API_PAGES = ["/api/v1/initiatives", "/api/v1/initiatives?q=initiativ&per_page=100",
             "/api/v1/initiatives?basis=now"]


def test_statements_do_not_grow_with_the_rows(app, client, make_user, login_as, api_as):  # noqa: F811
    office = _office(app, make_user)
    api, _ = api_as("viewer")
    login_as("viewer")
    app.config["PAGE_SIZE"], page_size = 2, app.config["PAGE_SIZE"]
    try:
        counts = []
        for total in (3, 30):
            _fill(app, office, total - (3 if total == 30 else 0), start=3 if total == 30 else 0)
            with app.app_context():
                engine = db.engine
            row = {}
            for url in PAGES:
                assert client.get(url).status_code == 200
                with Statements(engine) as seen:
                    assert client.get(url).status_code == 200
                row[url] = seen.count
            for url in API_PAGES:
                assert api.get(url).status_code == 200
                with Statements(engine) as seen:
                    assert api.get(url).status_code == 200
                row[url] = seen.count
            counts.append(row)
        assert counts[0] == counts[1]
    finally:
        app.config["PAGE_SIZE"] = page_size


# --- the count stops at a cap; the page links keep working --------------------------------------

def test_count_stops_at_the_cap_and_pages_still_link(app, client, make_user, login_as, monkeypatch):
    office = _office(app, make_user)
    _fill(app, office, 5)
    login_as("viewer")
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    app.config["PAGE_SIZE"], page_size = 2, app.config["PAGE_SIZE"]
    try:
        first = client.get("/initiatives/").data.decode()
        assert "Fler än 3 initiativ" in first and 'rel="next"' in first and 'rel="prev"' not in first
        second = client.get("/initiatives/?page=2").data.decode()
        assert 'rel="next"' in second and 'rel="prev"' in second
        last = client.get("/initiatives/?page=3").data.decode()
        assert 'rel="next"' not in last and "Initiativ 0" in last   # oldest last
        assert "5 initiativ" in last                                # the page asked for is past the cap
    finally:
        app.config["PAGE_SIZE"] = page_size


def test_api_says_when_the_total_is_capped(app, make_user, api_as, monkeypatch):  # noqa: F811
    office = _office(app, make_user)
    _fill(app, office, 5)
    api, _ = api_as("viewer")
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    body = api.get("/api/v1/initiatives?per_page=2").get_json()
    assert (body["total"], body["total_exact"], len(body["items"])) == (3, False, 2)
    body = api.get("/api/v1/initiatives?per_page=10").get_json()
    assert (body["total"], body["total_exact"], len(body["items"])) == (5, True, 5)


# --- (3) indexed free text = plain substring search ---------------------------------------------

TEXTS = [
    ("Föreningsstöd e-tjänst", "Ansökan om föreningsstöd digitalt"),
    ("Sensorer på livbojar", "Larm när en livboj tas bort"),
    ("Digitala brev", "Digital post till medborgare, 100% säker"),
    ("AI-stöd för BYGGLOV", "Automatisk granskning_av ritningar"),
    ("Satsning på öppna data", "Publicera data om lekplatser"),
    ("Skolskjuts", "Planering av skolskjutsar med \"smarta\" rutter"),
]
QUERIES = ["stöd", "föreningsstöd", "livboj", "LIVBOJ", "digital post", "e-t", "ö", "a", "st",
           "100%", "_av", "%", "_", '"smarta"', "ritning", "skjuts", "ppna", "finns inte", "BOJ",
           "data", "tjänst e", "DIG-"]


# Upper-case letters outside ASCII are left out of the data: SQLite's lower() and LIKE fold only
# ASCII (as the register's search always has there), PostgreSQL's fold all.
def _expected(query: str, rows) -> set[str]:
    q = query.lower()
    return {title for title, ref, description in rows
            if q in title.lower() or q in ref.lower() or q in description.lower()}


@pytest.mark.parametrize("few_rows", [1000, 1])    # through the index's ids, and the plain walk
def test_search_equals_substring_match(app, make_user, monkeypatch, few_rows):
    from portfolio import search

    monkeypatch.setattr(search, "FEW_ROWS", few_rows)
    office = _office(app, make_user)
    with app.app_context():
        office = db.session.merge(office)
        for title, description in TEXTS:
            make_initiative(office, title=title, description=description)
        rows = [(i.title, i.ref, i.description) for i in db.session.scalars(db.select(Initiative))]
    with app.test_request_context():
        for query in QUERIES:
            found = {i.title for i in db.session.scalars(
                queries.register_query(queries.RegisterFilter(q=query)))}
            assert found == _expected(query, rows), query


def test_search_index_follows_edits_and_deletes(app, make_user):
    office = _office(app, make_user)
    with app.app_context():
        office = db.session.merge(office)
        ini = make_initiative(office, title="Gammal rubrik", description="")
        ini_id = ini.id
        db.session.execute(db.update(Initiative).where(Initiative.id == ini_id)
                           .values(title="Kvarterslekplats"))
        db.session.commit()
    with app.test_request_context():
        def titles(q):
            return [i.title for i in db.session.scalars(
                queries.register_query(queries.RegisterFilter(q=q)))]
        assert titles("lekplats") == ["Kvarterslekplats"] and titles("Gammal") == []
        db.session.execute(db.delete(Initiative).where(Initiative.id == ini_id))
        db.session.commit()
        assert titles("lekplats") == []


def test_sort_by_unit_pages_follow_the_unit_names(app, make_user):
    """The register sorted by owning unit is put together per unit (one index walk each): its
    pages, read one after another, are the whole sorted register."""
    office = _office(app, make_user)
    with app.app_context():
        office = db.session.merge(office)
        for i, unit in enumerate(["SOF", "KFF", "SBF", "KFF", "SOF", "SBF", "SBF"]):
            make_initiative(office, title=f"Enhetsinitiativ {i}", owning_unit=unit)
    with app.test_request_context():
        flt = queries.RegisterFilter(sort="unit")
        whole = [i.id for i in db.session.scalars(queries.register_query(flt))]
        paged, page = [], 1
        while True:
            result = queries.register_page(flt, page, 2)
            paged += [i.id for i in result.items]
            if not result.has_next:
                break
            page += 1
        assert paged == whole and len(whole) == 7
        names = [db.session.get(Initiative, i).owning_unit.name for i in whole]
        assert names == sorted(names)
