"""A KS member opens every dashboard, changes a filter, sees charts and tables; the exported
yearly report renders with networking disabled."""

from __future__ import annotations

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative


def test_ks_viewer_reads_every_dashboard(app, page, make_user, browser, tmp_path):
    office_id, _ = make_user("portfolio_office")
    _, viewer = make_user("viewer")
    with app.app_context():
        office = db.session.get(User, office_id)
        for title, unit, area, phase in (("Digital bygglovsansökan", "SBF", "service", "genomforande"),
                                         ("Sensorer på livbojar", "SBF", "stad-landsbygd", "planering"),
                                         ("Trygghetskameror", "VOF", "valfard", "avslutad")):
            make_initiative(office, title=title, owning_unit=unit, primary_area=area, phase=phase)
    log_in(page, viewer)
    page.get_by_role("link", name="Uppföljning KS").click()
    links = page.locator(".dashboard-list h2 a")
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert len(names) >= 7
    assert_accessible(page)
    for name in names:
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        if page.locator(".chart__plot").count():
            expect(page.locator(".chart__plot .main-svg").first).to_be_attached()
        details = page.locator(".table-alternative").first
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        expect(details.locator("table")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Uppföljning för KS").click()

    # Filters live in the URL.
    page.get_by_role("link", name="Portföljöversikt", exact=True).click()
    page.get_by_label("Nämnd", exact=True).select_option(label="Stadsbyggnadsnämnden")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(__import__("re").compile(r"committee=\d+"))
    first = page.locator(".table-alternative").first
    first.locator("summary").click()
    expect(first.locator("table")).to_contain_text("Planering")      # SBF's initiatives only
    expect(first.locator("table")).not_to_contain_text("Avslutad")   # VOF's is filtered out
    assert_accessible(page)

    # The stand-alone report opens with networking disabled and draws its charts.
    with page.expect_download() as download:
        page.goto("/dashboards/")
        page.get_by_role("link", name="Årsuppföljning").first.click()
        page.get_by_role("link", name="Ladda ned som fristående fil").click()
    path = tmp_path / "report.html"
    download.value.save_as(path)
    offline = browser.new_context(offline=True)
    report = offline.new_page()
    report.goto(path.as_uri())
    expect(report.get_by_role("heading", level=1)).to_contain_text("Årsuppföljning")
    expect(report.locator(".main-svg").first).to_be_attached()
    assert report.locator(".main-svg").count() >= 5
    assert_accessible(report)
    offline.close()
