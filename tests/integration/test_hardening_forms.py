"""Issue #15: an HTML edit form without its version saves nothing; invisible bidirectional
controls are refused in single-line text; the CSV export names its charset once."""

from __future__ import annotations

from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from tests.integration.test_register_crud import _create, form_data


def test_an_edit_form_without_its_version_saves_nothing(app, client, login_as):
    login_as("portfolio_office")
    ini_id = _create(app, client)
    data = form_data(app, title="Ändrad utan version", phase=None)
    data.pop("version", None)
    response = client.post(f"/initiatives/{ini_id}/edit", data=data)
    assert response.status_code == 422
    assert "saknar versionen" in response.get_data(as_text=True)
    with app.app_context():
        ini = db.session.get(Initiative, ini_id)
        assert (ini.title, ini.version) == ("Digital ansökan om föreningsstöd", 1)


def test_a_new_initiative_needs_no_version(app, client, login_as):
    login_as("portfolio_office")
    data = form_data(app)
    data.pop("version", None)
    assert client.post("/initiatives/new", data=data).status_code == 302


def test_bidirectional_controls_are_refused_in_a_title(app, client, login_as):
    login_as("portfolio_office")
    response = client.post("/initiatives/new", data=form_data(app, title="Faktura\u202egpj.exe"))
    assert response.status_code == 422
    assert "styrtecken för skrivriktning" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 0


def test_csv_export_names_its_charset_once(client, login_as):
    login_as("portfolio_office")
    response = client.get("/exports/initiatives.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") == 1


def test_bidirectional_controls_are_refused_by_the_service_too(app, api_as):
    """The API and the import reach the same service as the form: one rule, 422 with the field."""
    from tests.integration.test_api_initiatives import _body

    api, _uid = api_as("editor", units=["SBF"])
    with app.app_context():
        body = _body(title="Faktura\u202egpj.exe", project_lead="Anna\u2066 Andersson")
    response = api.post("/api/v1/initiatives", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert set(errors) >= {"title", "project_lead"}
    assert "styrtecken för skrivriktning" in errors["title"][0]
    with app.app_context():
        body = _body(description="Rad ett\n\u202ebehållen i flerradig text")   # multi-line: kept
    assert api.post("/api/v1/initiatives", json=body).status_code == 201
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 1
