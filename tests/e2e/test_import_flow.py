"""The project office imports initiatives in a real browser: template, a file with a bad row
(problems listed, nothing saved), the fixed file (summary), with axe on every state."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from portfolio.extensions import db
from portfolio.imports.rows import IMPORT_COLUMNS
from portfolio.initiatives.models import Initiative
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
