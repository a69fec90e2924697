"""The register's rows are rendered once per data version, filter, page and language (#16):
the second reader of a page runs none of the list's queries, and a write shows at once."""

from __future__ import annotations

from sqlalchemy import event

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.transactions import transaction
from tests.factories import make_initiative


def _statements(app, client, path: str) -> tuple[int, str]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), page


def _office(app, make_user):
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        return db.session.get(User, office_id)


def test_the_second_reader_of_a_page_runs_none_of_the_lists_queries(app, client, login_as, make_user):
    office = _office(app, make_user)
    with app.app_context(), transaction():
        for n in range(3):
            make_initiative(db.session.merge(office), title=f"Cachad rad {n}")
    login_as("viewer")
    first, page = _statements(app, client, "/initiatives/")
    second, again = _statements(app, client, "/initiatives/")
    assert "Cachad rad 2" in page and again == page
    assert second <= first - 3          # the rows, their count and the funding totals
    assert second <= 3                   # the account, the data version, at most one more


def test_a_write_shows_on_the_register_at_once(app, client, login_as, make_user):
    office = _office(app, make_user)
    with app.app_context(), transaction():
        ini = make_initiative(db.session.merge(office), title="Gammal titel")
        ini_id = ini.id
    login_as("viewer")
    assert "Gammal titel" in client.get("/initiatives/").get_data(as_text=True)
    with app.app_context(), transaction():
        db.session.get(Initiative, ini_id).title = "Ny titel"   # any committed write counts
    page = client.get("/initiatives/").get_data(as_text=True)
    assert "Ny titel" in page and "Gammal titel" not in page


def test_each_language_gets_its_own_rows(app, client, login_as, make_user):
    office = _office(app, make_user)
    with app.app_context(), transaction():
        make_initiative(db.session.merge(office), title="Språkrad", phase="ide")
    login_as("viewer")
    swedish = client.get("/initiatives/").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    english = client.get("/initiatives/").get_data(as_text=True)
    assert ">Idé<" in swedish
    assert ">Idea<" in english and ">Idé<" not in english
