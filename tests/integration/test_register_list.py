"""Filters, sorting, pagination and escaping of the register list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives import services
from tests.factories import area_id, make_initiative, source_id


@pytest.fixture
def seeded(app, make_user):
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        make_initiative(office, title="Sensorer på livbojar", owning_unit="SBF",
                        primary_area="stad-landsbygd", participating_units=[],
                        funding=[services.FundingInput(2024, source_id("statsbidrag"), Decimal(450000))])
        make_initiative(office, title="Föreningsstöd e-tjänst", owning_unit="KFF",
                        primary_area="service")
        make_initiative(office, title="Digitala brev", owning_unit="SOF", primary_area="service",
                        phase="behovsanalys", description="Digital post till medborgare")
    return office_id


def titles(html: str) -> list[str]:
    return [t for t in ("Sensorer på livbojar", "Föreningsstöd e-tjänst", "Digitala brev")
            if t in html]


@pytest.mark.parametrize("query, expected", [
    ("", ["Sensorer på livbojar", "Föreningsstöd e-tjänst", "Digitala brev"]),
    ("q=livboj", ["Sensorer på livbojar"]),
    ("q=DIGITAL+POST", ["Digitala brev"]),          # description, case-insensitive
    ("q=%25", []),                                 # a literal %, not a wildcard
    ("phase=behovsanalys", ["Digitala brev"]),
    ("area=AREA", ["Föreningsstöd e-tjänst", "Digitala brev"]),
    ("unit=UNIT", ["Sensorer på livbojar"]),         # the nämnd includes its förvaltning
    ("source=SOURCE", ["Sensorer på livbojar"]),
    ("area=abc&phase=nonsense&page=-1&sort=drop", ["Sensorer på livbojar", "Föreningsstöd e-tjänst",
                                                   "Digitala brev"]),
])
def test_filters(app, client, login_as, seeded, query, expected):
    login_as("viewer")
    with app.app_context():
        from tests.factories import unit_id
        query = (query.replace("AREA", str(area_id("service")))
                 .replace("UNIT", str(unit_id("SBN")))
                 .replace("SOURCE", str(source_id("statsbidrag"))))
    response = client.get(f"/initiatives/?{query}")
    assert response.status_code == 200
    assert sorted(titles(response.data.decode())) == sorted(expected)


def test_list_shows_total_funding(client, login_as, seeded):
    login_as("viewer")
    assert "450\u00a0000\u00a0kr" in client.get("/initiatives/?q=livboj").data.decode()


def test_sort_by_title_and_filters_stay_in_links(app, client, login_as, seeded):
    login_as("viewer")
    html = client.get("/initiatives/?sort=title&q=e").data.decode()
    found = [html.index(t) for t in ("Digitala brev", "Föreningsstöd e-tjänst",
                                     "Sensorer på livbojar")]
    assert found == sorted(found)
    assert "q=e" in html.split("Titel")[0] or 'href="/initiatives/?q=e' in html


def test_pagination(app, client, login_as, make_user):
    office_id, _ = make_user("portfolio_office")
    app.config["PAGE_SIZE"] = 2
    try:
        with app.app_context():
            office = db.session.get(User, office_id)
            for i in range(5):
                make_initiative(office, title=f"Initiativ nummer {i}")
        login_as("viewer")
        page3 = client.get("/initiatives/?page=3&sort=title").data.decode()
        assert "Sida 3 av 3" in page3 and "Initiativ nummer 4" in page3
        assert "Initiativ nummer 0" not in page3
        assert client.get("/initiatives/?page=99").status_code == 200
    finally:
        app.config["PAGE_SIZE"] = 25


def test_user_text_is_escaped_everywhere(app, client, login_as, make_user):
    office_id, _ = make_user("portfolio_office")
    evil = "<script>alert(1)</script>"
    with app.app_context():
        office = db.session.get(User, office_id)
        ini = make_initiative(office, title=evil, description=evil, need_owner=evil)
        services.update_initiative(ini, services.InitiativeInput(
            title=evil + "!", owning_unit_id=ini.owning_unit_id,
            primary_area_id=ini.primary_area_id), office, expected_version=1)
        ini_id = ini.id
    login_as("viewer")
    for url in ("/initiatives/", f"/initiatives/{ini_id}"):
        html = client.get(url).data.decode()
        assert evil not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_register_explains_what_to_do(client, login_as):
    login_as("editor", units=["SBF"])
    html = client.get("/initiatives/").data.decode()
    assert "Registret är tomt" in html and "Nytt initiativ" in html
