"""The project office follows a row of the ranked view to its score sheet, makes a scoring error
and is taken to a summary that names the criterion and links to the field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives import services as initiative_services
from portfolio.needs import services as needs
from portfolio.prioritisation.models import CriteriaSet, Score
from portfolio.risks import services as risks
from tests.conftest import travel_back, travel_to
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import COMPLETE_NEEDS, make_initiative, source_id

NEEDS = COMPLETE_NEEDS


def scored_initiative(office, title, cost, value, criteria):
    ini = make_initiative(office, title=title, phase="behovsanalys", need_owner="Chef",
                          funding=[initiative_services.FundingInput(
                              2026, source_id("centrala-medel"), Decimal(cost))])
    needs.save(ini, NEEDS, office, complete=True, expected_version=None)
    risks.set_no_significant_risks(ini, True, "Liten förändring", office)
    for c in criteria:
        db.session.add(Score(initiative_id=ini.id, criterion_id=c.id, score=value,
                             motivation=f"Bedömning {value}", scored_by_id=office.id,
                             scored_at=datetime(2026, 11, 20, 10)))
    db.session.commit()
    return ini.id


def test_from_the_ranking_to_a_score_sheet_error_that_names_its_criterion(app, served_app, page, make_user):
    travel_to(date(2026, 11, 27))
    try:
        office_id, email = make_user("portfolio_office")
        with app.app_context():
            office = db.session.get(User, office_id)
            criteria = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == 2026)).criteria
            first = criteria[0]
            first_id, first_name = first.id, first.name
            for title, cost, value in (("E-arkiv", 600000, 5), ("Bokningssystem", 300000, 3)):
                scored_initiative(office, title, cost, value, criteria)

        log_in(page, email)
        page.goto("/prioritisation/?year=2026")
        legend = page.locator("#breakdown-legend")
        expect(legend).to_contain_text(first_name)
        expect(legend.locator(".breakdown__swatch")).to_have_count(len(criteria))
        table = page.locator("#ranking-table")
        expect(table.locator("tbody tr").first).to_contain_text(f"{first_name}: 5")
        assert_accessible(page)

        table.get_by_role("link", name="Ändra poäng Bokningssystem").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Poängsättning 2026: Bokningssystem")
        section = page.locator("fieldset", has_text=first_name)
        section.get_by_label("Poäng", exact=True).select_option(value="4")
        section.get_by_label("Motivering").fill("")
        page.get_by_role("button", name="Spara poäng").click()

        summary = page.locator("#error-summary")
        message = f"{first_name}: Motivera poängen kort."
        expect(summary).to_contain_text(message)
        expect(summary).to_be_focused()
        expect(page.locator(f"#motivation-{first_id}-error")).to_have_text(message)
        assert_accessible(page)
        summary.get_by_role("link", name=message).click()
        expect(page.locator(f"#motivation-{first_id}")).to_be_focused()
        # Nothing was saved: the ranking is as it was.
        page.goto("/prioritisation/?year=2026")
        expect(page.locator("#ranking-table tbody tr").nth(1)).to_contain_text(f"{first_name}: 3")
    finally:
        travel_back()
