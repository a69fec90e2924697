"""The 2022 report and the audit page with the demo's audit: 2022 as it stood on 31 December
(no answers yet, question 2 over the seven audited committees in the audit's wording), the audit's
committees, questions, an extended deadline and demo marks; every page axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in

Q2 = "Har nämnderna beslutat om mål- och handlingsplaner som styr i riktning mot digitaliseringsstrategin?"


@pytest.mark.usefixtures("demo_data")
def test_report_2022_and_audit_page_show_the_audit_as_it_was(app, page, make_user):
    _, email = make_user("portfolio_office")
    log_in(page, email)

    page.goto("/reports/ks/2022")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Årsuppföljning 2022")
    questions = page.locator("section", has=page.get_by_role("heading", name="Revisionens åtta frågor"))
    q2 = questions.locator(".report-panel", has=page.get_by_role("heading", name="2. Har nämnderna beslutat planer?"))
    expect(q2).to_contain_text(Q2)
    expect(q2).to_contain_text("3 av 7 nämnder har en beslutad plan")
    expect(page.locator("main")).to_contain_text("Läget 2022: 0 av 28 svar på rekommendationer var lämnade")
    assert_accessible(page)

    # Evidence: question 2's row for Kommunstyrelsen leads to exactly the plan it had in 2022
    # (decided 2022-03-15, KSKF/2021:336), not to today's plan or a generic list.
    q2.get_by_role("link", name="Kommunstyrelsen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kommunstyrelsens plan för digital transformation 2022–2023")
    expect(page.locator("main")).to_contain_text("KSKF/2021:336")
    assert_accessible(page)
    # Question 3's count for one committee leads to the initiatives counted for it in 2022.
    page.goto("/reports/ks/2022")
    q3 = page.locator(".report-panel", has=page.get_by_role("heading", name="3. ", exact=False)).first
    q3.locator("tbody tr").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Underlag för fråga 3")
    expect(page.locator("main")).to_contain_text("räknades 2022")
    assert_accessible(page)

    page.goto("/audits/")
    page.get_by_role("link", name="Granskning av kommunens digitaliseringsarbete").click()
    scope = page.locator("#scope")
    expect(scope.get_by_role("listitem")).to_have_count(7)
    expect(scope).not_to_contain_text("Servicenämnden")
    expect(page.locator("#question-2")).to_contain_text(Q2)
    kfn = page.locator("tr", has=page.get_by_role("link", name="Kultur- och fritidsnämnden")).first
    expect(kfn).to_contain_text("svarstid till 2023-03-24")
    expect(kfn).to_contain_text("demodata")          # the meeting date is not in the source
    assert_accessible(page)

    kfn.get_by_role("link", name="Kultur- och fritidsnämnden").click()
    expect(page.locator("#status-history")).to_contain_text("2023-03-23")
    expect(page.locator("#answer")).to_contain_text("förlängd svarstid")
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name="Ändra granskningen").click()
    scope_boxes = page.get_by_role("group", name="Granskningen omfattar").get_by_role("checkbox", checked=True)
    expect(scope_boxes).to_have_count(7)
    assert_accessible(page)
