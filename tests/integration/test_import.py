"""Import of initiatives from Excel (openpyxl) and LibreOffice-style CSV: all or nothing,
idempotent on Referens, every problem by sheet/row/column, round trip with the export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from portfolio.auth.models import User
from portfolio.changelog.models import ChangeLogEntry
from portfolio.exports.tables import COMPUTED, REGISTER_COLUMNS
from portfolio.extensions import db
from portfolio.imports import parsing, reader
from portfolio.imports.rows import FIELD_BY_HEADER, IMPORT_COLUMNS
from portfolio.imports.service import import_file
from portfolio.initiatives import services
from portfolio.initiatives.models import GateOverride, Initiative
from tests.conftest import login
from tests.factories import make_initiative, source_id

H = IMPORT_COLUMNS


def row(**values) -> list:
    """A row in IMPORT_COLUMNS order from {header: value} given with field names."""
    by_header = {header: values.get(field_name) for header, field_name in FIELD_BY_HEADER.items()}
    return [by_header[h] for h in H]


GOOD = [
    row(ref="IMP-1", title="Digital bygglovsansökan", description="E-tjänst.\nAndra raden.", owning_unit="SBF",
        participating_units="KLK, SEF", primary_area="Självklar service",
        secondary_areas="Effektiva stödprocesser", principles="Behovsdriven utveckling, Stordriftsfördelar",
        phase="Genomförande", start_date=datetime(2025, 1, 1), end_date=datetime(2026, 6, 30),
        need_owner="Anna Andersson", project_lead="Per Persson", benefit_owner="Eva Eriksson",
        funding="2025 Egen ram: 450000; 2026 Statsbidrag: 1234,50", staffing="2025: 1,5; 2026: 2",
        archived="nej"),
    row(ref=None, title="E-arkiv", owning_unit="KLK", primary_area="stodprocesser", phase="idé"),
]


def xlsx(rows, headers=H, sheet="Initiativ") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def libreoffice_csv(rows, headers=H, encoding="utf-8") -> bytes:
    """As LibreOffice Calc (Swedish) saves: semicolons, decimal comma, CRLF, BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for r in rows:
        writer.writerow(["" if v is None else v.date().isoformat() if isinstance(v, datetime) else v for v in r])
    text = out.getvalue()
    return ("\ufeff" + text).encode("utf-8") if encoding == "utf-8" else text.encode(encoding)


def post(client, data: bytes, filename="initiativ.xlsx", *, dry_run=False):
    button = {"dry_run": "Provkör"} if dry_run else {"run": "Importera"}
    return client.post("/import", data={"file": (io.BytesIO(data), filename), **button},
                       content_type="multipart/form-data")


def count(app, model=Initiative) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def state(app) -> dict:
    """ref → (version, updated_at) for every initiative, and the number of change-log rows."""
    with app.app_context():
        rows = db.session.execute(db.select(Initiative.ref, Initiative.version, Initiative.updated_at))
        return {"initiatives": {r: (v, u) for r, v, u in rows}, "log": count(app, ChangeLogEntry)}


@pytest.fixture
def office(client, login_as):
    return login_as("portfolio_office")


def run_service(app, user_id, data, filename="fil.xlsx", dry_run=False):
    with app.test_request_context():
        return import_file(data, filename, db.session.get(User, user_id), dry_run=dry_run)


# --- the good paths ---------------------------------------------------------------------------

def test_openpyxl_file_imports_everything_logged_as_the_importer(app, client, office):
    response = post(client, xlsx(GOOD))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Importen är klar" in html and "Skapade: 2." in html
    with app.app_context():
        a = db.session.scalar(db.select(Initiative).where(Initiative.ref == "IMP-1"))
        assert a.title == "Digital bygglovsansökan" and a.description == "E-tjänst.\nAndra raden."
        assert a.owning_unit.code == "SBF" and a.primary_area.code == "service"
        assert [u.code for u in a.participating_units] == ["KLK", "SEF"]
        assert [x.code for x in a.secondary_areas] == ["stodprocesser"]
        assert {p.code for p in a.principles} == {"behovsdriven", "stordrift"}
        assert a.phase == "genomforande" and str(a.start_date) == "2025-01-01" and str(a.end_date) == "2026-06-30"
        assert (a.need_owner, a.project_lead, a.benefit_owner) == ("Anna Andersson", "Per Persson", "Eva Eriksson")
        assert sorted((f.year, f.source.code, f.amount) for f in a.funding) == [
            (2025, "egen-ram", Decimal("450000.00")), (2026, "statsbidrag", Decimal("1234.50"))]
        assert [(s.year, s.fte) for s in a.staffing] == [(2025, Decimal("1.50")), (2026, Decimal("2.00"))]
        assert a.version == 1 and not a.archived
        b = db.session.scalar(db.select(Initiative).where(Initiative.title == "E-arkiv"))
        assert b.ref == f"DIG-{b.id:03d}" and b.phase == "ide"
        users = set(db.session.scalars(db.select(ChangeLogEntry.user_id).where(
            ChangeLogEntry.entity_type == "initiative")))
        assert users == {office}
        created = set(db.session.scalars(db.select(ChangeLogEntry.entity_id).where(
            ChangeLogEntry.entity_type == "initiative", ChangeLogEntry.action == "create")))
        assert created == {a.id, b.id}


def test_libreoffice_csv_semicolons_decimal_comma_bom_crlf(app, client, office):
    rows = [list(GOOD[0]), list(GOOD[1])]
    rows[0][H.index("Finansiering per år och källa")] = "2025 Centrala digitaliseringsmedel: 1 234 567,25"
    rows[0][H.index("Årsarbetare per år")] = "2025: 0,75"
    rows[0][H.index("Beskrivning")] = "Rad ett; med semikolon\r\nrad två"
    data = libreoffice_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    response = post(client, data, "initiativ.csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        a = db.session.scalar(db.select(Initiative).where(Initiative.ref == "IMP-1"))
        assert [(f.year, f.source.code, f.amount) for f in a.funding] == [
            (2025, "centrala-medel", Decimal("1234567.25"))]
        assert a.staffing[0].fte == Decimal("0.75")
        assert a.description == "Rad ett; med semikolon\nrad två"
        assert str(a.end_date) == "2026-06-30"
    assert count(app) == 2


def test_windows_1252_csv_from_swedish_excel(app, client, office):
    response = post(client, libreoffice_csv([GOOD[1]], encoding="cp1252"), "excel.csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert count(app) == 1


def test_same_file_twice_changes_nothing_the_second_time(app, client, office):
    data = xlsx(GOOD[:1])
    assert post(client, data).status_code == 200
    before = state(app)
    again = post(client, data)
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "Skapade: 0. Uppdaterade: 0. Oförändrade: 1." in html
    assert state(app) == before
    dry = post(client, data, dry_run=True).get_data(as_text=True)
    assert "skapa 0, uppdatera 0 och lämna 1" in dry
    # The CSV of the same content is also a no-op: newline and number styles do not count.
    assert post(client, libreoffice_csv(GOOD[:1]), "samma.csv").status_code == 200
    assert state(app) == before


def test_browser_newlines_in_existing_text_do_not_count_as_a_change(app, client, office):
    """A browser sends \r\n from a textarea; Excel turns it into \n. Re-importing the export
    must still change nothing."""
    with app.app_context():
        make_initiative(db.session.get(User, office), description="Rad ett\r\nRad två")
    exported = client.get("/exports/initiatives.xlsx").data
    before = state(app)
    response = post(client, exported)
    assert "Oförändrade: 1." in response.get_data(as_text=True)
    assert state(app) == before


def test_reimport_updates_by_reference_and_logs_phase_and_archive(app, client, office):
    with app.app_context():
        ini = make_initiative(db.session.get(User, office), ref="DIG-0100", title="Gammal titel")
        ini_id, version = ini.id, ini.version
    changed = row(ref="DIG-0100", title="Ny titel", owning_unit="SBF", primary_area="Självklar service",
                  phase="Planering", funding="2025 Centrala digitaliseringsmedel: 450000", archived="ja")
    dry = post(client, xlsx([changed]), dry_run=True)
    assert "uppdatera 1" in dry.get_data(as_text=True) and state(app)["initiatives"]["DIG-0100"][0] == version
    response = post(client, xlsx([changed]), "ändringar.xlsx")
    assert "Uppdaterade: 1." in response.get_data(as_text=True)
    with app.app_context():
        ini = db.session.get(Initiative, ini_id)
        assert ini.title == "Ny titel" and ini.phase == "planering" and ini.archived
        assert count(app) == 1
        entries = db.session.scalars(db.select(ChangeLogEntry).where(
            ChangeLogEntry.entity_id == ini_id, ChangeLogEntry.action != "create")).all()
        assert {e.action for e in entries} == {"update", "phase", "archive"}
        assert {e.user_id for e in entries} == {office}
        reasons = {e.action: e.reason for e in entries if e.action != "update"}
        assert reasons["archive"] == "Import från ändringar.xlsx"
        # idé → planering passes unmet gates: recorded as the office's override, never silently
        assert reasons["phase"].startswith("Undantag från fasgrinden") and reasons["phase"].endswith(
            "Motivering: Import från ändringar.xlsx")
        override = db.session.scalar(db.select(GateOverride).where(GateOverride.initiative_id == ini_id))
        assert override.to_phase == "planering" and "portfolio_decision" in override.missing_codes
    # Archived and identical: nothing happens; archived and different: a problem, nothing saved.
    before = state(app)
    assert "Oförändrade: 1." in post(client, xlsx([changed])).get_data(as_text=True)
    assert state(app) == before
    changed[H.index("Titel")] = "Ändrad igen"
    refused = post(client, xlsx([changed]))
    assert refused.status_code == 422 and "är arkiverat och kan inte ändras" in refused.get_data(as_text=True)
    # Restoring through the file is allowed.
    changed[H.index("Arkiverad")] = "nej"
    assert post(client, xlsx([changed])).status_code == 200
    with app.app_context():
        assert db.session.get(Initiative, ini_id).title == "Ändrad igen"


def test_side_state_phase_for_a_new_initiative_is_set_directly(app, client, office):
    response = post(client, xlsx([row(ref="P-1", title="Pausad sak", owning_unit="SBF",
                                      primary_area="service", phase="pausad")]))
    assert response.status_code == 200
    with app.app_context():
        ini = db.session.scalar(db.select(Initiative))
        assert ini.phase == "pausad" and ini.version == 1


def test_missing_columns_keep_existing_values(app, client, office):
    with app.app_context():
        make_initiative(db.session.get(User, office), ref="K-1", need_owner="Kvar Kvarsson")
    headers = ["Referens", "Titel", "Ägande enhet", "Primärt område"]
    response = post(client, xlsx([["K-1", "Bara titeln ändras", "SBF", "service"]], headers=headers))
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        ini = db.session.scalar(db.select(Initiative))
        assert ini.title == "Bara titeln ändras" and ini.need_owner == "Kvar Kvarsson"
        assert [f.amount for f in ini.funding] == [Decimal("450000.00")]


# --- problems: nothing is imported, every problem is named ----------------------------------

def test_one_bad_row_imports_nothing_and_every_problem_has_sheet_row_column(app, client, office):
    bad = [
        GOOD[0],
        row(ref="B-1", title="Okänd enhet", owning_unit="XYZ", primary_area="service"),
        row(ref="B-2", title="Felaktigt datum", owning_unit="SBF", primary_area="service", start_date="31/12/2025"),
        row(ref="B-3", title=None, owning_unit="SBF", primary_area="service"),
        row(ref="IMP-1", title="Dubblett", owning_unit="SBF", primary_area="service"),
        row(ref="B-4", title="Fel i pengar", owning_unit="SBF", primary_area="service",
            funding="2025 Okänd källa: 10; 2026 Egen ram: tio", staffing="2025 1,5", phase="Klar",
            end_date="2020-01-01", start_date="2021-01-01"),
    ]
    log_before = count(app, ChangeLogEntry)
    response = post(client, xlsx(bad))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert count(app) == 0 and count(app, ChangeLogEntry) == log_before
    assert "Ingenting har sparats" in html and '<caption id="problems-caption">' in html
    with app.app_context():
        result = run_service(app, office, xlsx(bad))
    where = {(p.sheet, p.row, p.column) for p in result.problems}
    assert ("Initiativ", 3, "Ägande enhet") in where
    assert ("Initiativ", 4, "Startdatum") in where
    assert ("Initiativ", 5, "Titel") in where
    assert ("Initiativ", 6, "Referens") in where
    assert {("Initiativ", 7, c) for c in ("Finansiering per år och källa", "Årsarbetare per år", "Fas",
                                          "Slutdatum")} <= where
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "XYZ" in messages[(3, "Ägande enhet")]
    assert "ÅÅÅÅ-MM-DD" in messages[(4, "Startdatum")]
    assert messages[(5, "Titel")] == "Titel saknas."
    assert "rad 2" in messages[(6, "Referens")]
    assert "Slutdatum kan inte vara före startdatum." == messages[(7, "Slutdatum")]
    texts = [p.message for p in result.problems if p.row == 7 and p.column.startswith("Finansiering")]
    assert any("Okänd finansieringskälla «Okänd källa»" in t for t in texts)
    assert any("«tio» är inget tal" in t for t in texts)
    assert count(app) == 0


def test_header_problems(app, office):
    headers = ["Referens", "Titel", "Ägande enhet", "Okänd kolumn", "Titel"]
    result = run_service(app, office, xlsx([["R-1", "T", "SBF", "x", "T"]], headers=headers))
    where = {(p.row, p.column): p.message for p in result.problems}
    assert "Okänd kolumnrubrik «Okänd kolumn»" in where[(1, "Okänd kolumn")]
    assert "finns mer än en gång" in where[(1, "Titel")]
    assert "saknas" in where[(1, "Primärt område")]
    unlabelled = xlsx([["R-1", "T", "SBF", "service", None, "något"]],
                      headers=["Referens", "Titel", "Ägande enhet", "Primärt område"])
    result = run_service(app, office, unlabelled)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Kolumn F")]
    assert count(app) == 0


def test_dry_run_writes_nothing_and_reports_what_would_happen(app, client, office):
    log_before = count(app, ChangeLogEntry)
    response = post(client, xlsx(GOOD), dry_run=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Provkörningen hittade inga problem" in html and "skapa 2, uppdatera 0 och lämna 0" in html
    assert count(app) == 0 and count(app, ChangeLogEntry) == log_before


def test_a_failure_while_writing_rolls_back_every_row(app, client, office, monkeypatch):
    """Rows are written one by one and committed once: a failure at the last row (here a
    database error) leaves nothing of the earlier rows."""
    from sqlalchemy.exc import IntegrityError

    real = services.create_initiative
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise IntegrityError("INSERT", {}, Exception("simulated"))
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "create_initiative", failing)
    log_before = count(app, ChangeLogEntry)
    response = post(client, xlsx(GOOD))
    assert response.status_code == 422 and calls["n"] == 2
    assert "Ingenting har sparats" in response.get_data(as_text=True)
    assert count(app) == 0 and count(app, ChangeLogEntry) == log_before


@pytest.mark.parametrize(("data", "filename", "status", "message"), [
    (b"\x00\x01garbage" * 100, "trasig.xlsx", 400, "kunde inte läsas som Excel-fil"),
    (b"PK\x03\x04 not really a zip", "trasig.xlsx", 400, "kunde inte läsas som Excel-fil"),
    (b"\xd0\xcf\x11\xe0old excel", "gammal.xls", 422, "Excel-fil (.xlsx) eller en CSV-fil"),
    (b"%PDF-1.4", "dokument.pdf", 422, "Excel-fil (.xlsx) eller en CSV-fil"),
    (b"a;b\x00;c", "binar.csv", 400, "ingen textfil"),
    (b"", "tom.csv", 400, "Filen är tom"),
    ("Referens;Titel;Ägande enhet;Primärt område\r\n".encode(), "rubriker.csv", 422, "inga rader"),
    (b'Referens;Titel\r\n"R;"obalanserat', "citat.csv", 400, "Kontrollera citattecknen"),
])
def test_bad_files_get_a_clear_message_and_a_4xx(app, client, office, data, filename, status, message):
    response = post(client, data, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:2000]
    assert message in html.replace("\u00a0", " ")
    assert count(app) == 0


def test_a_file_over_the_size_or_row_limit_gets_a_clear_message(app, client, office, monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    response = post(client, b"x" * 1001, "stor.csv")
    assert response.status_code == 413 and "för stor (högst 0 MB)" in response.get_data(as_text=True)
    monkeypatch.setattr(reader, "MAX_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(reader, "MAX_ROWS", 50)
    many = "Referens;Titel;Ägande enhet;Primärt område\r\n".encode() + b"R;T;SBF;service\r\n" * 51
    response = post(client, many, "manga.csv")
    assert response.status_code == 413 and "fler än 50 rader" in response.get_data(as_text=True)
    assert count(app) == 0


def test_the_import_has_its_own_request_limit_above_the_apps(app, client, office, monkeypatch):
    """Imports of 50 000 rows need more than the app's general limit (16 MB); anything above the
    import's own limit is still refused before it is read."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    assert post(client, xlsx(GOOD)).status_code == 200          # ~5 KB: over the app's limit
    monkeypatch.setattr(reader, "MAX_BYTES", 1024)
    response = post(client, b"x" * (1024 + 70 * 1024), "stor.csv")
    assert response.status_code == 413


# --- who may import ---------------------------------------------------------------------------

@pytest.mark.parametrize("roles", [("editor",), ("programme_manager",), ("viewer",)])
def test_only_the_office_and_admin_may_import(app, client, login_as, roles):
    kwargs = {"units": ["SBF"]} if "editor" in roles else {"areas": ["service"]} if "programme_manager" in roles else {}
    login_as(*roles, **kwargs)
    assert client.get("/import").status_code == 403
    assert client.get("/import/mall.xlsx").status_code == 403
    assert post(client, xlsx(GOOD)).status_code == 403
    assert count(app) == 0
    assert "import-link" not in client.get("/initiatives/").get_data(as_text=True)


def test_admin_may_import_and_anonymous_is_sent_to_login(app, client, login_as):
    assert client.get("/import").status_code == 302
    login_as("admin")
    assert client.get("/import").status_code == 200
    assert 'id="import-link"' in client.get("/initiatives/").get_data(as_text=True)


def test_form_carries_a_csrf_token_and_refuses_a_post_without_one(app, client, office, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    html = client.get("/import").get_data(as_text=True)
    assert 'name="csrf_token"' in html and 'enctype="multipart/form-data"' in html
    assert '<label class="field__label" for="file">' in html
    assert post(client, xlsx(GOOD)).status_code == 400
    assert count(app) == 0


# --- template ---------------------------------------------------------------------------------

def test_template_has_headers_lists_and_drop_downs_and_imports(app, client, office):
    response = client.get("/import/mall.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Initiativ", "Instruktioner", "Listor"]
    sheet = book["Initiativ"]
    assert [c.value for c in sheet[1]] == list(H)
    lists = book["Listor"]
    assert "SBF" in [c.value for c in lists["A"]] and "Självklar service" in [c.value for c in lists["C"]]
    assert "Genomförande" in [c.value for c in lists["E"]]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    unit_col = sheet.cell(row=1, column=H.index("Ägande enhet") + 1).column_letter
    assert validations[f"{unit_col}2"].startswith("Listor!$A$2")
    assert any(f.startswith("Listor!$C$2") for f in validations.values())   # areas
    assert any(f.startswith("Listor!$E$2") for f in validations.values())   # phases
    sheet.append(GOOD[1])
    filled = io.BytesIO()
    book.save(filled)
    assert post(client, filled.getvalue(), "mall.xlsx").status_code == 200
    assert count(app) == 1


# --- round trip -------------------------------------------------------------------------------

@pytest.fixture
def portfolio_data(app, make_user):
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        a = make_initiative(
            office, title="Sensorer på livbojar", description="Första raden\nandra; med semikolon, och komma",
            owning_unit="SBF", participating_units=["KLK", "SEF"], secondary_areas=["stodprocesser", "valfard"],
            principle_ids=[p for p in _principle_ids("behovsdriven", "samarbete")], phase="genomforande",
            need_owner="Anna Andersson", project_lead="Per Persson", benefit_owner="Eva Eriksson",
            funding=[services.FundingInput(2026, source_id("statsbidrag"), Decimal("1234.5")),
                     services.FundingInput(2025, source_id("egen-ram"), Decimal("450000")),
                     services.FundingInput(2026, source_id("egen-ram"), Decimal("0.05"))],
            staffing=[services.StaffingInput(2025, Decimal("1.5")), services.StaffingInput(2026, Decimal("0.25"))],
            start_date=date(2025, 2, 1), end_date=date(2027, 12, 31))
        assert a.version == 1
        b = make_initiative(office, title="E-arkiv", owning_unit="KLK", primary_area="stodprocesser", funding=[])
        services.change_phase(b, "pausad", office, expected_version=b.version, reason="Väntar")
        # Text that spreadsheets would run as a formula must stay text, and come back exactly.
        make_initiative(office, title='=HYPERLINK("http://x";"Chattbot")', owning_unit="VOF", primary_area="valfard",
                        phase="behovsanalys", project_lead="-Per", description="'=redan citerad", need_owner="@Anna")
    return office_id


def _principle_ids(*codes):
    from portfolio.programme.models import Principle
    from tests.factories import ref_id
    return [ref_id(Principle, c) for c in codes]


def _cells(fmt: str, data: bytes) -> list[list]:
    """The export's cells without the Senast ändrad column."""
    skip = REGISTER_COLUMNS.index("Senast ändrad")
    if fmt == "xlsx":
        rows = [[c for c in r] for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    else:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if "comma" in fmt else ","))
    return [[v for i, v in enumerate(r) if i != skip] for r in rows]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "csv-comma"])
def test_round_trip_export_import_export(app, client, portfolio_data, fmt):
    url = {"xlsx": "/exports/initiatives.xlsx?sort=ref", "csv": "/exports/initiatives.csv?sort=ref",
           "csv-comma": "/exports/initiatives.csv?sort=ref&decimal=comma"}[fmt]
    with app.app_context():
        email = db.session.get(User, portfolio_data).email
    login(client, email)
    first = client.get(url).data
    assert len(_cells(fmt, first)) == 4
    if fmt == "xlsx":
        cells = [c for r in load_workbook(io.BytesIO(first)).active.iter_rows() for c in r]
        assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula in the export"
    else:
        assert "'=HYPERLINK" in first.decode("utf-8-sig") and "''=redan citerad" in first.decode("utf-8-sig")
    with app.app_context():
        for ini in db.session.scalars(db.select(Initiative)):
            db.session.delete(ini)
        db.session.commit()
    assert count(app) == 0
    filename = "export.xlsx" if fmt == "xlsx" else "export.csv"
    response = post(client, first, filename)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Skapade: 3." in response.get_data(as_text=True)
    second = client.get(url).data
    assert _cells(fmt, second) == _cells(fmt, first)
    # And the export imported over itself changes nothing.
    before = state(app)
    assert "Oförändrade: 3." in post(client, second, filename).get_data(as_text=True)
    assert state(app) == before


# --- CLI --------------------------------------------------------------------------------------

def test_cli_import_dry_run_and_real(app, make_user, tmp_path):
    _, email = make_user("portfolio_office")
    _, editor = make_user("editor", units=["SBF"])
    good, bad = tmp_path / "bra.xlsx", tmp_path / "dalig.csv"
    good.write_bytes(xlsx(GOOD))
    bad.write_bytes(libreoffice_csv([GOOD[0], row(ref="X", title="T", owning_unit="XYZ", primary_area="service")]))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["import", str(good), "--user", email, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Provkörningen hittade inga problem" in result.output and "2 nya" in result.output
    assert count(app) == 0

    result = runner.invoke(args=["import", str(bad), "--user", email])
    assert result.exit_code == 1
    assert "blad dalig.csv, rad 3, kolumn Ägande enhet: Okänd enhet «XYZ»" in result.output
    assert count(app) == 0

    result = runner.invoke(args=["import", str(good), "--user", editor])
    assert result.exit_code == 2 and "projektkontoret" in result.output
    result = runner.invoke(args=["import", str(good), "--user", "ingen@test.se"])
    assert result.exit_code == 2
    result = runner.invoke(args=["import", str(good)])
    assert result.exit_code == 2  # --user is required

    result = runner.invoke(args=["import", str(good), "--user", email])
    assert result.exit_code == 0 and "Importen är klar: 2 nya" in result.output
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == email))
        assert set(db.session.scalars(db.select(ChangeLogEntry.user_id).where(
            ChangeLogEntry.entity_type == "initiative"))) == {user_id}
    result = runner.invoke(args=["import", str(good), "--user", email])
    assert "1 nya, 0 ändrade, 1 oförändrade" in result.output  # the row without a reference is new again
    assert count(app) == 3


# --- pieces -----------------------------------------------------------------------------------

def test_import_columns_are_the_export_columns_minus_the_derived_ones():
    assert set(FIELD_BY_HEADER) == set(IMPORT_COLUMNS) == set(REGISTER_COLUMNS) - COMPUTED


@pytest.mark.parametrize(("text", "places", "expected"), [
    ("1 234,50", 2, Decimal("1234.50")), ("1\u00a0234,5 kr", 2, Decimal("1234.5")), ("12.25", 2, Decimal("12.25")),
    (3, 2, Decimal(3)), (0.1, 2, Decimal("0.1")),
])
def test_numbers(app_ctx, text, places, expected):
    assert parsing.number(text, places=places, maximum=Decimal(10**11)) == expected


@pytest.mark.parametrize("text", ["1e5", "1,2,3", "-1", "1,234", "NaN", "", "12 kronor"])
def test_bad_numbers(app_ctx, text):
    with pytest.raises(parsing.CellError):
        parsing.number(text, places=2, maximum=Decimal(10**11))


def test_lists_match_names_with_commas(app_ctx):
    class R:
        def __init__(self, code, name):
            self.code, self.name = code, name
    lookup = parsing.Lookup([R("a", "Vård, omsorg och stöd"), R("b", "Skola")])
    rows, unknown = lookup.many("skola, Vård,omsorg och stöd; okänd")
    assert [r.code for r in rows] == ["b", "a"] and unknown == ["okänd"]


def test_hostile_xlsx_shapes_are_refused_quickly_and_hidden_rows_are_read(app, client, office):
    """A file may claim a million rows (or too few): the import reads the rows that are there."""
    import time
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Initiativ"
    sheet.append(["Referens", "Titel", "Ägande enhet", "Primärt område"])
    sheet.append(["R1", "T", "SBF", "service"])
    sheet.cell(row=1048576, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    started = time.perf_counter()
    response = post(client, buffer.getvalue(), "miljon.xlsx")
    assert response.status_code == 413 and time.perf_counter() - started < 20
    # A stale <dimension> that hides row 3 (with an unknown unit) must not hide it from the check.
    book = Workbook()
    sheet = book.active
    sheet.title = "Initiativ"
    for values in (["Referens", "Titel", "Ägande enhet", "Primärt område"], ["R1", "T", "SBF", "service"],
                   ["R2", "T2", "XYZ", "service"]):
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:D3"/>', b'<dimension ref="A1:D2"/>')
            target.writestr(info, data)
    response = post(client, out.getvalue(), "gammal-dimension.xlsx")
    assert response.status_code == 422 and "XYZ" in response.get_data(as_text=True)
    assert count(app) == 0


def test_a_generated_reference_never_takes_one_a_later_row_asks_for(app, client, office):
    data = libreoffice_csv([row(ref="", title="Utan referens", owning_unit="SBF", primary_area="service"),
                            row(ref="DIG-0001", title="Med referens", owning_unit="SBF", primary_area="service")])
    dry = post(client, data, "refs.csv", dry_run=True)
    assert dry.status_code == 200
    real = post(client, data, "refs.csv")
    assert real.status_code == 200, real.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Initiative.title).where(Initiative.ref == "DIG-0001")) == "Med referens"
