"""Issue #18: the dashboards' money charts in Swedish units ("1,5 mnkr", "90 000 kr"), budget
against cost of the same period, and Swedish plurals for one and for several."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.dashboards import runner
from portfolio.dashboards.contract import Filters
from portfolio.dashboards.host import context
from portfolio.extensions import db
from portfolio.initiatives import services
from portfolio.plotting import figure_dict
from portfolio.risks import services as risks
from tests.factories import make_initiative, source_id
from tests.integration.test_dashboards import all_entry_points

NBSP = "\u00a0"


def plain(text: str) -> str:
    return str(text).replace(NBSP, " ")


def panels(name: str, filters: Filters) -> dict:
    result = runner.run(all_entry_points()[name], context(filters))
    assert not result.failed, result.panels[0].details
    return {p.title: p for p in result.panels}


def backdate() -> None:
    """Everything registered at the start of 2024, so 2025 reads as of its end include it."""
    from portfolio.changelog.models import ChangeLogEntry
    from portfolio.initiatives.models import Initiative

    db.session.execute(db.update(Initiative).values(created_at=datetime(2024, 1, 1)))
    db.session.execute(db.update(ChangeLogEntry).values(changed_at=datetime(2024, 1, 1)))
    db.session.commit()


@pytest.fixture
def office(app, make_user):
    office_id, _ = make_user("portfolio_office")
    return office_id


def funding(*lines: tuple[int, int]) -> list[services.FundingInput]:
    return [services.FundingInput(year, source_id("centrala-medel"), Decimal(amount)) for year, amount in lines]


def test_budget_is_set_against_cost_of_the_same_period(app, office):
    from portfolio.followups.services import save_followup

    with app.app_context():
        actor = db.session.get(User, office)
        a = make_initiative(actor, title="A", owning_unit="SBF", phase="genomforande",
                            funding=funding((2024, 300_000), (2025, 450_000), (2026, 1_200_000)))
        make_initiative(actor, title="B", owning_unit="KFF", phase="planering", funding=funding((2026, 80_000)))
        save_followup(a, {"year": 2025, "period": "helar", "status": "gron", "progress": 40,
                          "cost_to_date": Decimal(610_000)}, actor)
        save_followup(a, {"year": 2026, "period": "helar", "status": "gron", "progress": 70,
                          "cost_to_date": Decimal(1_400_000)}, actor)
        backdate()
    with app.test_request_context():
        p2025 = panels("resurser", Filters(year=2025))["Budget och kostnad t.o.m. 2025 per nämnd"]
        rows = {r[0]: r[1:] for r in p2025.table.rows}
        # Funding of 2024 and 2025 (not 2026) against the cost in the 2025 follow-up (not 2026's).
        assert rows == {"Stadsbyggnadsnämnden": (Decimal(750_000), Decimal(610_000))}
        assert p2025.table.columns[1:] == ("Budget t.o.m. 2025 (kr)", "Kostnad t.o.m. 2025 (kr)")
        assert "750 000 kr" in plain(p2025.summary) and "610 000 kr" in plain(p2025.summary)
        fig = figure_dict(p2025.figure)
        assert [t["name"] for t in fig["data"]] == ["Budget t.o.m. 2025", "Kostnad t.o.m. 2025"]
        assert [t["y"] for t in fig["data"]] == [[750_000.0], [610_000.0]]
        assert fig["layout"]["yaxis"]["title"]["text"] == "Kronor"
        assert [plain(c) for c in fig["data"][0]["customdata"]] == ["750 000 kr"]

        p2026 = panels("resurser", Filters(year=2026))["Budget och kostnad t.o.m. 2026 per nämnd"]
        rows = {r[0]: r[1:] for r in p2026.table.rows}
        assert rows == {"Stadsbyggnadsnämnden": (Decimal(1_950_000), Decimal(1_400_000)),
                        "Kultur- och fritidsnämnden": (Decimal(80_000), Decimal(0))}
        fig = figure_dict(p2026.figure)
        axis = fig["layout"]["yaxis"]
        assert axis["title"]["text"] == "Miljoner kronor"
        assert axis["tickvals"][-1] >= 1_950_000
        assert "1,5 mnkr" in [plain(t) for t in axis["ticktext"]]
        hovers = {plain(c) for t in fig["data"] for c in t["customdata"]}
        assert {"2 mnkr", "1,4 mnkr", "80 000 kr"} <= hovers
        assert "%{customdata}" in fig["data"][0]["hovertemplate"]


def test_every_money_chart_carries_its_units(app, office):
    with app.app_context():
        actor = db.session.get(User, office)
        for title, unit in (("A", "SBF"), ("B", "SBF"), ("C", "KFF")):
            make_initiative(actor, title=title, owning_unit=unit, phase="genomforande",
                            funding=funding((2025, 700_000)))
        backdate()
    with app.test_request_context():
        overview = panels("portfoljoversikt", Filters(year=2025))["Finansiering 2025"]
        axis = figure_dict(overview.figure)["layout"]["yaxis"]
        # Per area the stacked funding reaches 2,1 million: the axis is in millions.
        assert axis["title"]["text"] == "Miljoner kronor"
        assert all(plain(t) == "0 kr" or plain(t).endswith(" mnkr") for t in axis["ticktext"])
        resources = panels("resurser", Filters(year=2025))["Finansiering per nämnd och källa"]
        fig = figure_dict(resources.figure)
        assert {plain(c) for t in fig["data"] for c in t["customdata"]} == {"1,4 mnkr", "700 000 kr"}
        assert "1 mnkr" in [plain(t) for t in fig["layout"]["yaxis"]["ticktext"]]
        # No chart of kronor keeps plotly's own number labels.
        for name in ("resurser", "portfoljoversikt", "nyttorealisering", "per-namnd"):
            for panel in panels(name, Filters(year=2025)).values():
                if panel.figure is None:
                    continue
                layout = figure_dict(panel.figure)["layout"]
                for key in ("xaxis", "yaxis"):
                    title = layout.get(key, {}).get("title", {}).get("text", "")
                    if title in ("Kronor", "Miljoner kronor"):
                        assert layout[key]["ticktext"], (name, panel.title)


def question_7() -> str:
    """The summary of the audit's question 7 (risks), where the unhandled open risks are counted."""
    return next(p.summary for title, p in panels("revisionsfragorna", Filters(year=2026)).items()
                if title.startswith("7."))


def test_plurals_for_one_and_for_several(app, office):
    with app.app_context():
        actor = db.session.get(User, office)
        a = make_initiative(actor, title="A", owning_unit="SBF", phase="genomforande")
        base = {"kind": "risk", "category": "teknik", "status": "oppen", "probability": 4, "consequence": 5}
        risks.save_risk(a, {**base, "title": "r1"}, actor)
        db.session.commit()
    with app.test_request_context():
        per_committee = panels("per-namnd", Filters(year=2026))
        assert plain(per_committee["Riskbild per nämnd"].summary).startswith("1 öppen risk;")
        areas = per_committee["Initiativ per prioriterat område och nämnd"]
        assert "1 aktivt initiativ 2026 i 1 nämnd." in areas.summary
        assert "1 öppen risk fördelad" in panels("riskbild", Filters(year=2026))["Riskmatris före åtgärd"].summary
        overview = panels("portfoljoversikt", Filters(year=2026))
        assert "1 nämnd äger initiativ." in overview["Initiativ per nämnd"].summary
        assert "1 initiativ fördelat på 1 prioriterat område." in overview["Initiativ per område och fas"].summary
        assert "1 öppen risk över acceptabel nivå saknar åtgärd." in question_7()
    with app.app_context():
        actor = db.session.get(User, office)
        b = make_initiative(actor, title="B", owning_unit="KFF", phase="genomforande", primary_area="valfard")
        risks.save_risk(b, {**base, "title": "r2"}, actor)
        db.session.commit()
    with app.test_request_context():
        per_committee = panels("per-namnd", Filters(year=2026))
        assert plain(per_committee["Riskbild per nämnd"].summary).startswith("2 öppna risker;")
        areas = per_committee["Initiativ per prioriterat område och nämnd"]
        assert "2 aktiva initiativ 2026 i 2 nämnder." in areas.summary
        assert "2 öppna risker fördelade" in panels("riskbild", Filters(year=2026))["Riskmatris före åtgärd"].summary
        overview = panels("portfoljoversikt", Filters(year=2026))
        assert "2 nämnder äger initiativ." in overview["Initiativ per nämnd"].summary
        assert "2 initiativ fördelade på 2 prioriterade områden." in overview["Initiativ per område och fas"].summary
        assert "2 öppna risker över acceptabel nivå saknar åtgärd." in question_7()


def test_a_past_year_counts_budget_of_initiatives_registered_by_then(app, office):
    with app.app_context():
        actor = db.session.get(User, office)
        make_initiative(actor, title="A", owning_unit="SBF", phase="genomforande", funding=funding((2025, 100_000)))
        backdate()
        make_initiative(actor, title="Later", owning_unit="SBF", phase="genomforande",
                        funding=funding((2024, 5_000_000)))
        db.session.commit()
    with app.test_request_context():
        rows = panels("resurser", Filters(year=2025))["Budget och kostnad t.o.m. 2025 per område"].table.rows
        # "Later" was registered in 2026: the 2025 view does not know it.
        assert [r[1] for r in rows] == [Decimal(100_000)]


def test_cost_to_date_comes_from_the_latest_period_not_the_last_edited(app, office):
    from portfolio.followups.services import save_followup

    with app.app_context():
        actor = db.session.get(User, office)
        a = make_initiative(actor, title="A", owning_unit="SBF", phase="genomforande",
                            funding=funding((2025, 900_000)))
        part = save_followup(a, {"year": 2025, "period": "delar", "status": "gron", "progress": 40,
                                 "cost_to_date": Decimal(200_000)}, actor)
        save_followup(a, {"year": 2025, "period": "helar", "status": "gron", "progress": 60,
                          "cost_to_date": Decimal(500_000)}, actor)
        save_followup(a, {"year": 2024, "period": "helar", "status": "gron", "progress": 10,
                          "cost_to_date": Decimal(50_000)}, actor)      # an older year, saved last
        save_followup(a, {"year": 2025, "period": "delar", "status": "gron", "progress": 45,
                          "cost_to_date": Decimal(210_000)}, actor, followup=part,
                      expected_version=part.version)     # edited after helår
        backdate()
    with app.test_request_context():
        rows = {r[0]: r[1:] for r in panels("resurser", Filters(year=2025))[
            "Budget och kostnad t.o.m. 2025 per nämnd"].table.rows}
        assert rows == {"Stadsbyggnadsnämnden": (Decimal(900_000), Decimal(500_000))}
        rows = {r[0]: r[1:] for r in panels("resurser", Filters(year=2024))[
            "Budget och kostnad t.o.m. 2024 per nämnd"].table.rows}
        assert rows["Stadsbyggnadsnämnden"][1] == Decimal(50_000)


@pytest.mark.usefixtures("demo_data")
def test_years_on_an_axis_are_categories_not_numbers(app):
    """Plotly reads "2022" as a number and prints it "2 022" with the Swedish separators: every
    chart with years on its x axis says the axis is categories."""
    import re

    from portfolio.dashboards.host import plugins

    checked = 0
    with app.test_request_context():
        for plugin_id in plugins():
            for panel in panels(plugin_id, Filters(year=2025)).values():
                if panel.figure is None:
                    continue
                fig = figure_dict(panel.figure)
                xs = [x for trace in fig["data"] for x in (trace.get("x") or []) if x is not None]
                if xs and all(isinstance(x, str) and re.fullmatch(r"\d{4}", x) for x in xs):
                    assert fig["layout"].get("xaxis", {}).get("type") == "category", (plugin_id, panel.title)
                    checked += 1
    assert checked >= 4
