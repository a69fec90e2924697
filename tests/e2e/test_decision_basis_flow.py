"""Write a decision basis in the browser and take an initiative through a phase gate."""

from __future__ import annotations

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative


def test_needs_risks_case_and_gate(app, page, make_user):
    office_id, _ = make_user("portfolio_office")
    _, email = make_user("editor", units=["SBN"])
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), owning_unit="SBF",
                              title="Digital bygglovsansökan", phase="behovsanalys",
                              start_date=None)
        ini_id = ini.id
    log_in(page, email)
    page.goto(f"/initiatives/{ini_id}")
    expect(page.locator("#missing-next")).to_contain_text("Behovsanalysen är markerad som klar")
    assert_accessible(page)

    # A gate refuses the move and lists what is missing.
    page.get_by_label("Ny fas").select_option(label="Prioriterad")
    page.get_by_role("button", name="Byt fas").click()
    expect(page.locator("#gate-missing")).to_contain_text("Riskanalys")
    assert_accessible(page)

    # Needs analysis: complete it.
    page.get_by_role("navigation", name="Beslutsunderlag").get_by_role("link", name="Behovsanalys").click()
    assert_accessible(page)
    page.get_by_label("Problem eller behov").fill("Bygglov söks på papper och kompletteras ofta.")
    page.get_by_role("button", name="Spara och markera som klar").click()
    expect(page.locator("#error-summary")).to_be_visible()   # required fields enforced
    assert_accessible(page)
    for label, text in [("Målgrupper", "Privatpersoner"),
                        ("Hur behoven har fångats (från golvet)", "Intervjuer med handläggare"),
                        ("Vilka användare, invånare eller elever har involverats tidigt", "Tio sökande"),
                        ("Hur de har involverats", "Test av prototyp"),
                        ("Hur digital inkludering har beaktats", "Stöd i kontaktcenter"),
                        ("Nuläge", "Papper"), ("Önskat läge", "E-tjänst"),
                        ("Alternativ som har övervägts", "Behålla papper")]:
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("När de involverades").fill("2025-03-01")
    page.locator("fieldset", has_text="Har digital inkludering beaktats?").get_by_label("Ja").check()
    page.get_by_label("Informationssäkerhetsklass").select_option(label="Medel (K2)")
    page.get_by_label("Behövs en konsekvensbedömning (DPIA)?").select_option(label="Nej")
    page.get_by_role("button", name="Spara och markera som klar").click()
    expect(page.get_by_role("status")).to_contain_text("markerad som klar")

    # Two risks, one above the acceptable level.
    page.get_by_role("link", name="Riskanalys").click()
    for title, p, c in (("Leverantören blir sen", "4", "4"), ("Låg användning", "2", "2")):
        page.get_by_role("link", name="Lägg till risk").click()
        page.get_by_label("Rubrik").fill(title)
        page.get_by_label("Kategori").select_option(label="Leverantör och upphandling")
        page.get_by_label("Sannolikhet (1–5)").fill(p)
        page.get_by_label("Konsekvens (1–5)").fill(c)
        assert_accessible(page)
        page.get_by_role("button", name="Spara risk").click()
    expect(page.get_by_role("alert")).to_contain_text("1 risk över acceptabel nivå saknar åtgärd")
    expect(page.locator("#matrix-before")).to_be_visible()
    assert_accessible(page)

    # A small benefit case.
    page.get_by_role("link", name="Nyttokalkyl").click()
    page.get_by_label("Startår (år 0)").fill("2026")
    page.get_by_role("button", name="Skapa nyttokalkyl").click()
    page.get_by_label("Belopp per år (kr)").fill("600 000")
    page.get_by_role("button", name="Lägg till kostnad").click()
    page.get_by_role("link", name="Lägg till nytta").click()
    page.locator("#title").fill("Frigjord handläggartid")
    page.get_by_label("Typ av nytta").select_option(label="Omfördelning (frigjord tid)")
    page.get_by_label("Första år med nytta").fill("2027")
    page.get_by_label("Sista år med nytta").fill("2030")
    page.get_by_label("Volym per år (antal tillfällen)").fill("2000")
    page.get_by_label("Sparade minuter per tillfälle").fill("60")
    assert_accessible(page)
    page.get_by_role("button", name="Spara nytta").click()
    expect(page.locator("#kpi-reallocation")).to_contain_text("3\u00a0600\u00a0000")
    expect(page.locator("#case-years")).to_contain_text("2030")
    assert_accessible(page)

    # The gate still refuses: the benefit has no owner.
    page.get_by_role("link", name="Översikt").click()
    page.get_by_label("Ny fas").select_option(label="Prioriterad")
    page.get_by_role("button", name="Byt fas").click()
    expect(page.locator("#gate-missing")).to_contain_text("Varje nytta har en nyttoägare")

    # Fix it and pass the gate.
    page.get_by_role("link", name="Nyttokalkyl").click()
    page.get_by_role("link", name="ändra Frigjord handläggartid").click()
    page.get_by_label("Nyttoägare (linjechef som äger nyttan efter projektet)").fill("Bygglovschef")
    page.get_by_role("button", name="Spara nytta").click()
    page.get_by_role("link", name="Översikt").click()
    # The documents are complete; what is left is a portfolio decision that names it.
    expect(page.locator("#missing-next li")).to_have_text(
        ["Ett portföljbeslut som prioriterar initiativet är registrerat"])
    with app.app_context():   # the portfolio board decides (the decision form has its own test)
        from datetime import date, datetime

        from portfolio.initiatives.models import Initiative
        from portfolio.prioritisation.models import PortfolioDecision
        db.session.add(PortfolioDecision(
            year=date.today().year, body="portfoljrad", decided_on=date.today(), decision="prioriterad",
            reason="Tydligt behov", created_at=datetime.now(), initiatives=[db.session.get(Initiative, ini_id)]))
        db.session.commit()
    page.reload()
    expect(page.get_by_text("Underlaget räcker för nästa fas (Prioriterad).")).to_be_visible()
    page.get_by_label("Ny fas").select_option(label="Prioriterad")
    page.get_by_role("button", name="Byt fas").click()
    expect(page.get_by_role("status")).to_contain_text("Fasen är ändrad.")
    expect(page.locator(".phase").first).to_have_text("Prioriterad")

    page.get_by_role("link", name="Beslutsdokument", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beslutsunderlag")
    assert_accessible(page)
