from __future__ import annotations

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.conftest import PASSWORD, csrf_token_from, login


def test_login_and_logout(client, make_user):
    _, email = make_user("viewer")
    page = client.get("/login").data.decode()
    assert 'name="email"' in page and 'name="password"' in page
    response = login(client, email)
    assert response.status_code == 302
    assert client.get("/initiatives/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/initiatives/").status_code == 302


def test_wrong_password_is_refused_with_message(client, make_user):
    _, email = make_user("viewer")
    response = login(client, email, "fel-losenord")
    assert response.status_code == 401
    assert "Fel e-postadress eller lösenord." in response.data.decode()
    assert client.get("/initiatives/").status_code == 302


def test_passwords_are_hashed(app, make_user):
    user_id, _ = make_user("viewer")
    with app.app_context():
        stored = db.session.get(User, user_id).password_hash
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_open_redirect_is_not_followed(client, make_user):
    _, email = make_user("viewer")
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "next": "//evil.example/steal"})
    assert response.headers["Location"] == "/"     # the start page, never another site


def test_csrf_is_required_on_forms(app, make_user, database_url):
    from portfolio import create_app

    strict = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    _, email = make_user("viewer")
    client = strict.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    token = csrf_token_from(client.get("/login").data.decode())
    ok = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302
    assert client.post("/logout").status_code == 400  # logout is a form too


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_error_pages_are_swedish(client, login_as):
    login_as("viewer")
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.data.decode()
    assert client.get("/initiatives/new").status_code == 403
    assert "Åtkomst nekad" in client.get("/initiatives/new").data.decode()


def test_english_is_available(client, login_as):
    login_as("viewer")
    html = client.get("/initiatives/").data.decode()
    assert '<html lang="sv">' in html and "Initiativ" in html
    client.post("/language", data={"lang": "en", "next": "/initiatives/"})
    html = client.get("/initiatives/").data.decode()
    assert '<html lang="en">' in html
    assert "Initiatives" in html and "Log out" in html


def test_unexpected_error_is_a_swedish_500_page_and_nothing_is_saved(database_url):
    from portfolio import create_app

    broken = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                         "PROPAGATE_EXCEPTIONS": False})

    @broken.route("/boom")
    def boom():
        raise RuntimeError("simulated failure")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    html = response.data.decode()
    assert "Något gick fel" in html and "Ingenting har sparats" in html
    assert "simulated failure" not in html


def test_every_page_needs_login(client):
    for url in ("/initiatives/", "/initiatives/1/needs", "/initiatives/1/risks/", "/initiatives/1/benefit-case",
                "/initiatives/1/decision-document", "/todo", "/lessons", "/plans/", "/audits/",
                "/prioritisation/", "/prioritisation/transparency", "/dashboards/", "/reports/ks/2026"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert client.get("/healthz").status_code == 200



def test_language_switch_never_redirects_to_another_site(client):
    """One safe-redirect check everywhere: the language form used a weaker copy."""
    for target in ("//evil.example/x", "/\t/evil.example", "/%09/evil.example".replace("%09", "\t"),
                   "https://evil.example/", "/\\evil.example", "/\n/evil.example"):
        response = client.post("/language", data={"lang": "en", "next": target})
        assert response.status_code == 302 and response.headers["Location"] == "/", target
    ok = client.post("/language", data={"lang": "sv", "next": "/initiatives/?q=bygglov"})
    assert ok.headers["Location"] == "/initiatives/?q=bygglov"
