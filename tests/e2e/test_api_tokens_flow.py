"""Browser: create an API token in the profile (read-only, with a chosen lifetime), see its expiry
and scope, use it, revoke it; the API docs page works with only the app's own assets, and both
pages pass axe."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

from tests.e2e.conftest import assert_accessible, log_in

TODAY = date(2026, 11, 27)   # `frozen`: a 30-day token made today is valid until 2026-12-27


def _api_status(base: str, path: str, token: str, method: str = "GET") -> int:
    body = b"{}" if method != "GET" else None
    request = urllib.request.Request(base + path, data=body, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            json.load(response)
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_token_lifecycle_in_the_profile(frozen, page, make_user, live_server):
    _uid, email = make_user("editor", units=["SBF"])
    log_in(page, email)
    page.get_by_role("link", name="redigerare").click()   # the user's name and roles in the header
    page.wait_for_url("**/profile")
    assert_accessible(page)

    page.get_by_role("button", name="Skapa nyckel").click()
    assert page.locator("#name-error").is_visible()
    assert page.get_by_label("Namn på nyckeln").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    assert page.get_by_label("Giltighetstid").input_value() == "90"    # the default
    page.get_by_label("Namn på nyckeln").fill("Rapportskript <b>fet</b>")
    page.get_by_label("Giltighetstid").select_option("30")
    page.get_by_label("Endast läsrättighet").check()
    page.get_by_role("button", name="Skapa nyckel").click()
    token = page.get_by_label("Nyckel", exact=True).input_value()
    assert token.startswith("pft_")
    assert page.get_by_role("cell", name="Rapportskript <b>fet</b>", exact=True).is_visible()   # escaped, not bold
    assert page.get_by_role("cell", name="Gäller till 2026-12-27", exact=True).is_visible()
    assert page.get_by_role("cell", name="Endast läsa", exact=True).is_visible()
    assert page.get_by_label("Giltighetstid").input_value() == "90"    # the form is fresh again
    assert not page.get_by_label("Endast läsrättighet").is_checked()
    assert_accessible(page)
    assert _api_status(live_server, "/api/v1/areas", token) == 200
    assert _api_status(live_server, "/api/v1/initiatives", token, "POST") == 403   # read-only

    page.goto("/profile")
    assert token not in page.content()

    page.get_by_role("button", name="Återkalla nyckeln Rapportskript <b>fet</b>").click()
    assert page.get_by_text("är återkallad").is_visible()
    assert _api_status(live_server, "/api/v1/areas", token) == 401
    assert_accessible(page)


def test_api_docs_are_served_by_the_app(page, make_user, live_server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _uid, email = make_user("viewer")
    log_in(page, email)
    page.goto("/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.get_by_text("/api/v1/initiatives").first.is_visible()
    outside = [u for u in requests if not u.startswith(live_server) and not u.startswith("data:")]
    assert outside == [], outside
    assert_accessible(page)
    # An operation opened with the keyboard shows its parameters and responses.
    page.locator(".opblock-summary-control").first.focus()
    page.keyboard.press("Enter")
    page.locator(".opblock-body").first.wait_for()
    assert_accessible(page)
