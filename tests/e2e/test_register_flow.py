"""A user's whole path through the register in a real browser, with axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative


def test_create_with_errors_fix_filter_change_phase_history(page, make_user):
    _, email = make_user("editor", units=["SBN"])
    log_in(page, email)
    assert_accessible(page)  # the start page
    page.goto("/initiatives/")
    assert_accessible(page)  # the empty register

    page.get_by_role("link", name="Nytt initiativ").click()
    assert_accessible(page)
    # First attempt: no title, end before start, a word where a number belongs.
    page.get_by_label("Startdatum").fill("2026-03-01")
    page.get_by_label("Slutdatum").fill("2026-01-01")
    page.locator("#funding-0-amount").fill("många kronor")
    page.get_by_role("button", name="Spara").click()
    # Every problem at once (one pass), in a summary that takes focus and links to each field.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#title-error")).to_contain_text("Ange en titel.")
    expect(page.locator("#funding-0-amount-error")).to_contain_text("Ange ett tal")
    expect(page.locator("#owning_unit-error")).to_contain_text("Välj ägande enhet.")
    expect(page.locator("#primary_area-error")).to_contain_text("Välj ett prioriterat område.")
    expect(page.locator("#end_date-error")).to_contain_text("Slutdatum kan inte vara före startdatum.")
    for field_id in ("title", "owning_unit", "primary_area", "end_date", "funding-0-amount"):
        expect(summary.locator(f'a[href="#{field_id}"]')).to_have_count(1)
    expect(page.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")
    summary.locator('a[href="#owning_unit"]').click()
    expect(page.get_by_label("Ägande enhet")).to_be_focused()
    assert_accessible(page)  # the form with errors

    page.get_by_label("Titel").fill("Digital bygglovsansökan")
    page.get_by_label("Ägande enhet").select_option(label="Stadsbyggnadsförvaltningen (SBF)")
    page.get_by_label("Primärt prioriterat område").select_option(label="Självklar service")
    page.locator("#funding-0-year").fill("2026")
    page.locator("#funding-0-source").select_option(label="Centrala digitaliseringsmedel")
    page.locator("#funding-0-amount").fill("250 000")
    page.get_by_label("Slutdatum").fill("2026-12-31")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Digital bygglovsansökan")
    expect(page.get_by_role("status")).to_contain_text("Initiativet är sparat.")
    assert_accessible(page)

    # Find it with filters; the filters stay in the URL.
    page.get_by_role("link", name="Initiativ", exact=True).first.click()
    page.get_by_label("Sök").fill("bygglov")
    page.get_by_label("Fas").select_option(label="Idé")
    page.get_by_role("button", name="Filtrera").click()
    expect(page).to_have_url(re.compile(r"q=bygglov.*phase=ide"))
    expect(page.get_by_role("link", name="Digital bygglovsansökan")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Digital bygglovsansökan").click()

    # Change phase with a comment, then see it in the history.
    page.get_by_label("Ny fas").select_option(label="Behovsanalys")
    page.get_by_label("Skäl", exact=True).fill("Behovet är bekräftat")
    page.get_by_role("button", name="Byt fas").click()
    expect(page.get_by_role("status")).to_contain_text("Fasen är ändrad.")
    history = page.locator("section", has=page.get_by_role("heading", name="Historik"))
    expect(history).to_contain_text("Bytte fas")
    expect(history).to_contain_text("Behovet är bekräftat")
    expect(history).to_contain_text("Skapade")
    assert_accessible(page)


def test_script_in_a_title_is_shown_as_text(app, page, make_user):
    office_id, email = make_user("portfolio_office")
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    with app.app_context():
        make_initiative(db.session.get(User, office_id), title=evil, description=evil)
    log_in(page, email)
    page.goto("/initiatives/")
    expect(page.get_by_role("link", name=evil)).to_be_visible()
    page.get_by_role("link", name=evil).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(evil)
    assert page.dialogs == []
    assert_accessible(page)


def test_error_pages_and_login_failure(page, make_user):
    _, email = make_user("viewer")
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("Fel e-postadress eller lösenord.")
    assert_accessible(page)
    log_in(page, email)
    response = page.goto("/initiatives/new")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_contain_text("Åtkomst nekad")
    assert_accessible(page)
    response = page.goto("/initiatives/123456")
    assert response.status == 404
    assert_accessible(page)
