"""In the browser: demo logins on the login page, the live risk score, and the follow-up form
proposing the next period after a save."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative

TODAY = date(2026, 11, 27)
EMPTY = "ange sannolikhet och konsekvens (1–5)"



@pytest.fixture
def demo_mode(served_app):
    served_app.config["DEMO"] = True
    yield
    served_app.config["DEMO"] = False


def test_demo_login_page_lists_the_demo_logins(page, demo_mode):
    page.goto("/login")
    hint = page.get_by_role("region", name="Demoinloggningar")
    expect(hint).to_contain_text("admin@exempel.se")
    expect(hint).to_contain_text("demo-losenord")
    assert_accessible(page)


def test_risk_score_follows_the_choices_and_follow_up_proposes_the_next_period(
        app, page, make_user, frozen):
    office_id, email = make_user("portfolio_office")
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), owning_unit="SBF",
                              primary_area="stad-landsbygd", phase="genomforande",
                              title="Sensorer på livbojar").id
    log_in(page, email)

    # The risk form: the score and its band, before and after mitigation, as the user chooses.
    page.goto(f"/initiatives/{ini}/risks/new")
    before, after = page.locator("#score-before"), page.locator("#score-after")
    expect(before).to_have_attribute("aria-live", "polite")
    expect(before).to_contain_text(EMPTY)
    page.get_by_label("Rubrik").fill("Leverantören hinner inte")
    page.get_by_label("Sannolikhet (1–5)").fill("3")
    expect(before).to_contain_text(EMPTY)                    # one of two is not a score
    page.get_by_label("Konsekvens (1–5)").fill("4")
    expect(before).to_contain_text("12 (Hög)")
    page.get_by_label("Sannolikhet (1–5)").fill("5")
    expect(before).to_contain_text("20 (Kritisk)")
    expect(before.locator(".band-kritisk")).to_be_visible()
    page.get_by_label("Sannolikhet efter åtgärd").fill("2")
    page.get_by_label("Konsekvens efter åtgärd").fill("2")
    expect(after).to_contain_text("4 (Låg)")
    page.get_by_label("Konsekvens efter åtgärd").fill("9")   # outside the scale
    expect(after).to_contain_text(EMPTY)
    page.get_by_label("Konsekvens efter åtgärd").fill("3")
    expect(after).to_contain_text("6 (Medel)")
    assert_accessible(page)
    page.get_by_role("button", name="Spara risk").click()
    expect(page.locator("#risk-table")).to_contain_text("Leverantören hinner inte")
    expect(page.locator("#matrix-after td.band-medel strong")).to_have_text("1")

    # Editing shows the saved values' score straight away (rendered by the server).
    page.get_by_role("link", name="Leverantören hinner inte").click()
    expect(page.locator("#score-before")).to_contain_text("20 (Kritisk)")
    expect(page.locator("#score-after")).to_contain_text("6 (Medel)")

    # Follow-up: after saving a period, the form proposes the next one without a follow-up.
    page.goto(f"/initiatives/{ini}/followups")
    expect(page.get_by_role("spinbutton", name="År", exact=True)).to_have_value("2026")
    expect(page.get_by_role("combobox", name="Period", exact=True)).to_have_value("delar")
    page.get_by_label("Grön – enligt plan").check()
    page.get_by_label("Färdigt (%)").fill("40")
    page.get_by_role("button", name="Spara uppföljning").click()
    expect(page.locator("#followup-table")).to_contain_text("Delår 2026")
    expect(page.get_by_role("spinbutton", name="År", exact=True)).to_have_value("2026")
    expect(page.get_by_role("combobox", name="Period", exact=True)).to_have_value("helar")
    assert_accessible(page)
