"""A KS member opens every dashboard, changes a filter, sees charts and tables; the exported
yearly report renders with networking disabled."""

from __future__ import annotations

from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.e2e.conftest import CHART_TIMEOUT, assert_accessible, log_in, main_nav
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
    main_nav(page).get_by_role("link", name="Uppföljning KS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning för kommunstyrelsen")
    links = page.locator(".dashboard-list h2 a")
    expect(links.first).to_be_visible()
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert len(names) >= 7
    assert_accessible(page)
    for name in names:
        page.locator(".dashboard-list").get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name, timeout=CHART_TIMEOUT)
        if page.locator(".chart__plot").count():   # drawn: plotly has put its SVG in the chart
            expect(page.locator(".chart__plot .main-svg").first).to_be_attached(timeout=CHART_TIMEOUT)
        details = page.locator(".table-alternative").first
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        expect(details.locator("table")).to_be_visible(timeout=CHART_TIMEOUT)
        assert_accessible(page)
        page.get_by_role("link", name="Uppföljning för KS").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning för kommunstyrelsen")

    # Filters live in the URL.
    page.get_by_role("link", name="Portföljöversikt", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portföljöversikt", timeout=CHART_TIMEOUT)
    page.get_by_label("Nämnd", exact=True).select_option(label="Stadsbyggnadsnämnden")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(__import__("re").compile(r"committee=\d+"), timeout=CHART_TIMEOUT)
    if page.locator(".chart__plot").count():
        expect(page.locator(".chart__plot .main-svg").first).to_be_attached(timeout=CHART_TIMEOUT)
    first = page.locator(".table-alternative").first
    first.locator("summary").click()
    expect(first.locator("table")).to_contain_text("Planering", timeout=CHART_TIMEOUT)  # SBF's only
    expect(first.locator("table")).not_to_contain_text("Avslutad")   # VOF's is filtered out
    assert_accessible(page)

    # The stand-alone report opens with networking disabled and draws its charts.
    page.goto("/dashboards/")
    page.get_by_role("link", name="Årsuppföljning").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Årsuppföljning", timeout=CHART_TIMEOUT)
    with page.expect_download(timeout=CHART_TIMEOUT) as download:
        page.get_by_role("link", name="Ladda ned som fristående fil").click()
    path = tmp_path / "report.html"
    download.value.save_as(path)
    offline = browser.new_context(offline=True)
    report = offline.new_page()
    report.goto(path.as_uri())
    expect(report.get_by_role("heading", level=1)).to_contain_text("Årsuppföljning", timeout=CHART_TIMEOUT)
    expect(report.locator(".main-svg").first).to_be_attached(timeout=CHART_TIMEOUT)
    expect(report.locator(".main-svg").nth(4)).to_be_attached(timeout=CHART_TIMEOUT)   # at least five
    assert_accessible(report)
    offline.close()
