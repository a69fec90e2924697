"""No 500s (#15): odd query strings on the register and the searches, and two saves racing for
the same unique row, answer with a 2xx or a clear 4xx; never an internal error. Runs on SQLite
and, with PORTFOLIO_TEST_DATABASE_URL, on PostgreSQL (where NUL in a search used to fail)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives import services
from portfolio.programme.models import FundingSource
from portfolio.transactions import transaction
from portfolio.validation import ConcurrentSaveError, ConflictError
from tests.factories import area_id, make_initiative, unit_id

RACE_MESSAGE = "Någon annan sparade samma sak samtidigt"


@pytest.fixture
def one_initiative(app, make_user):
    """The register lists something (the export links are only drawn then)."""
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        make_initiative(db.session.get(User, office_id), title="Sensorer på livbojar")
    return office_id


# --- (a) the register's query string ------------------------------------------------------------

@pytest.mark.parametrize("query", [
    # arguments the register's own links set (the export links' decimal and fmt, url_for's own)
    "decimal=x", "decimal=comma", "fmt=x", "endpoint=x", "_external=1", "_anchor=x", "_method=x",
    "_scheme=x", "values=x",
    # every filter argument with a value it cannot use
    "area=x", "area=-1", "area=99999999999", "unit=x", "unit=1e9", "phase=x", "source=²",
    "archived=x", "basis=x", "sort=x", "page=x", "page=0", "page=99999999999999",
    "q=%00", "q=a%00b%01", "q=%25%5C_", "q=" + "x" * 5000,
])
def test_register_query_strings_never_give_500(client, login_as, one_initiative, query):
    login_as("viewer")
    response = client.get(f"/initiatives/?{query}")
    assert response.status_code == 200, (query, response.status_code)


def test_register_links_keep_the_filter_and_drop_the_rest(client, login_as, one_initiative):
    login_as("viewer")
    html = client.get("/initiatives/?q=livboj&decimal=x&sort=title").get_data(as_text=True)
    assert "Sensorer på livbojar" in html
    assert 'exports/initiatives.csv?decimal=comma&amp;q=livboj&amp;sort=title"' in html
    assert '/initiatives/?q=livboj&amp;sort=ref&amp;page=1"' in html


@pytest.mark.parametrize("query", ["decimal=x", "q=%00", "area=x", "fmt=x"])
def test_register_exports_never_give_500(client, login_as, one_initiative, query):
    login_as("viewer")
    for url in (f"/exports/initiatives.csv?{query}", f"/exports/followups.csv?{query}"):
        assert client.get(url).status_code < 500, url


# --- (b) control characters in free-text searches ------------------------------------------------

@pytest.mark.parametrize("q", ["%00", "a%00b", "%01%1F", "%00%25"])
def test_searches_with_control_characters(client, login_as, one_initiative, q):
    login_as("viewer")
    assert client.get(f"/lessons?q={q}").status_code == 200
    assert client.get(f"/initiatives/?q={q}").status_code == 200


def test_api_search_with_nul_is_refused_not_failed(api_as, one_initiative):
    api, _uid = api_as("viewer")
    assert api.get("/api/v1/initiatives?q=%00").status_code == 422


def test_search_still_finds_around_stripped_characters(client, login_as, one_initiative):
    login_as("viewer")
    html = client.get("/initiatives/?q=livb%00oj").get_data(as_text=True)
    assert "Sensorer på livbojar" in html


# --- (c) a unique row two saves race for ---------------------------------------------------------

def _body(**over):
    body = {"title": "Digital bygglovsansökan", "owning_unit_id": unit_id("SBF"),
            "primary_area_id": area_id("service")}
    return body | over


def test_api_create_losing_a_race_for_the_reference_is_a_409(app, api_as, monkeypatch):
    """The service checks that a given reference is free; when another save takes it between
    that check and the flush, the database's unique constraint refuses the row. Here the check
    is made blind, so the constraint is what refuses the second create."""
    real = services._validate_ref

    def blind(ref, errors):
        real(ref, errors)
        if errors.get("ref", "").startswith("Referensen") and "används redan" in errors["ref"]:
            del errors["ref"]
    monkeypatch.setattr(services, "_validate_ref", blind)

    api, _uid = api_as("portfolio_office")
    with app.app_context():
        body = _body(ref="H8-RACE")
    first = api.post("/api/v1/initiatives", json=body)
    assert first.status_code == 201, first.get_json()
    second = api.post("/api/v1/initiatives", json=body | {"title": "Samma referens"})
    assert second.status_code == 409, second.get_json()
    assert RACE_MESSAGE in second.get_json()["message"]
    assert api.get("/api/v1/initiatives?q=H8-RACE").get_json()["total"] == 1   # nothing half-saved
    with app.app_context():                                                  # the session works on
        assert db.session.scalar(db.select(db.func.count()).select_from(FundingSource)) >= 0


def test_transaction_turns_a_duplicate_at_flush_or_commit_into_a_conflict(app):
    with app.app_context():
        with transaction():
            db.session.add(FundingSource(code="h8-dup", name="Källa h8", active=True))
        for flush in (True, False):                 # in the service's flush, or at the commit
            with pytest.raises(ConcurrentSaveError) as caught:
                with transaction():
                    db.session.add(FundingSource(code="h8-dup", name="Källa h8 igen", active=True))
                    if flush:
                        db.session.flush()
            assert isinstance(caught.value, ConflictError)
            assert isinstance(caught.value.__cause__, IntegrityError)
            assert caught.value.entity is None and caught.value.saves_since == 0
        with transaction():                         # the session is usable afterwards
            db.session.add(FundingSource(code="h8-ok", name="Källa h8 ok", active=True))
        assert db.session.scalar(db.select(FundingSource.id).where(FundingSource.code == "h8-ok"))


def test_a_form_losing_a_race_answers_409_with_a_message(app):
    """run_form shows the race as a 409 with one message (no entity, so no changed fields)."""
    from portfolio.forms_base import BaseForm
    from portfolio.viewkit import run_form

    with app.app_context():
        with transaction():
            db.session.add(FundingSource(code="h8-form", name="Källa h8 form", active=True))
    with app.test_request_context("/", method="POST", data={}):
        form = BaseForm()

        def save():
            db.session.add(FundingSource(code="h8-form", name="Dubblett", active=True))
            db.session.flush()

        status = run_form(form, save, success="ok", redirect_to=lambda _r: "/",
                          render=lambda code: code)
        assert status == 409
        assert any(RACE_MESSAGE in str(e) for e in form.form_errors)


def test_threads_racing_for_the_same_reference_give_one_201_and_one_409(app, api_as, monkeypatch):
    """Two real requests in two threads, both past the (blinded) reference check before either
    flushes: one wins, the other gets a 409, never a 500."""
    import threading

    real = services._validate_ref
    barrier = threading.Barrier(2, timeout=10)

    def blind(ref, errors):
        real(ref, errors)
        errors.pop("ref", None)
        barrier.wait()                               # both checked before either writes
    monkeypatch.setattr(services, "_validate_ref", blind)

    api, _uid = api_as("portfolio_office")
    with app.app_context():
        body = _body(ref="H8-THREADS")
    results: list[int] = []

    def create(title):
        from tests.api_support import ApiClient
        client = ApiClient(app.test_client(), api.token)
        results.append(client.post("/api/v1/initiatives", json=body | {"title": title}).status_code)
    threads = [threading.Thread(target=create, args=(t,)) for t in ("Första", "Andra")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [201, 409], results
