"""API tokens expire (a lifetime chosen when created, 90 days unless another is picked) and may
be read-only: chosen in "Min profil", shown in its list, enforced by the API in one place."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from portfolio.auth.models import ApiToken, User
from portfolio.auth.tokens import create_token
from portfolio.extensions import db
from portfolio.transactions import transaction
from portfolio.validation import ServiceValidationError
from tests.api_support import ApiClient, build_world
from tests.conftest import login, travel_to

TODAY = date(2026, 11, 27)   # `frozen`: noon in Sweden, 11:00 UTC


def _secret(html: str) -> str:
    match = re.search(r'id="new-token-value"[^>]*value="(pft_[^"]+)"', html)
    assert match, "the new token is not shown"
    return match.group(1)


def _tokens(app) -> list[ApiToken]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(ApiToken).order_by(ApiToken.id)))
        db.session.expunge_all()
        return rows


def _new_token(app, user_id: int, name: str = "test", **kw) -> str:
    with app.app_context(), transaction():
        return create_token(db.session.get(User, user_id), name, **kw).secret


# --- creating a token in the profile ---------------------------------------------------------

def test_a_new_token_lives_90_days_unless_another_lifetime_is_chosen(frozen, app, client, login_as):
    login_as("viewer")
    page = client.get("/profile").get_data(as_text=True)
    options = re.findall(r'<option([^>]*)value="(\d+)"', page)
    assert [int(v) for _attrs, v in options] == [30, 90, 180, 365]
    assert [v for attrs, v in options if "selected" in attrs] == ["90"]
    assert "Endast läsrättighet" in page

    default = client.post("/profile", data={"name": "Standard"})
    assert default.status_code == 200
    assert "Gäller till 2027-02-25" in default.get_data(as_text=True)
    year = client.post("/profile", data={"name": "Årsvis", "lifetime_days": "365"})
    month = client.post("/profile", data={"name": "Läsare", "lifetime_days": "30", "read_only": "y"})
    assert year.status_code == month.status_code == 200

    standard, yearly, reader = _tokens(app)
    assert standard.expires_at - standard.created_at == timedelta(days=90) and not standard.read_only
    assert yearly.expires_at - yearly.created_at == timedelta(days=365) and not yearly.read_only
    assert reader.expires_at - reader.created_at == timedelta(days=30) and reader.read_only
    assert standard.created_at == datetime(2026, 11, 27, 11, 0) or (
        standard.created_at - datetime(2026, 11, 27, 11, 0)) < timedelta(minutes=1)

    listing = client.get("/profile")
    html = listing.get_data(as_text=True)
    assert listing.headers["Cache-Control"] == "no-store"
    for expiry in ("Gäller till 2027-02-25", "Gäller till 2027-11-27", "Gäller till 2026-12-27"):
        assert expiry in html
    assert html.count("Endast läsa<") == 1 and html.count("Läsa och ändra<") == 2


@pytest.mark.parametrize("lifetime", ["3650", "0", "-90", "91", "abc", ""])
def test_a_lifetime_not_offered_is_refused_by_its_field(frozen, app, client, login_as, lifetime):
    login_as("viewer")
    refused = client.post("/profile", data={"name": "Evig nyckel", "lifetime_days": lifetime, "read_only": "y"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="lifetime_days-error"' in html and "högst 365 dagar" in html
    assert re.search(r'<select[^>]*aria-invalid="true"[^>]*name="lifetime_days"|'
                     r'<select[^>]*name="lifetime_days"[^>]*aria-invalid="true"', html)
    # Nothing the user typed is lost, nothing is stored.
    assert 'value="Evig nyckel"' in html and re.search(r'<input[^>]*checked[^>]*name="read_only"|'
                                                       r'<input[^>]*name="read_only"[^>]*checked', html)
    assert _tokens(app) == []


def test_every_problem_with_a_new_token_is_reported_at_once(frozen, app, client, login_as):
    user_id = login_as("viewer")
    both = client.post("/profile", data={"name": "", "lifetime_days": "1000"})
    html = both.get_data(as_text=True)
    assert both.status_code == 422
    assert 'id="name-error"' in html and 'id="lifetime_days-error"' in html
    with app.app_context(), pytest.raises(ServiceValidationError) as refused:
        create_token(db.session.get(User, user_id), " ", lifetime_days=1000)
    assert set(refused.value.errors) == {"name", "lifetime_days"}
    with app.app_context(), pytest.raises(ServiceValidationError) as refused:
        create_token(db.session.get(User, user_id), "ok", lifetime_days=True)   # type: ignore[arg-type]
    assert set(refused.value.errors) == {"lifetime_days"}


# --- expiry ----------------------------------------------------------------------------------

def test_a_token_works_until_its_expiry_and_is_refused_after(frozen, app, make_user):
    user_id = make_user("viewer")[0]
    secret = _new_token(app, user_id, lifetime_days=30)     # expires 2026-12-27 11:00 UTC
    api = ApiClient(app.test_client(), secret)
    assert api.get("/api/v1/areas").status_code == 200

    travel_to(date(2026, 12, 26))
    assert api.get("/api/v1/areas").status_code == 200

    travel_to(date(2026, 12, 28))
    expired = api.get("/api/v1/areas")
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    message = expired.get_json()["message"]
    assert "gått ut" in message and "Min profil" in message
    # An unknown token is not told it "expired".
    unknown = ApiClient(app.test_client(), "pft_" + "a" * 43).get("/api/v1/areas")
    assert unknown.status_code == 401 and "gått ut" not in unknown.get_json()["message"]


def test_expired_tokens_do_not_count_toward_the_limit_and_are_shown_as_expired(frozen, app, client, make_user):
    from portfolio.auth.tokens import MAX_ACTIVE_TOKENS

    user_id, email = make_user("viewer")
    for n in range(MAX_ACTIVE_TOKENS):
        _new_token(app, user_id, f"Kort {n}", lifetime_days=30)
    login(client, email)
    full = client.post("/profile", data={"name": "En till"})
    assert full.status_code == 422 and "aktiva nycklar" in full.get_data(as_text=True)

    travel_to(date(2027, 1, 10))
    login(client, email)
    listing = client.get("/profile").get_data(as_text=True)
    assert listing.count("Har gått ut") == MAX_ACTIVE_TOKENS
    assert "Återkalla nyckeln Kort 0" not in listing        # nothing to revoke on an expired token
    again = client.post("/profile", data={"name": "En till"})
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    assert "Gäller till 2027-04-10" in html
    # The usable token comes first in the list, the expired ones after it.
    assert html.index("Gäller till 2027-04-10") < html.index("Har gått ut")


# --- read-only -------------------------------------------------------------------------------

def test_a_read_only_token_reads_but_cannot_change_anything(app, make_user):
    office_id = make_user("portfolio_office")[0]
    w = build_world(app, office_id)
    reader = ApiClient(app.test_client(), _new_token(app, office_id, "läsare", read_only=True))
    writer = ApiClient(app.test_client(), _new_token(app, office_id, "skrivare"))

    assert reader.get("/api/v1/initiatives").status_code == 200
    one = reader.get(f"/api/v1/initiatives/{w['ini']}")
    assert one.status_code == 200
    version = one.get_json()["version"]
    assert reader.client.head(f"/api/v1/initiatives/{w['ini']}", headers=reader._headers()).status_code == 200
    assert reader.client.options("/api/v1/initiatives", headers=reader._headers()).status_code == 200

    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(db.metadata.tables["change_log"]))
    attempts = [
        reader.post("/api/v1/initiatives", json={"title": "Via läsnyckel", "owning_unit": 1, "primary_area": 1}),
        reader.patch(f"/api/v1/initiatives/{w['ini']}", json={"title": "Ändrad", "version": version}),
        reader.put(f"/api/v1/initiatives/{w['ini']}/needs-analysis", json={"problem": "x", "version": 1}),
        reader.delete(f"/api/v1/initiatives/{w['ini']}/benefit-case/cost-lines/{w['line']}"),
    ]
    for refused in attempts:
        assert refused.status_code == 403, refused.get_json()
        assert "endast läsrättighet" in refused.get_json()["message"]

    with app.app_context():
        from portfolio.benefits.models import CostLine
        from portfolio.initiatives.models import Initiative

        assert db.session.get(Initiative, w["ini"]).title == "Bygglov digitalt"
        assert db.session.scalar(db.select(db.func.count()).select_from(Initiative)) == 2
        assert db.session.get(CostLine, w["line"]) is not None
        after = db.session.scalar(db.select(db.func.count()).select_from(db.metadata.tables["change_log"]))
        assert after == before

    # The same user with a read-write token may: the refusal is the token's scope, not the role.
    assert writer.patch(f"/api/v1/initiatives/{w['ini']}",
                        json={"title": "Ändrad", "version": version}).status_code == 200


def test_the_api_docs_describe_expiry_and_read_only(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    bearer = spec["components"]["securitySchemes"]["bearerAuth"]["description"]
    assert "läsrättighet" in bearer and "403" in bearer and "gått ut" in bearer and "401" in bearer


# --- the migration -----------------------------------------------------------------------------

def test_the_migration_gives_existing_tokens_90_days_from_creation(tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from portfolio import create_app
    from portfolio.settings import MIGRATIONS_DIR
    from tests.conftest import drop_scratch_database, scratch_database_url

    url = scratch_database_url(tmp_path, "token_expiry")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR), revision="0010")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO user_account (id, email, name, password_hash, active, created_at, "
                    "session_generation) VALUES (1, 'a@test.se', 'A', 'x', :t, :c, 0)"),
                    {"t": True, "c": datetime(2026, 1, 1)})
                conn.execute(text(
                    "INSERT INTO api_token (id, user_id, name, token_hash, prefix, created_at) VALUES "
                    "(1, 1, 'gammal', :h1, 'pft_aaaaaa', :c1), (2, 1, 'ny', :h2, 'pft_bbbbbb', :c2)"),
                    {"h1": "a" * 64, "h2": "b" * 64, "c1": datetime(2026, 1, 1, 8, 30),
                     "c2": datetime(2026, 11, 20, 23, 59)})
            upgrade(directory=str(MIGRATIONS_DIR))
            with db.engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT id, expires_at, read_only FROM api_token ORDER BY id")).all()
            assert [(r[0], _as_datetime(r[1]), bool(r[2])) for r in rows] == [
                (1, datetime(2026, 4, 1, 8, 30), False), (2, datetime(2027, 2, 18, 23, 59), False)]
            downgrade(directory=str(MIGRATIONS_DIR), revision="0010")
            upgrade(directory=str(MIGRATIONS_DIR), revision="0011")
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_scratch_database(url)


def _as_datetime(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value
