"""Exports of the register and follow-ups, and the open-data JSON."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.followups.services import save_followup
from portfolio.initiatives import publication, services
from portfolio.transactions import transaction
from tests.factories import make_initiative, source_id


@pytest.fixture
def data(app, make_user):
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        a = make_initiative(office, title="Sensorer på livbojar", phase="genomforande", need_owner="Anna Andersson",
                            funding=[services.FundingInput(2026, source_id("statsbidrag"), Decimal("1234.5"))])
        e_arkiv = make_initiative(office, title="E-arkiv", owning_unit="KLK", primary_area="stodprocesser")
        with transaction():      # the open data holds what the project office has published
            publication.publish(a, office)
            publication.publish(e_arkiv, office)
        save_followup(a, {"year": 2025, "period": "helar", "status": "gul", "comment": "Sen leverans",
                          "progress": 40, "cost_to_date": Decimal("1000.25")}, office)


def test_csv_with_filters_bom_and_decimal_comma(client, login_as, data):
    login_as("viewer")
    response = client.get("/exports/initiatives.csv?q=livboj&decimal=comma")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Referens", "Titel"] and len(rows) == 2          # the filter applies
    assert rows[1][1] == "Sensorer på livbojar" and rows[1][15] == "1234,50"
    plain = client.get("/exports/initiatives.csv").data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(plain)))) == 3 and "1234.50" in plain


def test_xlsx_and_followups(client, login_as, data):
    login_as("viewer")
    book = load_workbook(io.BytesIO(client.get("/exports/initiatives.xlsx").data))
    sheet = book.active
    assert sheet["A1"].value == "Referens" and sheet.max_row == 3
    follow = list(csv.reader(io.StringIO(client.get("/exports/followups.csv?decimal=comma").data.decode("utf-8-sig")),
                             delimiter=";"))
    assert follow[1][5] == "gul" and follow[1][7] == "1000,25"
    assert client.get("/exports/initiatives.pdf").status_code == 404


def test_open_data_has_no_personal_data(client, data):
    body = client.get("/open-data/initiatives.json").get_json()
    assert {i["title"] for i in body["initiatives"]} == {"Sensorer på livbojar", "E-arkiv"}
    assert all(i["published"] for i in body["initiatives"])
    text = str(body)
    assert "Anna Andersson" not in text and "need_owner" not in text and "@" not in text


def test_exports_need_login(client):
    assert client.get("/exports/initiatives.csv").status_code == 302
