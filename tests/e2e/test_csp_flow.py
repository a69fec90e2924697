"""Issue #15: the pages, the dashboards with their plotly charts, the yearly report and the API
docs work under the Content-Security-Policy (no inline scripts); the `page` fixture fails any
test that meets a violation. This test also proves the check can fail."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import CHART_TIMEOUT, log_in


def test_charts_report_and_api_docs_render_under_the_policy(page, make_user):
    _, office = make_user("portfolio_office")
    log_in(page, office)
    response = page.goto("/dashboards/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    page.goto("/reports/ks/2026")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if page.locator("[data-chart]").count():
        expect(page.locator(".main-svg").first).to_be_attached(timeout=CHART_TIMEOUT)
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui").first).to_be_visible(timeout=CHART_TIMEOUT)
    assert page.csp_violations == []
    # The check is real: an inline script is refused and reported.
    page.goto("/")
    page.evaluate("""() => { const s = document.createElement('script');
                              s.textContent = 'window.__inline = 1'; document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__inline") is None
    assert page.csp_violations, "an inline script ran or was not reported"
    page.csp_violations.clear()
