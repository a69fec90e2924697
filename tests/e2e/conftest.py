"""Browser tests: Playwright driving the system Chromium against a live server on 127.0.0.1.

No browser download ever happens: we use Debian's `chromium` (or PORTFOLIO_CHROMIUM). Without
one, these tests skip with the reason, except under CI=true, where that is a failure."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from portfolio import create_app
from tests.conftest import PASSWORD

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def find_chromium() -> str | None:
    candidates = [os.environ.get("PORTFOLIO_CHROMIUM"), shutil.which("chromium"),
                  shutil.which("chromium-browser"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and os.path.exists(c)), None)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = ("Ingen Chromium hittades (installera Debian-paketet: apt-get install -y "
                   "chromium, eller sätt PORTFOLIO_CHROMIUM)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " – i CI måste webbläsartesterna köras.", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served_app(app, database_url):
    """The app with CSRF switched on, as users get it."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                       "WTF_CSRF_ENABLED": True})


@pytest.fixture(scope="session")
def live_server(served_app):
    """The served app on 127.0.0.1, from a thread."""
    server = make_server("127.0.0.1", 0, served_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class DialogGuard:
    """Records any JavaScript dialog: an alert() means injected script ran."""

    def __init__(self):
        self.messages: list[str] = []

    def __call__(self, dialog):
        self.messages.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="sv-SE",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    guard = DialogGuard()
    page.on("dialog", guard)
    page.dialogs = guard.messages
    # Every page must work under the Content-Security-Policy: any violation fails the test.
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)
    page.csp_violations = violations
    yield page
    context.close()
    assert guard.messages == [], f"a dialog opened: {guard.messages}"
    assert violations == [], f"Content-Security-Policy violations: {violations}"


ALWAYS_REQUIRED = {"landmark-unique"}


def assert_accessible(page) -> None:
    """axe-core: no serious or critical violations on the page as it is now, and no landmark that
    shares its role and name with another (axe rates `landmark-unique` moderate; we require it)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"]
           if v["impact"] in ("serious", "critical") or v["id"] in ALWAYS_REQUIRED]
    details = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} – "
                        f"{[n['target'] for n in v['nodes']][:5]}" for v in bad)
    assert not bad, f"axe violations on {page.url}:\n{details}"


# What a page shows once it is drawn: waits are for these, never fixed sleeps. Charts (plotly)
# can take long on a busy machine, so their waits are generous.
CHART_TIMEOUT = 30_000


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the form; the user lands on the start page (`/`)."""
    from urllib.parse import urlsplit

    from playwright.sync_api import expect

    page.goto("/login")
    assert_accessible(page)
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Det här väntar på dig")


def main_nav(page):
    """The main menu (links there are looked up by name without clashing with the page's own)."""
    return page.get_by_role("navigation", name="Huvudmeny")
