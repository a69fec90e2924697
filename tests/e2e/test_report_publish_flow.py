"""The project office publishes the yearly report in a real browser (issue #18): the live draft
marked "utkast", the publish form (errors, then success), the list of published reports, the
published version's PDF (its progress page, then the file), with axe on each page; the
published stand-alone HTML opens with networking off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHART_TIMEOUT, assert_accessible, log_in

YEAR = 2025


@pytest.fixture
def files_dir(served_app, tmp_path, monkeypatch):
    folder = tmp_path / "files"
    monkeypatch.setitem(served_app.config, "FILES_DIR", str(folder))
    return folder


def test_office_publishes_a_year_and_a_reader_gets_the_pdf(page, make_user, files_dir, browser, tmp_path):
    page.set_default_timeout(CHART_TIMEOUT)
    _, office = make_user("portfolio_office")
    log_in(page, office)

    # The live draft says so, on the page and in the title.
    page.goto(f"/reports/ks/{YEAR}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Årsuppföljning {YEAR}")
    expect(page.locator("#report-draft")).to_contain_text("Utkast")
    expect(page).to_have_title(re.compile("^Utkast"))
    expect(page.locator(".site-header")).to_be_visible()
    assert_accessible(page)

    # The publish form: every problem at once, tied to its field.
    page.get_by_role("link", name=f"Publicera {YEAR}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Publicera årsuppföljningen {YEAR}")
    assert_accessible(page)
    page.get_by_role("button", name="Publicera", exact=True).click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("diarienummer")
    expect(summary).to_contain_text("sammanträde")
    expect(page.get_by_label("Kommunstyrelsens diarienummer")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Kommunstyrelsens diarienummer").fill("KS 2026/17")
    page.get_by_label("Sammanträdesdatum").fill("2026-03-10")
    page.get_by_role("button", name="Publicera", exact=True).click()

    # Published: version 1, no "utkast"; the PDF was asked for at publishing.
    expect(page.locator("#report-published")).to_contain_text("Publicerad version 1")
    expect(page.locator("#report-draft")).to_have_count(0)
    assert_accessible(page)

    # The list of published reports.
    page.goto("/reports/ks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publicerade årsuppföljningar")
    expect(page.locator(f"#published-{YEAR}")).to_contain_text("KS 2026/17")
    expect(page.locator(f"#published-{YEAR}")).to_contain_text("Gällande")
    assert_accessible(page)

    # A KS reader sees the published version by default and downloads its PDF.
    page.get_by_role("button", name="Logga ut").click()
    _, viewer = make_user("viewer")
    log_in(page, viewer)
    page.goto(f"/reports/ks/{YEAR}")
    expect(page.locator("#report-published")).to_be_visible()
    expect(page.locator(".report-plot .main-svg").first).to_be_attached()
    assert_accessible(page)
    page.locator("#version-pdf").click()               # first asked for: made by a job
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    expect(page.locator("#pdf-status")).to_have_text("PDF:en är klar.")
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("#pdf-file").click()
    pdf_path = tmp_path / "report.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    page.goto(f"/reports/ks/{YEAR}")
    with page.expect_download() as download:           # asked again: the stored file at once
        page.locator("#version-pdf").click()
    again = tmp_path / "again.pdf"
    download.value.save_as(again)
    assert again.read_bytes() == pdf_path.read_bytes()

    # The stored stand-alone file opens with networking off and draws its charts.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ned som fristående fil", exact=True).click()
    html_path = tmp_path / "report.html"
    download.value.save_as(html_path)
    offline = browser.new_context(offline=True)
    report = offline.new_page()
    report.goto(html_path.as_uri())
    expect(report.locator("#report-published")).to_be_visible(timeout=CHART_TIMEOUT)
    expect(report.locator(".main-svg").first).to_be_attached(timeout=CHART_TIMEOUT)
    assert_accessible(report)
    offline.close()


def test_draft_pdf_shows_its_progress_page_then_the_file(page, make_user, files_dir, tmp_path):
    page.set_default_timeout(CHART_TIMEOUT)
    _, viewer = make_user("viewer")
    log_in(page, viewer)
    page.goto(f"/reports/ks/{YEAR}/utkast")
    page.get_by_role("link", name="Ladda ned som PDF (utkast)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PDF av utkastet")
    expect(page.locator("#pdf-status")).to_have_text("PDF:en är klar.")
    expect(page.locator("#pdf-progress")).to_have_attribute("value", "100")
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("#pdf-file").click()
    path = tmp_path / "draft.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
