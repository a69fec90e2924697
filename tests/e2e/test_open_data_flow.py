"""The project office publishes an initiative as open data in a real browser: the personal-data
warning at the top, the confirm step, then the initiative in the anonymous JSON; the review list
of what awaits review. axe on the initiative page (with the warning) and the review page."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative


def test_office_reviews_confirms_and_publishes(app, page, make_user):
    office_id, email = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        ini = make_initiative(office, title="Lokalbokning för föreningar", phase="ide",
                              description="Förslag från en invånare (811218-9876), nås på 070-123 45 67.")
        make_initiative(office, title="E-arkiv", phase="ide", description="Ett gemensamt e-arkiv.")
        ini_id, ref = ini.id, ini.ref
    log_in(page, email)

    # The review list: both wait, the one with personal data is flagged.
    page.goto("/initiatives/")
    page.get_by_role("link", name="Granska initiativ för öppna data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska för öppna data")
    table = page.locator("#awaiting-review")
    expect(table.get_by_role("row").filter(has_text="Lokalbokning")).to_contain_text("personnummer, telefonnummer")
    expect(table.get_by_role("row").filter(has_text="E-arkiv")).to_contain_text("Inga hittade")
    assert_accessible(page)

    table.get_by_role("link", name="Lokalbokning för föreningar").click()
    section = page.locator("#open-data")
    expect(section.locator("#open-data-status")).to_contain_text("Inte publicerad")
    section.get_by_role("button", name="Markera som publicerbar").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Texten kan innehålla personuppgifter")
    expect(summary).to_contain_text("Beskrivning: personnummer ”811218-9876”")
    expect(summary).to_contain_text("Beskrivning: telefonnummer ”070-123 45 67”")
    assert_accessible(page)
    assert _open_data(page) == [], "nothing is published before the office confirms"

    page.get_by_label("Jag har granskat texten och den får publiceras som öppna data").check()
    page.get_by_role("button", name="Markera som publicerbar").click()
    expect(page.get_by_text("Initiativet är markerat som publicerbart och finns nu i öppna data.")).to_be_visible()
    expect(page.locator("#open-data-status")).to_contain_text("Publicerad")
    expect(page.locator("#open-data")).to_contain_text(page.locator(".user-menu__name").inner_text().split(" (")[0])
    expect(page.get_by_role("button", name="Ta bort från öppna data")).to_be_visible()
    assert_accessible(page)

    [item] = _open_data(page)
    assert item["ref"] == ref and item["published"]
    page.goto(f"/initiatives/{ini_id}")
    page.get_by_role("button", name="Ta bort från öppna data").click()
    expect(page.get_by_text("Initiativet är borttaget från öppna data.")).to_be_visible()
    assert _open_data(page) == []


def _open_data(page) -> list[dict]:
    response = page.request.get("/open-data/initiatives.json")
    assert response.ok
    return json.loads(response.text())["initiatives"]
