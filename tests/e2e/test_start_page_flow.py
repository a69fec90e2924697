"""Each role lands on its start page after login, sees what waits for it and follows a line to
where the work is done; axe on every page."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.benefits import services as benefits
from portfolio.extensions import db
from portfolio.followups.models import Measurement
from portfolio.initiatives.models import GateOverride
from portfolio.needs import services as needs
from portfolio.risks import services as risks
from tests.e2e.conftest import CHART_TIMEOUT, assert_accessible, log_in, main_nav
from tests.factories import COMPLETE_NEEDS, make_initiative

TODAY = date(2026, 11, 27)
NEEDS = COMPLETE_NEEDS



@pytest.fixture
def office(app, make_user):
    office_id, email = make_user("portfolio_office")
    return office_id, email


def _measured_benefit(ini, actor, title, last: date):
    if benefits.get_case(ini.id) is None:
        benefits.save_case(ini, {"start_year": 2025, "horizon": 5, "discount_rate": Decimal("0.03"),
                                 "hourly_cost": Decimal(450)}, actor)
    benefit = benefits.save_benefit(ini, {
        "title": title, "kind": "kvalitativ", "beneficiary": "invanare", "direction": "lagre",
        "frequency": "kvartal", "certainty": "trolig", "unit": "dagar", "indicator": "Tid",
        "baseline": Decimal(40), "target": Decimal(20), "baseline_date": date(2025, 1, 1),
        "target_date": date(2027, 12, 31), "owner": "Chef"}, actor)
    db.session.add(Measurement(benefit_id=benefit.id, measured_on=last, value=Decimal(35),
                               created_at=benefit.created_at))
    db.session.commit()


def test_office_start_page_leads_to_the_decision_log(app, page, office, frozen):
    office_id, email = office
    with app.app_context():
        actor = db.session.get(User, office_id)
        ready = make_initiative(actor, title="Ärendehantering bygglov", phase="behovsanalys",
                                need_owner="Chef")
        needs.save(ready, NEEDS, actor, complete=True, expected_version=None)
        risks.set_no_significant_risks(ready, True, "Liten förändring", actor)
        benefits.save_case(ready, {"start_year": 2026, "horizon": 5, "discount_rate": Decimal("0.03"),
                                   "hourly_cost": Decimal(450)}, actor)
        benefits.save_benefit(ready, {"title": "Sparad tid", "kind": "kvalitativ",
                                      "beneficiary": "medarbetare", "direction": "hogre",
                                      "frequency": "ar", "certainty": "trolig",
                                      "indicator": "Nöjdhet", "owner": "Bygglovschef"}, actor)
        running = make_initiative(actor, title="E-arkiv", phase="genomforande", owning_unit="VOF")
        db.session.add(GateOverride(initiative_id=running.id, from_phase="planering",
                                    to_phase="genomforande", missing="funding",
                                    reason="Leverantören avvecklar systemet", user_id=actor.id,
                                    created_at=datetime(2026, 11, 20, 10)))
        db.session.commit()

    log_in(page, email)
    office_section = page.locator("#start-office")
    expect(office_section.locator("#start-ready")).to_contain_text("Ärendehantering bygglov")
    expect(office_section.locator("#start-undecided")).to_contain_text("E-arkiv")
    expect(office_section.locator("#start-overrides")).to_contain_text("Leverantören avvecklar systemet")
    expect(office_section.locator("#start-followups-per-committee")).to_contain_text("Vård- och omsorgsnämnden")
    expect(main_nav(page).get_by_role("link", name="Att göra")).to_have_text("Att göra (1)")
    assert_accessible(page)

    office_section.get_by_role("link", name="Registrera portföljbeslut").click()
    expect(page).to_have_url(re.compile(r"/prioritisation/decisions\?year=2026"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.go_back()
    office_section.get_by_role("link", name="Visa de saknade uppföljningarna").click()
    expect(page.locator("#todo-followup")).to_contain_text("E-arkiv")
    assert_accessible(page)


def test_programme_manager_start_page_and_the_folded_long_past_items(app, page, make_user, office, frozen):
    office_id, _ = office
    _, email = make_user("programme_manager", areas=["stad-landsbygd"])
    with app.app_context():
        actor = db.session.get(User, office_id)
        ini = make_initiative(actor, owning_unit="SBF", primary_area="stad-landsbygd",
                              phase="genomforande", title="Sensorer på livbojar")
        _measured_benefit(ini, actor, "Färre kontrollrundor", TODAY - timedelta(days=100))
        _measured_benefit(ini, actor, "Snabbare larm", TODAY - timedelta(days=300))

    log_in(page, email)
    manager = page.locator("#start-manager")
    expect(manager.locator("#start-manager-items")).to_contain_text("Mät Färre kontrollrundor")
    expect(manager.locator("#start-manager-items")).to_contain_text("Följ upp Sensorer på livbojar")
    expect(manager.locator("#start-manager-items")).not_to_contain_text("Snabbare larm")
    expect(manager.locator("#start-manager-long")).to_contain_text("1 mätning")
    expect(main_nav(page).get_by_role("link", name="Att göra")).to_have_text("Att göra (3)")
    assert_accessible(page)

    # The long-past count opens Att göra, where those items are folded away until asked for.
    manager.get_by_role("link", name="1 mätning").click()
    long_past = page.locator("#todo-measurement-long")
    expect(long_past.locator("summary")).to_have_text("Förfallet mer än 90 dagar: 1 uppgift")
    long_past.locator("summary").click()
    expect(long_past.get_by_role("link", name="Mät Snabbare larm")).to_be_visible()
    expect(page.locator("#todo-measurement-recent")).to_contain_text("Förfallet senaste 30 dagarna")
    assert_accessible(page)

    page.goto("/")
    manager.get_by_role("link", name="Mät Färre kontrollrundor").click()
    expect(page.get_by_text("Förra värdet:")).to_contain_text("35")
    expect(page.locator("#benefit-chart .main-svg").first).to_be_attached(timeout=CHART_TIMEOUT)


def test_editor_start_page_leads_to_the_needs_analysis(app, page, make_user, office, frozen):
    office_id, _ = office
    _, email = make_user("editor", units=["SBN"])
    with app.app_context():
        actor = db.session.get(User, office_id)
        make_initiative(actor, title="Digital detaljplan", owning_unit="SBF", phase="behovsanalys")

    log_in(page, email)
    drafts = page.locator("#start-drafts")
    expect(drafts).to_contain_text("Digital detaljplan")
    expect(drafts).to_contain_text("Saknas för prioriterad")
    expect(drafts.get_by_role("link", name="Nyttokalkyl med minst en nytta")).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Att göra")).to_have_text("Att göra (0)")
    assert_accessible(page)
    drafts.get_by_role("link", name="Skriv behovsanalysen").click()
    expect(page).to_have_url(re.compile(r"/initiatives/\d+/needs$"))
    assert_accessible(page)


def test_viewer_start_page_leads_to_the_report_and_dashboards(page, make_user, frozen):
    _, email = make_user("viewer")
    log_in(page, email)
    viewer = page.locator("#start-viewer")
    expect(viewer.get_by_role("link", name="Årsuppföljning 2025")).to_be_visible()
    expect(viewer.locator("#start-dashboards li").first).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Att göra")).to_have_count(0)
    assert_accessible(page)

    viewer.get_by_role("link", name="Årsuppföljning 2025").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Årsuppföljning 2025",
                                                                  timeout=CHART_TIMEOUT)
    page.go_back()
    viewer.locator("#start-dashboards").get_by_role("link", name="Riskbild").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riskbild", timeout=CHART_TIMEOUT)
    # Att göra is not for readers: the page says so and leads back.
    page.goto("/todo")
    expect(page.locator("#todo-not-for-you")).to_contain_text("Som läsare har du inget att göra här")
    assert_accessible(page)
