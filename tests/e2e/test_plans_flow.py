"""The project office registers a plan, links an initiative to a goal and closes a
recommendation; the matrix shows it."""

from __future__ import annotations

from playwright.sync_api import expect

from portfolio.audits import services as audits
from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative, unit_id


def test_office_registers_plan_links_goal_and_updates_recommendation(app, page, make_user):
    office_id, email = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        make_initiative(office, owning_unit="KFF", primary_area="service",
                        title="Digital ansökan om föreningsstöd")
        audit = audits.save_audit({"title": "Granskning av kommunens digitaliseringsarbete"}, office)
        audits.add_recommendation(audit, {
            "code": "R7", "text": "Upprätta och fastställa plan för digital transformation",
            "committee_ids": [unit_id("KFN")]}, office)
    log_in(page, email)
    page.get_by_role("link", name="Planer").click()
    row = page.locator("#plan-status tr", has_text="Kultur- och fritidsnämnden")
    expect(row).to_contain_text("Saknas")
    assert_accessible(page)

    row.get_by_role("link", name="Kultur- och fritidsnämnden").click()
    page.get_by_label("Titel").fill("Kultur- och fritidsnämndens plan för digital transformation 2026–2027")
    page.get_by_label("Status").select_option(label="Beslutad")
    page.get_by_label("Period från (år)").fill("2026")
    page.get_by_label("Period till (år)").fill("2025")       # wrong on purpose
    page.get_by_label("Beslutsdatum").fill("2026-03-20")
    page.get_by_label("Diarienummer").fill("KFN/2026:12")
    page.get_by_role("button", name="Registrera plan").click()
    expect(page.locator("#period_end-error")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Period till (år)").fill("2027")
    page.get_by_role("button", name="Registrera plan").click()
    expect(page.get_by_role("status")).to_contain_text("Planen är registrerad.")
    assert_accessible(page)

    page.locator("#text").fill("Enklare att söka föreningsstöd digitalt")
    page.get_by_label("Prioriterat område").select_option(label="Självklar service")
    page.get_by_role("button", name="Lägg till mål").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enklare att söka föreningsstöd")
    assert_accessible(page)

    page.get_by_role("link", name="Initiativ", exact=True).first.click()
    page.get_by_role("link", name="Digital ansökan om föreningsstöd").click()
    page.get_by_label("Koppla till mål").select_option(index=0)
    page.get_by_role("button", name="Koppla", exact=True).click()
    expect(page.locator("#plan-goals")).to_contain_text("KFN: Enklare att söka föreningsstöd digitalt")
    assert_accessible(page)

    page.get_by_role("link", name="Planer").click()
    row = page.locator("#plan-status tr", has_text="Kultur- och fritidsnämnden")
    expect(row).to_contain_text("Beslutad")
    expect(row).to_contain_text("KFN/2026:12")
    expect(page.locator("#plan-matrix tr", has_text="KFN")).to_contain_text("1")

    page.get_by_role("link", name="Revision").first.click()
    page.get_by_role("link", name="Granskning av kommunens digitaliseringsarbete").click()
    page.get_by_role("link", name="Kultur- och fritidsnämnden").click()
    page.get_by_label("Status").select_option(label="Genomförd")
    page.get_by_role("button", name="Spara svar").click()
    expect(page.locator("#evidence-error")).to_be_visible()
    page.get_by_label("Underlag (länk eller text)").fill("Planen beslutad 2026-03-20, KFN/2026:12")
    page.get_by_role("button", name="Spara svar").click()
    expect(page.get_by_role("status")).to_contain_text("Svaret är sparat.")
    expect(page.locator("main")).to_contain_text("Planen beslutad 2026-03-20")
    assert_accessible(page)
