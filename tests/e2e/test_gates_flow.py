"""Gates that follow decisions, in a real browser: a refused gate is read at the top of the page
without scrolling, with a link to each missing piece; the decision form says per initiative what
will happen before anything is recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives import services as initiative_services
from portfolio.needs import services as needs
from portfolio.risks import services as risks
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import COMPLETE_NEEDS, make_initiative, source_id

NEEDS = COMPLETE_NEEDS


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight && r.height > 0; }""", selector)


def test_refused_gate_is_at_the_top_with_links(app, page, make_user):
    office_id, email = make_user("portfolio_office")
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), title="Digital bygglovsansökan",
                              phase="behovsanalys")
        ini_id = ini.id
    log_in(page, email)
    page.goto(f"/initiatives/{ini_id}")
    page.get_by_label("Ny fas").select_option(label="Prioriterad")
    page.get_by_role("button", name="Byt fas").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Fasen kunde inte bytas")
    assert _in_viewport(page, "#error-summary"), "the refusal must be seen without scrolling"
    decision_link = summary.get_by_role("link", name="Ett portföljbeslut som prioriterar initiativet är registrerat")
    expect(decision_link).to_be_visible()
    expect(summary.get_by_role("link", name="Behovsanalysen är markerad som klar")).to_have_attribute(
        "href", f"/initiatives/{ini_id}/needs")
    assert_accessible(page)
    # Reloading the refused POST's address is no dead end.
    page.goto(f"/initiatives/{ini_id}/phase")
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital bygglovsansökan")
    decision_link_href = f"/prioritisation/decisions?year={date.today().year}"
    page.goto(decision_link_href)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beslutslogg")


def test_decision_preview_then_record_moves_through_the_gate(app, page, make_user):
    office_id, email = make_user("portfolio_office")
    year = date.today().year
    with app.app_context():
        office = db.session.get(User, office_id)
        funding = [initiative_services.FundingInput(year, source_id("centrala-medel"), Decimal(100000))]
        ready = make_initiative(office, title="E-arkiv", phase="behovsanalys", need_owner="Chef",
                                funding=funding)
        needs.save(ready, NEEDS, office, complete=True, expected_version=None)
        risks.set_no_significant_risks(ready, True, "Liten förändring", office)
        from portfolio.benefits import services as benefits
        benefits.save_case(ready, {"start_year": year, "horizon": 5, "discount_rate": Decimal("0.03"),
                                   "hourly_cost": Decimal(450)}, office)
        benefits.save_benefit(ready, {"title": "Sparad tid", "kind": "kvalitativ", "beneficiary": "medarbetare",
                                      "direction": "hogre", "frequency": "ar", "certainty": "trolig",
                                      "indicator": "Nöjdhet", "owner": "Arkivchef"}, office)
        make_initiative(office, title="Chattbot", phase="behovsanalys")
        ready_id = ready.id
    log_in(page, email)
    page.goto(f"/prioritisation/decisions?year={year}")
    expect(page.get_by_text("till Prioriterad saknas:")).to_be_visible()        # Chattbot's note
    page.get_by_label("E-arkiv", exact=False).check()
    page.get_by_label("Chattbot", exact=False).check()
    page.get_by_label("Beslut", exact=True).select_option(label="Prioriterad")
    page.get_by_label("Skäl (visas för alla)").fill("Högst poäng")
    page.get_by_role("button", name="Visa vad som händer").click()
    preview = page.locator("#decision-preview")
    expect(preview.locator("tr", has_text="E-arkiv")).to_contain_text("Flyttas till Prioriterad")
    expect(preview.locator("tr", has_text="Chattbot")).to_contain_text("Kan inte flyttas")
    assert_accessible(page)
    page.get_by_role("button", name="Registrera beslut").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Inget är sparat")
    page.get_by_label("Chattbot", exact=False).uncheck()
    page.get_by_role("button", name="Registrera beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är registrerat.")
    assert_accessible(page)
    page.goto(f"/initiatives/{ready_id}")
    expect(page.locator(".phase").first).to_have_text("Prioriterad")
    expect(page.locator("#portfolio-decisions")).to_contain_text("Högst poäng")
    assert_accessible(page)
