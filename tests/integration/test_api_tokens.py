"""Personal API tokens in the profile: created and shown once, listed, revoked; only hashes stored."""

from __future__ import annotations

import re

from portfolio.auth.models import ApiToken
from portfolio.extensions import db
from tests.conftest import login


def _secret(html: str) -> str:
    match = re.search(r'id="new-token-value"[^>]*value="(pft_[^"]+)"', html)
    assert match, "the new token is not shown"
    return match.group(1)


def test_create_use_and_revoke_a_token(app, client, login_as):
    login_as("editor", units=["SBF"])
    empty = client.get("/profile")
    assert empty.status_code == 200 and "Du har inga API-nycklar" in empty.get_data(as_text=True)

    missing_name = client.post("/profile", data={"name": ""})
    assert missing_name.status_code == 422
    assert 'aria-invalid="true"' in missing_name.get_data(as_text=True)

    created = client.post("/profile", data={"name": "Målstyrningssystemet"})
    assert created.status_code == 200
    secret = _secret(created.get_data(as_text=True))
    # Shown once: the next visit lists the token by name and prefix only.
    again = client.get("/profile").get_data(as_text=True)
    assert secret not in again and "Målstyrningssystemet" in again and secret[:10] in again
    with app.app_context():
        row = db.session.scalar(db.select(ApiToken))
        assert row.token_hash != secret and secret not in row.token_hash and row.revoked_at is None

    api = app.test_client()
    assert api.get("/api/v1/areas", headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    revoked = client.post(f"/profile/tokens/{row.id}/revoke", follow_redirects=True)
    assert revoked.status_code == 200 and "återkallad" in revoked.get_data(as_text=True)
    assert api.get("/api/v1/areas", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(app, client, make_user):
    owner_id, owner_email = make_user("viewer")
    login(client, owner_email)
    client.post("/profile", data={"name": "Ägarens nyckel"})
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
    client.post("/logout")
    _other_id, other_email = make_user("portfolio_office")
    login(client, other_email)
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 404
    assert "Ägarens nyckel" not in client.get("/profile").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_profile_requires_login_and_forms_need_csrf(app, make_user):
    from portfolio.app import create_app

    assert app.test_client().get("/profile").status_code == 302
    strict = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "WTF_CSRF_ENABLED": True})
    client = strict.test_client()
    _uid, email = make_user("viewer")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": email, "password": "korrekt-hast-batteri", "csrf_token": token})
    assert client.post("/profile", data={"name": "Utan token"}).status_code == 400
    with strict.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_token_user_reaches_flask_login_only_on_the_api(app, client, make_user, login_as):
    """The token's user comes through Flask-Login's request loader for API requests only: a web
    session is not accepted by the API, and a bearer token does not log anyone in on the web."""
    from tests.api_support import token_for

    office_id, _ = make_user("portfolio_office")
    token = token_for(app, office_id)
    bearer = {"Authorization": f"Bearer {token}"}
    # No session: the web ignores the token.
    page = client.get("/initiatives/", headers=bearer)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    # A viewer's web session: the API refuses the cookie alone, and with a token it is the token's user.
    login_as("viewer")
    assert client.get("/api/v1/initiatives").status_code == 401
    created = client.post("/api/v1/initiatives", headers=bearer, json={
        "title": "Via API", "owning_unit": 1, "primary_area": 1})
    assert created.status_code in (201, 422), created.get_json()       # the office may write
    assert created.status_code != 403
    assert client.get("/initiatives/").status_code == 200               # the web session is intact
