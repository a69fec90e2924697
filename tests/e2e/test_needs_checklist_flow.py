"""The needs analysis checklist ticks while an editor types; a complete analysis is read-only
with "Ändra"."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative


def test_checklist_ticks_then_complete_is_read_only(app, page, make_user):
    office_id, _ = make_user("portfolio_office")
    _, email = make_user("editor", units=["SBF"])
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), owning_unit="SBF",
                              title="Digital bygglovsansökan", phase="behovsanalys")
        ini_id = ini.id
    log_in(page, email)
    page.goto(f"/initiatives/{ini_id}/needs")

    checklist = page.locator("#needs-checklist")
    summary = checklist.locator("[data-needs-summary]")
    problem = checklist.locator('[data-needs-field="problem"]')
    expect(checklist.get_by_role("heading")).to_have_text(
        "Det här krävs för att markera behovsanalysen som klar")
    expect(summary).to_have_text("0 av 12 krav uppfyllda")
    expect(problem).to_contain_text("Saknas")
    expect(problem.get_by_role("link", name="Problemet eller behovet är beskrivet")).to_be_visible()
    assert_accessible(page)

    # One field filled: its item ticks on the page as it is, without a reload.
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Problem eller behov").fill("Bygglov söks på papper och kompletteras ofta.")
    expect(problem).to_contain_text("Klart")
    expect(problem).to_have_class(re.compile(r"needs-checklist__item--done"))
    expect(problem.get_by_role("link")).to_have_count(0)
    expect(summary).to_have_text("1 av 12 krav uppfyllda")
    assert page.evaluate("window.__sameDocument") is True
    assert_accessible(page)

    # Answering yes to digital inclusion makes its description a requirement.
    inclusion_how = checklist.locator('[data-needs-field="inclusion_how"]')
    expect(inclusion_how).to_contain_text("Behövs inte")
    page.locator("fieldset#inclusion_considered").get_by_label("Ja").check()
    expect(inclusion_how).to_contain_text("Saknas")
    expect(summary).to_have_text("2 av 13 krav uppfyllda")

    for label, text in [("Målgrupper", "Privatpersoner"),
                        ("Hur behoven har fångats (från golvet)", "Intervjuer med handläggare"),
                        ("Vilka användare, invånare eller elever har involverats tidigt", "Tio sökande"),
                        ("Hur de har involverats", "Test av prototyp"),
                        ("Hur digital inkludering har beaktats", "Stöd i kontaktcenter"),
                        ("Nuläge", "Papper"), ("Önskat läge", "E-tjänst"),
                        ("Alternativ som har övervägts", "Behålla papper")]:
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("När de involverades").fill("2025-03-01")
    page.get_by_label("Informationssäkerhetsklass").select_option(label="Medel (K2)")
    page.get_by_label("Behövs en konsekvensbedömning (DPIA)?").select_option(label="Nej")
    expect(summary).to_have_text("13 av 13 krav uppfyllda")
    expect(checklist.get_by_text("Saknas")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Spara och markera som klar").click()
    expect(page.get_by_role("status")).to_contain_text("markerad som klar")
    change = page.get_by_role("link", name="Ändra", exact=True)
    expect(change).to_be_visible()
    expect(page.locator("#needs-form")).to_have_count(0)
    expect(page.get_by_role("heading", name="Tidig involvering och digital inkludering")).to_be_visible()
    expect(page.locator("#needs-read")).to_contain_text("Bygglov söks på papper och kompletteras ofta.")
    assert_accessible(page)

    change.click()
    expect(page.get_by_label("Problem eller behov")).to_have_value(
        "Bygglov söks på papper och kompletteras ofta.")
    expect(summary).to_have_text("13 av 13 krav uppfyllda")
    assert_accessible(page)
