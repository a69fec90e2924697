"""A programledare works through Att göra: an overdue measurement and a missing follow-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.benefits import services as benefit_services
from portfolio.extensions import db
from portfolio.followups.models import Measurement
from tests.e2e.conftest import CHART_TIMEOUT, assert_accessible, log_in, main_nav
from tests.factories import make_initiative

TODAY = date(2026, 11, 27)



def test_programme_manager_clears_att_gora(app, page, make_user, frozen):
    office_id, _ = make_user("portfolio_office")
    _, email = make_user("programme_manager", areas=["stad-landsbygd"])
    with app.app_context():
        office = db.session.get(User, office_id)
        ini = make_initiative(office, owning_unit="SBF", primary_area="stad-landsbygd",
                              phase="genomforande", title="Sensorer på livbojar")
        benefit_services.save_case(ini, {"start_year": 2025, "horizon": 5,
                                         "discount_rate": Decimal("0.03"),
                                         "hourly_cost": Decimal(450)}, office)
        benefit = benefit_services.save_benefit(ini, {
            "title": "Färre manuella kontrollrundor", "kind": "omfordelning",
            "beneficiary": "medarbetare", "direction": "lagre", "frequency": "kvartal",
            "certainty": "trolig", "first_year": 2026, "last_year": 2029, "volume": Decimal(200),
            "minutes_saved": Decimal(45), "realisation_share": Decimal(100), "unit": "rundor/år",
            "indicator": "Kontrollrundor", "baseline": Decimal(200), "target": Decimal(50),
            "baseline_date": date(2025, 1, 1), "target_date": date(2027, 12, 31),
            "owner": "Enhetschef park"}, office)
        # Quarterly: the next measurement was due 2026-11-15, twelve days before TODAY.
        db.session.add(Measurement(benefit_id=benefit.id, measured_on=date(2026, 8, 15),
                                   value=Decimal(170), created_at=benefit.created_at))
        db.session.commit()

    log_in(page, email)
    # The start page shows the programledare's overdue work; the menu counts the whole list.
    expect(page.locator("#start-manager")).to_contain_text("Mät Färre manuella kontrollrundor")
    expect(main_nav(page).get_by_role("link", name="Att göra")).to_have_text("Att göra (2)")
    assert_accessible(page)
    main_nav(page).get_by_role("link", name="Att göra").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    measurements = page.locator("#todo-measurement")
    expect(measurements).to_contain_text("Färre manuella kontrollrundor")
    expect(measurements).to_contain_text("försenad")
    expect(page.locator("#todo-followup")).to_contain_text("Sensorer på livbojar")
    assert_accessible(page)

    # The overdue measurement: one form, previous value shown, chart updates.
    measurements.get_by_role("link", name="Mät Färre manuella kontrollrundor").click()
    expect(page.get_by_text("Förra värdet:")).to_contain_text("170")
    chart = page.locator("#benefit-chart")
    expect(chart.locator(".main-svg").first).to_be_attached(timeout=CHART_TIMEOUT)
    points = chart.locator(".scatterlayer .trace").last.locator("path.point")
    expect(points).to_have_count(1, timeout=CHART_TIMEOUT)
    assert_accessible(page)
    page.get_by_label("Uppmätt värde").fill("140")
    page.get_by_label("Uppmätt värde").press("Enter")       # keyboard is enough
    expect(page.get_by_role("status")).to_contain_text("Mätningen är sparad.")
    expect(page.locator("#measurement-table")).to_contain_text("140")
    expect(page.locator("#benefit-chart .scatterlayer .trace").last.locator("path.point")).to_have_count(
        2, timeout=CHART_TIMEOUT)
    expect(page.locator("#share-realised")).to_contain_text("40 %")
    expect(main_nav(page).get_by_role("link", name="Att göra")).to_have_text("Att göra (1)")

    # The missing follow-up for delår 2026.
    main_nav(page).get_by_role("link", name="Att göra").click()
    expect(page.locator("#todo-measurement")).not_to_contain_text("Färre manuella kontrollrundor")
    page.locator("#todo-followup").get_by_role("link", name="Följ upp Sensorer på livbojar").click()
    page.get_by_label("Gul – avvikelse som hanteras").check()
    page.get_by_label("Färdigt (%)").fill("55")
    page.get_by_role("button", name="Spara uppföljning").click()
    expect(page.locator("#comment-error")).to_contain_text("Förklara varför")
    assert_accessible(page)
    page.get_by_label("Kommentar (krävs om status inte är grön)").fill("Leverantören är sen")
    page.get_by_role("button", name="Spara uppföljning").click()
    expect(page.locator("#followup-table")).to_contain_text("Leverantören är sen")
    assert_accessible(page)
    main_nav(page).get_by_role("link", name="Att göra").click()
    expect(page.locator("#todo-followup")).not_to_contain_text("Sensorer på livbojar")
    expect(main_nav(page).get_by_role("link", name="Att göra")).to_have_text("Att göra (0)")
    assert_accessible(page)
