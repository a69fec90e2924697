"""Browser (issue #20): an editor writes an idea and sees a similar initiative of another
committee suggested while writing (the page's own script, under the strict CSP); the project
office opens the idea, sees the same initiative among the similar ones and merges the idea into
it; the submitter sees the outcome. axe clean on every page."""

from __future__ import annotations

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.transactions import transaction
from tests.e2e.conftest import assert_accessible, log_in, main_nav
from tests.factories import make_initiative


def test_submit_see_similar_merge_and_see_the_outcome(page, make_user, app):
    office_id, office_email = make_user("portfolio_office")
    _editor_id, editor_email = make_user("editor", units=["KFF"])
    with app.app_context():
        office = db.session.get(User, office_id)
        with transaction():
            ini = make_initiative(office, owning_unit="SEF", phase="behovsanalys",
                                  title="Digital bokning av idrottshallar och lokaler",
                                  description="Föreningar ska kunna boka idrottshallar och samlingslokaler "
                                              "digitalt i stället för att ringa.")
            make_initiative(office, owning_unit="SBF", title="Sensorer på livbojar",
                            description="Larm när en livboj försvinner från badplatsen.")
        ref, title = ini.ref, ini.title
        db.session.remove()

    # The editor: an empty list that says what to do, then the form.
    log_in(page, editor_email)
    main_nav(page).get_by_role("link", name="Idéer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina idéer")
    expect(page.get_by_text("Du har inte lämnat några idéer än")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Lämna en idé").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lämna en idé")
    assert_accessible(page)

    # One pass: every missing field at once.
    page.get_by_role("button", name="Skicka idén").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#title-error")).to_contain_text("Ge idén en kort rubrik.")
    expect(page.locator("#need-error")).to_contain_text("Beskriv behovet.")
    assert_accessible(page)

    # While writing: the similar initiative appears once title and need are filled.
    page.get_by_label("Rubrik").fill("Boka idrottshallar på webben")
    page.get_by_label("Vilket behov finns?").fill(
        "Våra föreningar ringer och mejlar för att boka idrottshallar. Vi vill kunna boka digitalt.")
    region = page.locator("#similar-suggest")
    expect(region.get_by_role("link", name=f"{ref} {title}")).to_be_visible()
    expect(region).to_contain_text("Servicenämnden")
    expect(region).not_to_contain_text("Sensorer på livbojar")
    assert_accessible(page)
    page.get_by_label("Din enhet").select_option(label="Kultur- och fritidsförvaltningen (KFF)")
    page.get_by_role("button", name="Skicka idén").click()
    expect(page.get_by_role("status")).to_contain_text("Idén är skickad")
    expect(page.locator("#idea-status")).to_have_text("Ny")
    idea_url = page.url
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    # The office: the triage list, the idea with its similar initiative, the merge.
    log_in(page, office_email)
    main_nav(page).get_by_role("link", name="Idéer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idéer")
    assert_accessible(page)
    page.get_by_role("link", name="Boka idrottshallar på webben").click()
    similar = page.locator("#idea-similar")
    expect(similar.get_by_role("link", name=f"{ref} {title}")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Initiativ att slå samman med").select_option(value=str(ini.id))
    page.get_by_label("Meddelande till den som lämnade idén (frivilligt)").fill(
        "Servicenämnden gör redan detta – kontakta gärna projektledaren.")
    page.get_by_role("button", name="Slå samman").click()
    expect(page.get_by_role("status")).to_contain_text("Idén är sammanslagen med initiativet.")
    expect(page.locator("#idea-status")).to_have_text("Sammanslagen med ett initiativ")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    # The submitter sees what became of the idea.
    log_in(page, editor_email)
    main_nav(page).get_by_role("link", name="Idéer").click()
    row = page.get_by_role("row", name="Boka idrottshallar på webben")
    expect(row).to_contain_text("Sammanslagen med ett initiativ")
    expect(row.get_by_role("link", name=f"{ref} {title}")).to_be_visible()
    assert_accessible(page)
    page.goto(idea_url)
    outcome = page.locator("#idea-outcome")
    expect(outcome).to_contain_text("sammanslagen med ett initiativ som redan finns")
    expect(outcome).to_contain_text("kontakta gärna projektledaren")
    assert_accessible(page)
