"""The dashboard host and the built-in plugins: contract, isolation, numbers, pages, CLI."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from portfolio import create_app
from portfolio.auth.models import User
from portfolio.dashboards import registry, runner
from portfolio.dashboards.contract import API_VERSION, Filters, Link, Panel, Table, validate_panels
from portfolio.dashboards.host import context
from portfolio.extensions import db
from portfolio.plotting import figure_dict
from portfolio.risks import services as risks
from tests.conftest import demo_copy, drop_scratch_database, login, travel_back, travel_to
from tests.factories import make_initiative, unit_id

YEAR = 2026
EXPECTED_IDS = {"portfoljoversikt", "systematik", "nyttorealisering", "riskbild", "resurser",
                "planer-och-rekommendationer", "revisionsfragorna", "per-namnd"}


def all_entry_points():
    return {ep.name: ep.load() for ep in entry_points(group=registry.GROUP)}


def test_builtin_plugins_are_registered_as_entry_points():
    assert EXPECTED_IDS <= set(all_entry_points())


def _check_panels(result):
    assert not result.failed, result.panels[0].details
    for panel in validate_panels(result.panels):
        if panel.figure is not None:
            json.dumps(figure_dict(panel.figure))   # serialises


@pytest.mark.parametrize("name", sorted(EXPECTED_IDS))
def test_contract_with_empty_data(app, name):
    plugin = all_entry_points()[name]
    assert plugin.id == name and plugin.api_version == API_VERSION
    with app.test_request_context():
        _check_panels(runner.run(plugin, context(Filters(year=YEAR))))


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, demo_template):
    """A separate database with the full demo data (a copy of the run's demo database)."""
    url = demo_copy(demo_template, tmp_path_factory.mktemp("demo"), "demo")   # SQLite or PostgreSQL, as the suite
    yield create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    drop_scratch_database(url)


@pytest.mark.parametrize("name", sorted(EXPECTED_IDS))
def test_contract_with_demo_data_and_filters(demo_app, name):
    plugin = all_entry_points()[name]
    with demo_app.test_request_context():
        for filters in (Filters(year=YEAR), Filters(year=2023, committee_id=unit_id("SBN")),
                        Filters(year=YEAR, area_id=1)):
            _check_panels(runner.run(plugin, context(filters)))


class Raises:
    id, title, description, audience, api_version = "trasig", "Trasig", "x", "alla", API_VERSION

    def build(self, ctx):
        raise RuntimeError("databasen svarade inte")


class Garbage(Raises):
    id = "skrap"

    def build(self, ctx):
        return ["inte en panel"]


class BadFigure(Raises):
    id = "dalig-figur"

    def build(self, ctx):
        return [Panel("Dålig", "Figuren går inte att serialisera.", figure="x", table=Table(("a",), ((1,),)))]


class UnserialisableFigure(Raises):
    id = "objekt-figur"

    def build(self, ctx):
        return [Panel("Dålig", "Figuren är ett objekt.", figure={"data": [object()]}, table=Table(("a",), ((1,),)))]


class WrongVersion(Raises):
    id, api_version = "gammal", 99


class WrongId(Raises):
    id = "annat-namn"


def test_invalid_plugins_are_refused_at_start_with_a_log_line(database_url, caplog):
    caplog.set_level(logging.INFO, logger="portfolio.dashboards")
    extra = {"gammal": WrongVersion(), "fel-namn": WrongId(), "trasig": Raises(),
             "riskbild": all_entry_points()["riskbild"]}  # a second plugin with the id riskbild
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "DASHBOARD_EXTRA_PLUGINS": extra})
    plugins = app.extensions["portfolio.dashboards"]
    assert "gammal" not in plugins and "fel-namn" not in plugins and "trasig" in plugins
    log = caplog.text
    assert "dashboard plugin gammal refused: api_version 99" in log
    assert "dashboard plugin fel-namn refused: id 'annat-namn' är inte samma" in log
    assert "dashboard plugin riskbild refused: id används redan" in log


def test_allowlist(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "DASHBOARD_PLUGINS": ["riskbild"]})
    assert set(app.extensions["portfolio.dashboards"]) == {"riskbild"}


def test_a_broken_plugin_becomes_an_error_panel_and_the_rest_still_render(database_url, make_user):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False,
                      "DASHBOARD_EXTRA_PLUGINS": {"trasig": Raises(), "skrap": Garbage(),
                                                  "dalig-figur": BadFigure(), "objekt-figur": UnserialisableFigure()}})
    client = app.test_client()
    _, viewer = make_user("viewer")
    _, admin = make_user("admin")
    login(client, viewer)
    page = client.get("/dashboards/trasig")
    assert page.status_code == 200
    html = page.data.decode()
    assert "Den här panelen kunde inte byggas" in html and "databasen svarade inte" not in html
    assert client.get("/dashboards/skrap").status_code == 200
    for broken in ("dalig-figur", "objekt-figur"):
        page = client.get(f"/dashboards/{broken}")
        assert page.status_code == 200 and "Den här panelen kunde inte byggas" in page.data.decode()
    assert client.get("/reports/ks/2026").status_code == 200          # the report survives them too
    assert client.get("/dashboards/riskbild").status_code == 200
    assert "Riskbild" in client.get("/dashboards/").data.decode()
    client.post("/logout")
    login(client, admin)
    assert "databasen svarade inte" in client.get("/dashboards/trasig").data.decode()  # details for admins


def test_audience_decides_who_sees_a_dashboard(database_url, make_user):
    class OfficeOnly(Raises):
        id, audience = "internt", "projektkontoret"

        def build(self, ctx):
            return [Panel("Intern", "Bara för projektkontoret.", table=Table(("a",), ((1,),)))]

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False, "DASHBOARD_EXTRA_PLUGINS": {"internt": OfficeOnly()}})
    client = app.test_client()
    _, viewer = make_user("viewer")
    login(client, viewer)
    assert client.get("/dashboards/internt").status_code == 404
    assert "Intern" not in client.get("/dashboards/").data.decode()
    client.post("/logout")
    _, office = make_user("portfolio_office")
    login(client, office)
    assert client.get("/dashboards/internt").status_code == 200


def test_garbage_is_described():
    with pytest.raises(ValueError, match="inte en lista"):
        validate_panels("nej")
    with pytest.raises(ValueError, match="diagram utan tabell"):
        validate_panels([Panel("t", "s", figure={"data": []})])
    with pytest.raises(ValueError, match="lokala"):
        validate_panels([Panel("t", "s", table=Table(("a",), ()), links=(("x", "https://evil"),))])


@pytest.fixture
def portfolio_data(app, make_user):
    """Known data to check the dashboards' numbers against, computed by hand here."""
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        a = make_initiative(office, title="A", owning_unit="SBF", primary_area="stad-landsbygd",
                            phase="genomforande", need_owner="x", project_lead="y", benefit_owner="z")
        b = make_initiative(office, title="B", owning_unit="KFF", primary_area="service", phase="planering",
                            participating_units=["SBF"])
        make_initiative(office, title="C", owning_unit="SBF", primary_area="service", phase="ide")
        make_initiative(office, title="D", owning_unit="VOF", primary_area="valfard", phase="avslutad")
        base = {"kind": "risk", "category": "teknik", "status": "oppen"}
        risks.save_risk(a, {**base, "title": "r1", "probability": 4, "consequence": 5}, office)
        risks.save_risk(a, {**base, "title": "r2", "probability": 4, "consequence": 5, "mitigation": "m",
                            "owner": "o", "due_date": date(2026, 12, 1), "residual_probability": 2,
                            "residual_consequence": 2}, office)
        risks.save_risk(b, {**base, "title": "r3", "probability": 1, "consequence": 2}, office)
        # Registered at the start of 2024, so earlier-year views include them from then on.
        from datetime import datetime

        from portfolio.changelog.models import ChangeLogEntry
        from portfolio.initiatives.models import Initiative
        db.session.execute(db.update(Initiative).values(created_at=datetime(2024, 1, 1)))
        db.session.execute(db.update(ChangeLogEntry).values(changed_at=datetime(2024, 1, 1)))
        db.session.commit()
        return {"a": a.id, "b": b.id}


def panel_table(name, filters=None):
    result = runner.run(all_entry_points()[name], context(filters or Filters(year=YEAR)))
    assert not result.failed, result.panels[0].details
    return {p.title: p for p in result.panels}


def test_overview_numbers(app, portfolio_data):
    with app.test_request_context():
        panels = panel_table("portfoljoversikt")
        rows = panels["Initiativ per område och fas"].table.rows
        assert sorted(rows) == sorted([("Digitalt hållbar stad och landsbygd", "Genomförande", 1),
                                       ("Självklar service", "Planering", 1), ("Självklar service", "Idé", 1),
                                       ("Smart och individanpassad välfärd", "Avslutad", 1)])
        committees = dict(panels["Initiativ per nämnd"].table.rows)
        assert committees == {"Stadsbyggnadsnämnden": 2, "Kultur- och fritidsnämnden": 1,
                              "Vård- och omsorgsnämnden": 1}
        # Each factory initiative has 450 000 kr central funds in 2025; none in 2026.
        money = panel_table("portfoljoversikt", Filters(year=2025))[
            "Finansiering 2025"].table.rows
        assert sum(row[2] for row in money) == Decimal(4 * 450000)


def test_risk_numbers_and_committee_filter(app, portfolio_data):
    with app.test_request_context():
        panels = panel_table("riskbild")
        before = {(p, c): n for p, c, n in panels["Riskmatris före åtgärd"].table.rows}
        after = {(p, c): n for p, c, n in panels["Riskmatris efter åtgärd"].table.rows}
        assert before == {(4, 5): 2, (1, 2): 1}
        assert after == {(2, 2): 1}      # only risks with after-values are placed after mitigation
        assert dict(panels["Risker utan åtgärd per nämnd"].table.rows) == {"Stadsbyggnadsnämnden": 1}
        kfn = panel_table("riskbild", Filters(year=YEAR, committee_id=unit_id("KFN")))
        assert {(p, c): n for p, c, n in kfn["Riskmatris före åtgärd"].table.rows} == {(1, 2): 1}


def plain(row):
    """A table row with its linked cells as their text."""
    return tuple(cell.text if isinstance(cell, Link) else cell for cell in row)


def test_audit_questions_numbers(app, portfolio_data):
    with app.test_request_context():
        panels = panel_table("revisionsfragorna")
        q3 = panels["3. Finns en tydlig ansvars- och resursfördelning?"]
        total = plain(q3.table.rows[-1])
        assert total[:4] == ("Totalt", 1, 2, 50)        # A named all three; B none; C, D not active
        q5 = panels["5. Sker arbetet samordnat över förvaltningsgränser?"]
        assert plain(q5.table.rows[-1])[:3] == ("Totalt", 1, 2)  # B has a participating unit
        q7 = panels["7. Dokumenteras riskanalyser och hanteras riskerna?"]
        assert plain(q7.table.rows[-1])[:3] == ("Totalt", 2, 2) and "1 öppen risk över" in q7.summary
        assert len(panels) == 10
        assert "1 öppna risker" not in q7.summary
        assert panels["5. Liknande initiativ i olika nämnder"].table.rows == ()
        assert "4 av 4 aktiva initiativ är kopplade till ett prioriterat område" not in q3.summary


def test_possible_duplicates_across_committees(app, portfolio_data):
    with app.app_context():
        office = db.session.scalar(db.select(User).where(User.email.like("portfolio_office%")))
        make_initiative(office, title="  a ", owning_unit="KFF", phase="planering")   # same as "A" (SBF)
        make_initiative(office, title="A", owning_unit="SBF", phase="planering")      # same committee: no
    with app.test_request_context():
        rows = panel_table("revisionsfragorna")["5. Liknande initiativ i olika nämnder"].table.rows
        assert len(rows) == 1
        title, refs, committees = rows[0]
        assert title.strip().lower() == "a" and len(refs.split(", ")) == 3
        assert committees == "Kultur- och fritidsnämnden, Stadsbyggnadsnämnden"


def test_dashboard_page_has_filters_in_url_and_table_alternative(client, login_as, portfolio_data):
    login_as("viewer")
    html = client.get(f"/dashboards/riskbild?year={YEAR}&committee=abc&area=99999").data.decode()
    assert 'data-chart="chart-1"' in html and "Visa som tabell" in html
    assert re.search(r'<option value="2026" selected>', html)
    assert client.get("/dashboards/finns-inte").status_code == 404


def test_chart_labels_are_escaped(app, client, login_as, make_user):
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        make_initiative(db.session.get(User, office_id), title="<img src=x onerror=alert(1)>",
                        phase="genomforande", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    login_as("viewer")
    html = client.get("/dashboards/portfoljoversikt").data.decode()
    assert "<img src=x" not in html
    # In the chart JSON the title is HTML-escaped by safe() (then JSON-escaped by tojson).
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html


def test_cli_list_and_check(app):
    runner_ = app.test_cli_runner()
    listed = runner_.invoke(args=["dashboards", "list"])
    assert "revisionsfragorna" in listed.output and listed.exit_code == 0
    checked = runner_.invoke(args=["dashboards", "check", "--year", str(YEAR)])
    assert checked.exit_code == 0 and "ms" in checked.output and "FEL" not in checked.output


def test_readme_example_plugin_runs(app, portfolio_data):
    readme = (Path(__file__).resolve().parents[2] / "plugins" / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Exempel.*?```python\n(.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "plugins/README.md", "exec"), namespace)  # noqa: S102 - our own README
    plugin = namespace["plugin"]
    assert registry.validate_plugin(plugin, "antal-per-fas") is None
    with app.test_request_context():
        result = runner.run(plugin, context(Filters(year=YEAR)))
    assert not result.failed
    assert dict(result.panels[0].table.rows) == {"avslutad": 1, "genomforande": 1, "ide": 1, "planering": 1}


def test_a_past_year_shows_the_phases_and_registrations_of_that_year(app, make_user):
    from datetime import datetime

    from portfolio.changelog.models import ChangeLogEntry
    from portfolio.initiatives import services as initiative_services
    from portfolio.initiatives.models import Initiative

    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        old = make_initiative(office, title="Gammal", phase="behovsanalys")
        initiative_services.change_phase(old, "prioriterad", office, expected_version=1, override=True,
                                         reason="Test")
        new = make_initiative(office, title="Ny", phase="ide")
        # Registered in 2023, moved to prioriterad in 2025; "Ny" registered in 2026.
        db.session.get(Initiative, old.id).created_at = datetime(2023, 3, 1)
        db.session.execute(db.update(ChangeLogEntry).where(
            ChangeLogEntry.initiative_id == old.id, ChangeLogEntry.action == "create")
            .values(changed_at=datetime(2023, 3, 1)))
        db.session.execute(db.update(ChangeLogEntry).where(
            ChangeLogEntry.initiative_id == old.id, ChangeLogEntry.action == "phase")
            .values(changed_at=datetime(2025, 5, 1)))
        db.session.get(Initiative, new.id).created_at = datetime(2026, 2, 1)
        db.session.commit()
    with app.test_request_context():
        travel_to(date(2026, 11, 27))
        try:
            def phases(year):
                rows = panel_table("portfoljoversikt", Filters(year=year))["Initiativ per område och fas"]
                return sorted((r[1], r[2]) for r in rows.table.rows)
            assert phases(2022) == []
            assert phases(2024) == [("Behovsanalys", 1)]
            assert phases(2025) == [("Prioriterad", 1)]
            assert phases(2026) == [("Idé", 1), ("Prioriterad", 1)]
        finally:
            travel_back()


def test_systematics_resources_benefits_and_plans_numbers(app, portfolio_data):
    from portfolio.benefits import services as benefits
    from portfolio.followups.models import Measurement
    from portfolio.initiatives.models import Initiative
    from portfolio.needs import services as needs
    from portfolio.plans import services as plans
    from portfolio.programme.models import OrgUnit

    with app.app_context():
        office = db.session.scalar(db.select(User).where(User.email.like("portfolio_office%")))
        a = db.session.get(Initiative, portfolio_data["a"])
        needs.save(a, {"problem": "p", "target_groups": "t", "needs_capture": "n", "involvement_who": "w",
                       "involvement_how": "h", "involvement_when": date(2025, 1, 15),
                       "inclusion_considered": False, "current_state": "c",
                       "desired_state": "d", "alternatives": "x", "infosec_class": "lag",
                       "dpia_needed": "nej"}, office, complete=True, expected_version=None)
        benefits.save_case(a, {"start_year": 2026, "horizon": 3, "discount_rate": Decimal("0.03"),
                               "hourly_cost": Decimal(500)}, office)
        benefit = benefits.save_benefit(a, {
            "title": "Besparing", "kind": "finansiell", "beneficiary": "organisationen", "direction": "lagre",
            "frequency": "ar", "certainty": "saker", "first_year": 2026, "last_year": 2028,
            "amount": Decimal(100000), "owner": "Chef"}, office)
        db.session.add(Measurement(benefit_id=benefit.id, measured_on=date(2026, 6, 30), value=Decimal(1),
                                   realised_amount=Decimal(40000), created_at=benefit.created_at))
        from portfolio.followups.services import save_followup
        save_followup(a, {"year": 2025, "period": "helar", "status": "gron", "progress": 40,
                          "cost_to_date": Decimal(120000)}, office)
        sbn = db.session.scalar(db.select(OrgUnit).where(OrgUnit.code == "SBN"))
        plans.save_plan(sbn, {"status": "beslutad", "title": "SBN-plan", "decided_on": date(2024, 4, 1),
                              "period_start": 2024, "period_end": 2026}, office)
        db.session.commit()
    travel_to(date(2026, 11, 27))
    try:
        with app.test_request_context():
            system = panel_table("systematik")["Systematik per nämnd"].table.rows
            sbn_row = next(r for r in system if r[0] == "Stadsbyggnadsnämnden")
            # SBN's initiatives past the idea stage: A only (C is an idea) → 1 initiative, needs 100 %,
            # benefit case 100 %, benefit owner 100 %.
            assert sbn_row[1] == 1 and sbn_row[2] == "100 %" and sbn_row[5] == "100 %"
            money = panel_table("nyttorealisering")["Planerat och realiserat"].table.rows
            assert ("2026", "Finansiell") not in [(str(r[0]), r[1]) for r in money if r[2] == 0]
            assert (2026, "Finansiell", Decimal(100000), Decimal(40000)) in money
            assert (2028, "Finansiell", Decimal(100000), None) in money      # not happened yet: no "0"
            plan_rows = panel_table("planer-och-rekommendationer")["Planer för digital transformation"].table.rows
            assert next(r for r in plan_rows if r[0] == "Stadsbyggnadsnämnden")[1] == "Beslutad"
            assert next(r for r in plan_rows if r[0] == "Socialnämnden")[1] == "Saknas"
            resources = panel_table("resurser", Filters(year=2025))
            total = sum(r[2] for r in resources["Finansiering per nämnd och källa"].table.rows)
            assert total == Decimal(4 * 450000)
            # Budget for the years up to 2025 against the cost in the follow-ups up to 2025.
            by_committee = {r[0]: r for r in resources["Budget och kostnad t.o.m. 2025 per nämnd"].table.rows}
            assert by_committee["Stadsbyggnadsnämnden"][1:] == (Decimal(900000), Decimal(120000))
            benefits_panels = panel_table("nyttorealisering")
            per_area = benefits_panels["Per prioriterat område"].table.rows
            assert ("Digitalt hållbar stad och landsbygd", "Finansiell", Decimal(100000), Decimal(40000)) in per_area
            cumulative = benefits_panels["Ackumulerat"].table.rows
            assert (2028, "Finansiell", Decimal(300000), Decimal(40000)) in cumulative
            overdue = dict(benefits_panels["Nyttor som väntar på mätning"].table.rows)
            assert overdue == {}          # measured 2026-06-30, yearly: next due 2027-06-30
    finally:
        travel_back()


def test_per_committee_views(app, portfolio_data):
    """KS's views committee by committee, from the same known data (computed by hand)."""
    with app.test_request_context():
        panels = panel_table("per-namnd")
        areas = set(panels["Initiativ per prioriterat område och nämnd"].table.rows)
        # Active (behovsanalys–uppföljning) only: A (SBN, genomförande) and B (KFN, planering).
        assert areas == {("Stadsbyggnadsnämnden", "Digitalt hållbar stad och landsbygd", 1),
                         ("Kultur- och fritidsnämnden", "Självklar service", 1)}
        risk = panels["Riskbild per nämnd"].table
        by_committee = {row[0]: row for row in risk.rows}
        assert risk.columns[1:-1] == ("Låg", "Medel", "Hög", "Kritisk")
        # A: two risks of score 20 (kritisk), one without mitigation; B: one of score 2 (låg).
        assert by_committee["Stadsbyggnadsnämnden"][1:] == (0, 0, 0, 2, 1)
        assert by_committee["Kultur- och fritidsnämnden"][1:] == (1, 0, 0, 0, 0)
        kfn = panel_table("per-namnd", Filters(year=YEAR, committee_id=unit_id("KFN")))
        assert {row[0] for row in kfn["Riskbild per nämnd"].table.rows} == {"Kultur- och fritidsnämnden"}
        staffing = panels["Personalbehov per nämnd"]
        assert staffing.table.rows == ()
        assert "Nyttor per nämnd: planerat mot realiserat" in panels
        assert panels["Revisionens rekommendationer per nämnd"].table.rows == ()


def test_each_answer_links_to_the_records_it_was_computed_from(app, client, login_as, portfolio_data):
    """Question 3 per committee: the count links to exactly the initiatives counted for that
    committee and year, marked as meeting the condition or not."""
    with app.test_request_context():
        q3 = panel_table("revisionsfragorna")["3. Finns en tydlig ansvars- och resursfördelning?"]
        sbn = next(row for row in q3.table.rows if row[0] == "Stadsbyggnadsnämnden")
        sbn_id = unit_id("SBN")
    link = sbn[1]
    assert isinstance(link, Link) and f"committee={sbn_id}" in link.href and "year=2026" in link.href
    login_as("viewer")
    page = client.get(link.href).data.decode()
    table = page.split('id="evidence-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 2                 # A (genomförande) counted; C (idé) is not
    assert "✓" in table and "Stadsbyggnadsnämnden" in table and "Kultur" not in table
    assert "1 av 1 uppfyller" in page
    everyone = client.get(link.href.replace(f"&committee={sbn_id}", "")).data.decode()
    assert "1 av 2 uppfyller" in everyone           # the total row's figures
    assert client.get("/dashboards/underlag?metric=nonsense&phases=ide").status_code == 404
    with app.test_request_context():
        q2 = panel_table("revisionsfragorna")["2. Har nämnderna beslutat planer?"]
        assert all(isinstance(row[0], Link) and row[0].href.startswith("/plans/") for row in q2.table.rows)


def test_pages_and_api_validate_filters_the_same_way(app, client, login_as):
    """One validator: a committee must be a nämnd (not an administration) on the page and in the
    API; the page falls back to the default, the API answers 422."""
    from tests.api_support import ApiClient, token_for

    user_id = login_as("viewer")
    with app.app_context():
        sbf, sbn = unit_id("SBF"), unit_id("SBN")
    api = ApiClient(client, token_for(app, user_id))
    assert api.get(f"/api/v1/dashboards/portfoljoversikt?committee={sbn}").status_code == 200
    refused = api.get(f"/api/v1/dashboards/portfoljoversikt?committee={sbf}")
    assert refused.status_code == 422 and "Nämnden finns inte" in str(refused.get_json())
    assert api.get("/api/v1/dashboards/portfoljoversikt?year=1999").status_code == 422
    page = client.get(f"/dashboards/portfoljoversikt?committee={sbf}").data.decode()
    assert f'<option value="{sbf}" selected' not in page
