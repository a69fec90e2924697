"""The project office imports initiatives in a real browser: template, a file with a bad row
(problems listed, nothing saved), the fixed file (summary), with axe on every state; and a
5 000-row file, imported by a background job whose progress page reaches "Klart"."""

from __future__ import annotations

import io
import os
import re
import threading
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portfolio import create_app
from portfolio.extensions import db
from portfolio.imports.rows import IMPORT_COLUMNS
from portfolio.initiatives.models import Initiative
from tests.conftest import PASSWORD, run_queue
from tests.e2e.conftest import assert_accessible, log_in


def _xlsx(path, rows) -> str:
    book = Workbook()
    sheet = book.active
    sheet.title = "Initiativ"
    sheet.append(list(IMPORT_COLUMNS))
    for values in rows:
        sheet.append([values.get(h) for h in IMPORT_COLUMNS])
    book.save(path)
    return str(path)


GOOD = {"Referens": "IMP-1", "Titel": "Digital bygglovsansökan", "Ägande enhet": "SBF",
        "Primärt område": "Självklar service", "Fas": "Idé",
        "Finansiering per år och källa": "2026 Egen ram: 250 000", "Årsarbetare per år": "2026: 1,5"}


def test_office_imports_a_file_with_a_bad_row_then_the_fixed_file(app, page, make_user, tmp_path):
    _, email = make_user("portfolio_office")
    log_in(page, email)
    page.goto("/initiatives/")
    page.get_by_role("link", name="Importera initiativ från Excel eller CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera initiativ")
    assert_accessible(page)

    # The template downloads and has the import headers.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner importmallen (Excel)").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert [c.value for c in book["Initiativ"][1]] == list(IMPORT_COLUMNS)

    # No file: the message is by the field.
    page.get_by_role("button", name="Importera", exact=True).click()
    expect(page.locator("#file-error")).to_contain_text("Välj en fil att importera.")
    expect(page.get_by_label("Fil att importera")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # A file with a bad row: the problems are listed by sheet, row and column, nothing is saved.
    bad = _xlsx(tmp_path / "initiativ.xlsx", [
        GOOD, {**GOOD, "Referens": "IMP-2", "Titel": "Chattbot", "Ägande enhet": "XYZ", "Startdatum": "igår"}])
    page.get_by_label("Fil att importera").set_input_files(bad)
    page.get_by_role("button", name="Importera", exact=True).click()
    problems = page.get_by_role("table", name="Problem i filen")
    expect(problems).to_be_visible()
    expect(page.get_by_role("heading", name="Filen har 2 problem. Ingenting har sparats.")).to_be_visible()
    first = problems.locator("tbody tr").first
    expect(first.locator("td").nth(0)).to_have_text("Initiativ")
    expect(first.locator("td").nth(1)).to_have_text("3")
    expect(first.locator("td").nth(2)).to_have_text("Ägande enhet")
    expect(first.locator("td").nth(3)).to_contain_text("Okänd enhet «XYZ»")
    expect(problems).to_contain_text("Startdatum")
    assert_accessible(page)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 0

    # The fixed file: a dry run first, then the real import.
    fixed = _xlsx(tmp_path / "initiativ-rattad.xlsx", [
        GOOD, {**GOOD, "Referens": "IMP-2", "Titel": "Chattbot", "Ägande enhet": "VOF",
               "Startdatum": "2026-03-01"}])
    page.get_by_label("Fil att importera").set_input_files(fixed)
    page.get_by_role("button", name="Provkör (ingenting sparas)").click()
    expect(page.get_by_role("heading", name="Provkörningen hittade inga problem")).to_be_visible()
    expect(page.locator("#result")).to_contain_text("skapa 2, uppdatera 0 och lämna 0")
    assert_accessible(page)
    page.get_by_label("Fil att importera").set_input_files(fixed)
    page.get_by_role("button", name="Importera", exact=True).click()
    expect(page.get_by_role("heading", name="Importen är klar")).to_be_visible()
    expect(page.locator("#result")).to_contain_text("Skapade: 2. Uppdaterade: 0. Oförändrade: 0.")
    assert_accessible(page)

    page.get_by_role("link", name="Till registret").click()
    expect(page.get_by_role("link", name="Chattbot")).to_be_visible()
    expect(page.get_by_role("link", name="Digital bygglovsansökan")).to_be_visible()


# --- a big file: a background job with a progress page (issue #17) --------------------------------

def _big_csv(path, rows: int) -> str:
    lines = ["Referens;Titel;Ägande enhet;Primärt område;Fas"]
    lines += [f"STOR-{i:05d};Initiativ {i};SBF;Självklar service;Idé" for i in range(rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def import_site(served_app, live_server, database_url, tmp_path, monkeypatch):
    """Where the big import runs: with PORTFOLIO_TEST_REDIS_URL, an app of its own whose jobs go
    to a queue that a real RQ worker runs while the browser watches the progress page; without
    it, the served app (the job runs in the web process: the page is done when it opens)."""
    redis_url = os.environ.get("PORTFOLIO_TEST_REDIS_URL")
    files = tmp_path / "files"
    if not redis_url:
        monkeypatch.setitem(served_app.config, "FILES_DIR", str(files))
        yield SimpleNamespace(app=served_app, url=live_server, run_jobs=lambda: None, files=files)
        return
    import redis

    queued = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                         "WTF_CSRF_ENABLED": True, "REDIS_URL": redis_url,
                         "JOB_RETRY_SECONDS": [0, 0, 0], "FILES_DIR": str(files)})
    server = make_server("127.0.0.1", 0, queued, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(app=queued, url=f"http://127.0.0.1:{server.server_port}",
                              run_jobs=lambda: run_queue(queued), files=files)
    finally:
        server.shutdown()
        store = redis.Redis.from_url(redis_url)
        keys = list(store.scan_iter(f"*{queued.extensions['portfolio.jobs'].queue_name}*"))
        if keys:
            store.delete(*keys)


def test_a_big_import_runs_in_the_background_and_its_page_reaches_klart(import_site, page, make_user,
                                                                        tmp_path):
    _, email = make_user("portfolio_office")
    site = import_site.url
    page.goto(f"{site}/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det här väntar på dig")

    page.goto(f"{site}/import")
    page.get_by_label("Fil att importera").set_input_files(_big_csv(tmp_path / "stor.csv", 5000))
    page.get_by_role("button", name="Importera", exact=True).click(timeout=120_000)
    page.wait_for_url(re.compile(r"/import/jobs/\d+$"), timeout=120_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Import av stor.csv")
    status = page.locator("#import-status")
    expect(status).to_have_attribute("role", "status")
    assert_accessible(page)

    # Record what the live region says as the script updates it, and mark the document: a
    # reload would lose the mark.
    page.evaluate("""() => {
        window.__seen = [document.getElementById('import-status').textContent.trim()];
        new MutationObserver(() => window.__seen.push(
            document.getElementById('import-status').textContent.trim()))
          .observe(document.getElementById('import-status'), {childList: true, characterData: true,
                                                              subtree: true});
    }""")
    import_site.run_jobs()          # a real worker (queued), or nothing left to do (embedded)

    expect(status).to_contain_text("Klart", timeout=60_000)
    expect(status).to_have_text("Klart. Importen är gjord.")
    expect(page.locator("#import-checked")).to_have_text("5\u00a0000")
    expect(page.locator("#import-saved")).to_have_text("5\u00a0000")
    expect(page.get_by_role("heading", name="Importen är klar")).to_be_visible()
    expect(page.locator("#result")).to_contain_text("Skapade: 5000. Uppdaterade: 0. Oförändrade: 0.")
    seen = page.evaluate("() => window.__seen")
    assert seen[-1] == "Klart. Importen är gjord.", seen
    if os.environ.get("PORTFOLIO_TEST_REDIS_URL"):
        assert seen[0] == "Väntar på att starta.", seen         # updated in place, no reload
        assert any(text.startswith(("Kontrollerar", "Sparar")) for text in seen), seen
    assert_accessible(page)
    assert os.listdir(import_site.files / "imports") == []       # the stored upload is gone

    page.get_by_role("link", name="Till registret").click()
    expect(page.get_by_role("link", name="Initiativ 4999")).to_be_visible()
    with import_site.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 5000
