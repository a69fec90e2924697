"""The project office scores, ranks, tries a what-if and decides; a viewer sees it openly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.benefits import services as benefits
from portfolio.extensions import db
from portfolio.initiatives import services as initiative_services
from portfolio.needs import services as needs
from portfolio.prioritisation.models import CriteriaSet
from portfolio.risks import services as risks
from tests.conftest import travel_back, travel_to
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import COMPLETE_NEEDS, make_initiative, source_id

NEEDS = COMPLETE_NEEDS


def ready_initiative(office, title, cost):
    ini = make_initiative(office, title=title, phase="behovsanalys", need_owner="Chef",
                          funding=[initiative_services.FundingInput(
                              2026, source_id("centrala-medel"), Decimal(cost))])
    needs.save(ini, NEEDS, office, complete=True, expected_version=None)
    risks.set_no_significant_risks(ini, True, "Liten förändring", office)
    benefits.save_case(ini, {"start_year": 2026, "horizon": 5, "discount_rate": Decimal("0.03"),
                             "hourly_cost": Decimal(450)}, office)
    benefits.save_benefit(ini, {"title": "Nöjdare användare", "kind": "kvalitativ",
                                "beneficiary": "invanare", "direction": "hogre", "frequency": "ar",
                                "certainty": "trolig", "indicator": "NKI", "owner": "Enhetschef"}, office)
    return ini.id


def test_score_rank_what_if_decide_and_publish(app, served_app, page, make_user):
    travel_to(date(2026, 11, 27))
    try:
        office_id, email = make_user("portfolio_office")
        _, viewer = make_user("viewer")
        with app.app_context():
            office = db.session.get(User, office_id)
            db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == 2026)).budget_ceiling = Decimal(1000000)
            db.session.commit()
            for title, cost in (("E-arkiv", 600000), ("Bokningssystem", 300000), ("Chattbot", 400000)):
                ready_initiative(office, title, cost)

        log_in(page, email)
        page.get_by_role("link", name="Prioritering").click()
        expect(page.locator("#unscored-list")).to_contain_text("E-arkiv")
        assert_accessible(page)
        for title, value in (("E-arkiv", "5"), ("Bokningssystem", "4"), ("Chattbot", "2")):
            page.locator("#unscored-list").get_by_role("link", name=title).click()
            selects = page.locator("select[id^=score-]")
            for i in range(selects.count()):
                selects.nth(i).select_option(value=value)
                page.locator("input[id^=motivation-]").nth(i).fill(f"Bedömning {value}")
            assert_accessible(page)
            page.get_by_role("button", name="Spara poäng").click()
            expect(page.get_by_role("status").first).to_contain_text("Poängen är sparade.")

        table = page.locator("#ranking-table")
        expect(table.locator("tbody tr").first).to_contain_text("E-arkiv")
        expect(page.locator("#budget-line")).to_contain_text("Budgettaket")
        expect(page.locator("#bubble-chart .main-svg").first).to_be_attached()
        assert_accessible(page)

        # What-if: a larger ceiling removes the line; nothing is saved.
        page.get_by_text("Vad händer om?").click()
        page.get_by_label("Budgettak (kr)").fill("2 000 000")
        page.get_by_role("button", name="Räkna om").click()
        expect(page.locator("#what-if-banner")).to_be_visible()
        expect(page.locator("#budget-line")).to_have_count(0)
        assert_accessible(page)

        page.get_by_role("link", name="Beslutslogg").click()
        page.locator("label", has_text="E-arkiv").click()
        page.get_by_label("Beslutande organ").select_option(label="Portföljrådet")
        page.get_by_label("Beslut", exact=True).select_option(label="Prioriterad")
        page.get_by_label("Skäl (visas för alla)").fill("Högst poäng, ryms i budget")
        assert_accessible(page)
        page.get_by_role("button", name="Registrera beslut").click()
        expect(page.get_by_role("status").first).to_contain_text("Beslutet är registrerat.")
        expect(page.locator("#decision-list")).to_contain_text("Högst poäng, ryms i budget")

        page.get_by_role("button", name="Logga ut").click()
        log_in(page, viewer)
        page.goto("/prioritisation/transparency?year=2026")
        expect(page.locator("#criteria-table")).to_contain_text("Strategisk koppling")
        expect(page.locator("#ranking-table")).to_contain_text("E-arkiv")
        expect(page.locator("#decision-list")).to_contain_text("Högst poäng, ryms i budget")
        expect(page.locator("#ranking-table")).to_contain_text("Prioriterad")
        assert_accessible(page)
    finally:
        travel_back()
