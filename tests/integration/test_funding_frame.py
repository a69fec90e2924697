"""The funding frame on the Resurser dashboard: the reader's sums and the panel."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.dashboards import runner
from portfolio.dashboards.contract import Filters, FrameInitiativesRow, FrameYearRow
from portfolio.dashboards.data import DashboardReader
from portfolio.dashboards.host import context
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.initiatives.services import FundingInput
from tests.factories import make_initiative, source_id, unit_id

NBSP = "\u00a0"
FRAME_TITLE = "Mandatperiodssatsning för digitalisering 2020\u20132023"


def kr(text: str) -> str:
    """Spaces between digits as the non-breaking spaces kronor_text puts there."""
    return re.sub(r"(?<=\d) (?=\d)", NBSP, text)


def _lines(*lines):
    return [FundingInput(year, source_id(source), Decimal(amount)) for year, source, amount in lines]


@pytest.fixture
def frame_data(app, make_user):
    """Central funds on initiatives, inside and outside 2020–2023, computed by hand:
    2020: 1 000 000 (A); 2021: 2 500 000 (A) + 500 000 (B, demo); 2022: 4 000 000 (C);
    2023: nothing. Not counted: egen-ram, 2019 and 2024, the archived D, E registered in 2025."""
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        a = make_initiative(office, title="A", owning_unit="KLK", funding=_lines(
            (2019, "centrala-medel", "300000"), (2020, "centrala-medel", "1000000"),
            (2021, "centrala-medel", "2500000"), (2021, "egen-ram", "700000"), (2024, "centrala-medel", "900000")))
        b = make_initiative(office, title="B", owning_unit="SBF", is_demo=True, demo_note="Påhittat",
                            funding=_lines((2021, "centrala-medel", "500000")))
        c = make_initiative(office, title="C", owning_unit="SOF", funding=_lines((2022, "centrala-medel", "4000000")))
        d = make_initiative(office, title="D", owning_unit="KLK", funding=_lines((2022, "centrala-medel", "9000000")))
        e = make_initiative(office, title="E", owning_unit="KLK", is_demo=True,
                            funding=_lines((2023, "centrala-medel", "1234567.50")))
        for ini, registered in ((a, datetime(2020, 2, 1)), (b, datetime(2021, 3, 1)), (c, datetime(2022, 1, 10)),
                                (d, datetime(2020, 5, 1)), (e, datetime(2025, 1, 1))):
            db.session.get(Initiative, ini.id).created_at = registered
        db.session.get(Initiative, d.id).archived = True
        ids = {"a": a.id, "e": e.id}
        db.session.commit()
    return ids


def reader(year, **filters):
    return DashboardReader(Filters(year=year, **filters), 9, date(2026, 11, 27))


def test_reader_sums_per_year_and_cumulative(app, frame_data):
    with app.app_context():
        use = reader(2022).frame_use_per_year("centrala-medel", 2020, 2023)
        assert use == (FrameYearRow(2020, Decimal(1000000), Decimal(1000000)),
                       FrameYearRow(2021, Decimal(3000000), Decimal(4000000)),
                       FrameYearRow(2022, Decimal(4000000), Decimal(8000000)),
                       FrameYearRow(2023, Decimal(0), Decimal(8000000)))
        assert all(isinstance(v, Decimal) for row in use for v in row[1:])
        assert reader(2022).frame_initiatives("centrala-medel", 2020, 2023) == FrameInitiativesRow(3, 1)
        # The current year: everything registered so far (E too, with öre).
        current = reader(2026).frame_use_per_year("centrala-medel", 2020, 2023)
        assert current[-1] == FrameYearRow(2023, Decimal("1234567.50"), Decimal("9234567.50"))
        assert reader(2026).frame_initiatives("centrala-medel", 2020, 2023) == FrameInitiativesRow(4, 2)
        # As of 31 December 2020 only A was registered.
        assert [r.registered for r in reader(2020).frame_use_per_year("centrala-medel", 2020, 2023)] == [
            Decimal(1000000), Decimal(2500000), Decimal(0), Decimal(0)]
        assert reader(2020).frame_initiatives("centrala-medel", 2020, 2023) == FrameInitiativesRow(1, 0)


def test_reader_ignores_committee_and_area_filters_for_the_whole_programmes_frame(app, frame_data):
    with app.app_context():
        filtered = reader(2022, committee_id=unit_id("SBN"), area_id=1)
        assert filtered.frame_use_per_year("centrala-medel", 2020, 2023) == \
            reader(2022).frame_use_per_year("centrala-medel", 2020, 2023)
        assert reader(2022).frame_use_per_year("statsbidrag", 2020, 2023)[-1].cumulative == 0
        assert reader(2022).frame_initiatives("statsbidrag", 2020, 2023) == FrameInitiativesRow(0, 0)


def panels(year, **filters):
    from importlib.metadata import entry_points

    plugin = next(ep.load() for ep in entry_points(group="portfolio.dashboards") if ep.name == "resurser")
    result = runner.run(plugin, context(Filters(year=year, **filters)))
    assert not result.failed, result.panels[0].details
    return {p.title: p for p in result.panels}


def test_panel_for_2022_shows_the_frame_and_the_use_against_it(app, frame_data, frozen):
    with app.test_request_context():
        found = panels(2022)
        frame = found[FRAME_TITLE]
        assert kr("Ram för 2020–2023: 37 000 000 kr (Centrala digitaliseringsmedel)") in frame.summary
        assert "KSKF/2022:442" in frame.summary
        assert kr("t.o.m. 2022: 8 000 000 kr (demodata); kvar av ramen: 29 000 000 kr.") in frame.summary
        assert "inte uppgifter ur källan" in frame.summary
        assert "Beloppen på 1 av 3 initiativ är demodata" in frame.summary
        assert frame.table.rows == (
            (2020, Decimal(1000000), Decimal(1000000), Decimal(37000000), Decimal(36000000)),
            (2021, Decimal(3000000), Decimal(4000000), Decimal(37000000), Decimal(33000000)),
            (2022, Decimal(4000000), Decimal(8000000), Decimal(37000000), Decimal(29000000)),
            (2023, Decimal(0), Decimal(8000000), Decimal(37000000), Decimal(29000000)))
        assert [c for c in frame.table.columns if "demodata" in c] == [
            "Registrerat på initiativ (kr, demodata)", "Ackumulerat (kr, demodata)", "Kvar av ramen (kr, demodata)"]
        assert "Centrala medel mot taket" not in found
        assert "inget tak angivet" not in " ".join(p.summary for p in found.values())


def test_no_demo_marker_when_no_counted_initiative_is_demo(app, frame_data, frozen):
    with app.test_request_context():
        frame = panels(2020)[FRAME_TITLE]
        assert "demodata" not in frame.summary and "demodata" not in " ".join(frame.table.columns)
        assert kr("t.o.m. 2020: 1 000 000 kr; kvar av ramen: 36 000 000 kr.") in frame.summary


def test_over_the_frame_is_said_plainly(app, frame_data, frozen):
    with app.app_context():
        a = db.session.get(Initiative, frame_data["a"])
        next(line for line in a.funding if line.year == 2020).amount = Decimal(40000000)
        db.session.commit()
    with app.test_request_context():
        frame = panels(2023)[FRAME_TITLE]
    # 40 000 000 + 3 000 000 + 4 000 000 registered by the end of 2023 (E came in 2025).
    assert kr("t.o.m. 2023: 47 000 000 kr (demodata), 10 000 000 kr mer än ramen.") in frame.summary
    assert "kvar av ramen:" not in frame.summary
    assert frame.table.rows[-1][-1] == Decimal(-10000000)


def test_years_outside_the_frame_keep_the_yearly_ceiling_text(app, frame_data, frozen):
    with app.test_request_context():
        for year in (2020, 2021, 2022, 2023):
            found = panels(year)
            assert FRAME_TITLE in found
            assert "inget tak angivet" not in " ".join(p.summary for p in found.values()), year
        outside = panels(2024)
        assert FRAME_TITLE not in outside
        assert "(inget tak angivet)" in outside["Centrala medel mot taket"].summary
        with_ceiling = panels(2026)
        assert FRAME_TITLE not in with_ceiling
        assert kr("av taket 15 000 000 kr") in with_ceiling["Centrala medel mot taket"].summary


def test_filtered_view_says_the_frame_is_the_whole_programmes(app, frame_data, frozen):
    with app.test_request_context():
        frame = panels(2021, committee_id=unit_id("SBN"))[FRAME_TITLE]
        assert "filtren för nämnd och område används inte" in frame.summary
        assert kr("t.o.m. 2021: 4 000 000 kr") in frame.summary


def test_dashboard_page_for_2022(client, login_as, frame_data, frozen):
    login_as("viewer")
    html = client.get("/dashboards/resurser?year=2022").data.decode()
    assert kr("37 000 000") in html and kr("29 000 000") in html and kr("8 000 000") in html
    assert FRAME_TITLE in html and "Visa som tabell" in html and "(demodata)" in html
    assert "inget tak angivet" not in html
    html_2021 = client.get("/dashboards/resurser?year=2021").data.decode()
    assert "inget tak angivet" not in html_2021 and FRAME_TITLE in html_2021


def test_demo_data_fits_the_frame_and_is_marked(demo_database_url, frozen):
    """With the full demo loaded, the frame panel marks the registered amounts as demo data and
    they stay within 37 000 000 kr."""
    from portfolio import create_app

    demo = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": demo_database_url,
                       "WTF_CSRF_ENABLED": False})
    with demo.test_request_context():
        frame = panels(2023)[FRAME_TITLE]
        assert "(demodata)" in frame.summary and "är demodata" in frame.summary
        last = frame.table.rows[-1]
        assert 0 < last[2] <= Decimal(37000000) and last[4] == Decimal(37000000) - last[2]
