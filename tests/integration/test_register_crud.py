"""The register through HTTP: create, edit, phase change, archive, history, bad input."""

from __future__ import annotations

import re

import pytest

from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from tests.factories import area_id, source_id, unit_id


def form_data(app, **overrides):
    with app.app_context():
        data = {
            "title": "Digital ansökan om föreningsstöd",
            "description": "E-tjänst för föreningar.",
            "owning_unit": str(unit_id("KFF")),
            "primary_area": str(area_id("service")),
            "phase": "ide",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "need_owner": "Enhetschef föreningsservice",
            "project_lead": "Projektledare digitalisering",
            "benefit_owner": "Avdelningschef fritid",
            "funding-0-year": "2025",
            "funding-0-source": str(source_id("centrala-medel")),
            "funding-0-amount": "450 000,50",
            "staffing-0-year": "2025",
            "staffing-0-fte": "1,5",
            "participating_units": [str(unit_id("SEF"))],
            "secondary_areas": [str(area_id("stodprocesser"))],
        }
    data.update(overrides)
    return data


def count_initiatives(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Initiative.id)))


def test_create_stores_every_field_and_logs_it(app, client, login_as):
    login_as("portfolio_office")
    response = client.post("/initiatives/new", data=form_data(app))
    assert response.status_code == 302
    with app.app_context():
        ini = db.session.scalar(db.select(Initiative))
        assert ini.title == "Digital ansökan om föreningsstöd"
        assert ini.owning_unit.code == "KFF"
        assert [u.code for u in ini.participating_units] == ["SEF"]
        assert [a.code for a in ini.secondary_areas] == ["stodprocesser"]
        assert str(ini.funding[0].amount) == "450000.50"
        assert str(ini.staffing[0].fte) == "1.50"
        assert ini.ref == f"DIG-{ini.id:03d}"
        fields = {r.field for r in db.session.scalars(db.select(ChangeLogEntry).where(
            ChangeLogEntry.entity_id == ini.id, ChangeLogEntry.action == "create"))}
        assert {"title", "owning_unit", "funding", "staffing", "phase"} <= fields
    page = client.get(response.headers["Location"]).data.decode()
    assert "Historik" in page and "450\u00a0000,50\u00a0kr" in page


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": ""}, "title", "Ange en titel."),
    ({"title": "x" * 10000}, "title", "högst 200 tecken"),
    ({"title": "Bra titel\x00"}, "title", "otillåtna tecken"),
    ({"description": "a\x00b"}, "description", "otillåtna tecken"),
    ({"end_date": "2024-01-01"}, "end_date", "Slutdatum kan inte vara före startdatum."),
    ({"start_date": "inte ett datum"}, "start_date", "datum"),
    ({"owning_unit": "999999"}, "owning_unit", ""),
    ({"owning_unit": "abc"}, "owning_unit", ""),
    ({"primary_area": "424242"}, "primary_area", ""),
    ({"participating_units": ["987654"]}, "participating_units", "finns inte"),
    ({"funding-0-amount": "mycket"}, "funding-0-amount", "Ange ett tal"),
    ({"funding-0-amount": "-5"}, "funding-0-amount", "mindre än"),
    ({"funding-0-amount": "1,234"}, "funding-0-amount", "Högst 2 decimaler"),
    ({"funding-0-year": "tjugo"}, "funding-0-year", ""),
    ({"funding-0-source": "-1"}, "funding-0-source", "Välj finansieringskälla."),
    ({"staffing-0-fte": "en halv"}, "staffing-0-fte", "Ange ett tal"),
    ({"phase": "avslutad"}, "phase", ""),
])
def test_bad_input_is_refused_with_message_by_the_field(app, client, login_as, overrides, field,
                                                        message):
    login_as("portfolio_office")
    response = client.post("/initiatives/new", data=form_data(app, **overrides))
    assert response.status_code == 422
    html = response.data.decode()
    assert f'id="{field}-error"' in html, f"no error tied to {field}"
    error_block = re.search(rf'id="{field}-error">(.*?)</ul>', html, re.S).group(1)
    assert message.lower() in error_block.lower()
    assert count_initiatives(app) == 0


def test_bad_input_keeps_what_the_user_typed(app, client, login_as):
    login_as("portfolio_office")
    html = client.post("/initiatives/new", data=form_data(
        app, end_date="2020-01-01", description="Min långa text")).data.decode()
    assert "Min långa text" in html
    assert 'value="450 000,50"' in html


def test_duplicate_funding_year_and_source_is_refused(app, client, login_as):
    login_as("portfolio_office")
    with app.app_context():
        src = str(source_id("centrala-medel"))
    response = client.post("/initiatives/new", data=form_data(
        app, **{"funding-1-year": "2025", "funding-1-source": src, "funding-1-amount": "1"}))
    assert response.status_code == 422
    assert "Samma år och källa" in response.data.decode()
    assert count_initiatives(app) == 0


def _create(app, client):
    response = client.post("/initiatives/new", data=form_data(app))
    assert response.status_code == 302, response.data[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_edit_logs_old_and_new_values(app, client, login_as):
    login_as("portfolio_office")
    ini_id = _create(app, client)
    response = client.post(f"/initiatives/{ini_id}/edit",
                           data=form_data(app, title="Nytt namn", phase=None, version="1"))
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(db.select(ChangeLogEntry).where(
            ChangeLogEntry.entity_id == ini_id, ChangeLogEntry.action == "update"))
        assert (row.field, row.old_value, row.new_value) == (
            "title", "Digital ansökan om föreningsstöd", "Nytt namn")
        assert db.session.get(Initiative, ini_id).version == 2


def test_stale_edit_is_refused_and_nothing_is_lost(app, client, login_as):
    login_as("portfolio_office")
    ini_id = _create(app, client)
    client.post(f"/initiatives/{ini_id}/edit", data=form_data(app, title="Först", version="1"))
    response = client.post(f"/initiatives/{ini_id}/edit",
                           data=form_data(app, title="Sen", version="1"))
    assert response.status_code == 409
    assert "Någon annan har sparat" in response.data.decode()
    assert "Titel ändrades av" in response.data.decode() and "”Först”" in response.data.decode()
    with app.app_context():
        assert db.session.get(Initiative, ini_id).title == "Först"


def test_phase_change_and_archive_are_logged_and_shown(app, client, login_as):
    login_as("portfolio_office")
    ini_id = _create(app, client)
    r = client.post(f"/initiatives/{ini_id}/phase",
                    data={"phase": "behovsanalys", "version": "1", "reason": "Klar för analys"})
    assert r.status_code == 302
    r = client.post(f"/initiatives/{ini_id}/archive", data={"reason": "Dubblett", "version": "2"})
    assert r.status_code == 302
    page = client.get(f"/initiatives/{ini_id}").data.decode()
    assert "Bytte fas" in page and "Klar för analys" in page
    assert "Arkiverade" in page and "Dubblett" in page
    listing = client.get("/initiatives/").data.decode()
    assert "Digital ansökan om föreningsstöd" not in listing
    assert "Digital ansökan om föreningsstöd" in client.get("/initiatives/?archived=1").data.decode()
    with app.app_context():
        assert db.session.get(Initiative, ini_id).archived  # still there: no hard delete


def test_phase_skip_is_refused_for_non_office(app, client, login_as, make_user):
    login_as("portfolio_office")
    ini_id = _create(app, client)
    client.post("/logout")
    login_as("editor", units=["KFN"])
    r = client.post(f"/initiatives/{ini_id}/phase", data={"phase": "genomforande", "version": "1"})
    assert r.status_code == 422
    assert "hoppar aldrig över en fas" in r.data.decode()
    with app.app_context():
        assert db.session.get(Initiative, ini_id).phase == "ide"


def test_archive_without_reason_is_refused(app, client, login_as):
    login_as("portfolio_office")
    ini_id = _create(app, client)
    r = client.post(f"/initiatives/{ini_id}/archive", data={"reason": "", "version": "1"})
    assert r.status_code == 422
    assert 'id="archive-reason-error"' in r.data.decode()
    with app.app_context():
        assert not db.session.get(Initiative, ini_id).archived


def test_unknown_initiative_is_404_not_500(client, login_as):
    login_as("viewer")
    assert client.get("/initiatives/999999").status_code == 404
    assert client.get("/initiatives/99999999999999999999").status_code == 404
    assert client.post("/initiatives/999999/phase", data={"phase": "ide"}).status_code == 404


def test_dates_outside_1900_2100_are_refused(app, client, login_as):
    login_as("portfolio_office")
    response = client.post("/initiatives/new", data=form_data(app, start_date="0001-01-01",
                                                              end_date="9999-12-01"))
    assert response.status_code == 422
    html = response.data.decode()
    assert "Ange ett datum mellan 1900 och 2100." in html and 'id="end_date-error"' in html
    assert count_initiatives(app) == 0


def test_an_archived_initiative_is_read_only(app, client, login_as):
    login_as("portfolio_office")
    ini_id = _create(app, client)
    client.post(f"/initiatives/{ini_id}/archive", data={"reason": "Dubblett", "version": "1"})
    for url, data in ((f"/initiatives/{ini_id}/phase", {"phase": "behovsanalys", "version": "2"}),
                      (f"/initiatives/{ini_id}/edit", {"title": "x", "version": "2"}),
                      (f"/initiatives/{ini_id}/followups", {"year": "2025", "period": "helar",
                                                             "status": "gron", "progress": "1"}),
                      (f"/initiatives/{ini_id}/risks/new", {"title": "r"}),
                      (f"/initiatives/{ini_id}/evaluation", {"goals_met": "ja"})):
        assert client.post(url, data=data).status_code == 403, url
    assert client.post(f"/initiatives/{ini_id}/restore", data={"version": "2"}).status_code == 302
