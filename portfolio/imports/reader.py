"""Read an uploaded table (xlsx or CSV) into a header and raw rows, or a Swedish message.

No database, no Flask apart from gettext. Row numbers are the ones the user sees in Excel or
LibreOffice: the header is row 1, the first data row is row 2 (a CSV record spanning several
lines still counts as one row). Completely empty rows are skipped but keep their number.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _

from portfolio.exports.formats import unescape_text

MAX_BYTES = 5 * 1024 * 1024          # uploaded file
MAX_UNPACKED = 100 * 1024 * 1024     # an xlsx is a zip: its contents unpacked
# Data rows. Every row goes through the services with its change log (about 10 ms a row on
# SQLite, more on a busy machine), so 1 000 rows stay inside a web worker's 30 s timeout.
MAX_ROWS = 1000
MAX_COLUMNS = 200
# Rows read at all, empty ones included (a file can claim a million rows in a few bytes).
MAX_SCANNED_ROWS = 5 * MAX_ROWS + 1000
MAX_SHARED_STRINGS = 20 * 1024 * 1024   # openpyxl loads every shared string up front
MAX_CELL_TEXT = 100_000   # characters in one cell: far above any field's limit (10 000)
PREFERRED_SHEET = "Initiativ"

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"      # the old binary .xls format


class ReadError(ValueError):
    """The file as a whole cannot be read; `message` says why in Swedish, `status` is the HTTP
    status a view should answer with."""

    def __init__(self, message: str, status: int = 400):
        self.message = message
        self.status = status
        super().__init__(message)


@dataclass
class Table:
    sheet: str                                   # sheet name (the file name for a CSV)
    headers: list[str]                           # row 1, stripped ("" for an empty cell)
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)


def read_table(data: bytes, filename: str) -> Table:
    """The table in `data`; raises ReadError with a message for the user."""
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1] or "fil"
    lower = name.lower()
    if len(data) > MAX_BYTES:
        raise ReadError(_("Filen är för stor (högst %(mb)d MB). Dela upp den i flera filer.",
                          mb=MAX_BYTES // (1024 * 1024)), status=413)
    if not data:
        raise ReadError(_("Filen är tom."))
    if data.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise ReadError(_("Det gamla Excelformatet (.xls) stöds inte. Spara filen som Excel-arbetsbok "
                          "(.xlsx) eller som CSV och försök igen."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if lower.endswith((".xlsx", ".xlsm")):
        raise ReadError(_("Filen kunde inte läsas som Excel-fil (.xlsx). Den kan vara skadad; öppna "
                          "den i Excel eller LibreOffice och spara den igen."))
    if lower.endswith((".csv", ".txt")):
        return _read_csv(data, name)
    raise ReadError(_("Filtypen stöds inte. Ladda upp en Excel-fil (.xlsx) eller en CSV-fil (.csv)."))


def _longest_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The longest run of characters between two tags in one XML part, read in chunks: a cell's
    text is such a run, so one huge cell is found before openpyxl holds it in memory."""
    longest = run = 0
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            start = 0
            while (end := chunk.find(b"<", start)) != -1:
                longest = max(longest, run + end - start)
                run, start = 0, end + 1
            run += len(chunk) - start
    return max(longest, run)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            shared = sum(info.file_size for info in archive.infolist()
                         if info.filename.lower().endswith("sharedstrings.xml"))
            if unpacked <= MAX_UNPACKED:
                longest = max((_longest_text(archive, info) for info in archive.infolist()
                               if info.filename.lower().endswith(".xml")), default=0)
            else:
                longest = 0
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ReadError(_("Filen kunde inte läsas som Excel-fil (.xlsx). Den kan vara skadad; öppna "
                          "den i Excel eller LibreOffice och spara den igen.")) from None
    if unpacked > MAX_UNPACKED or shared > MAX_SHARED_STRINGS:
        raise ReadError(_("Filen innehåller för mycket data. Dela upp den i flera filer."), status=413)
    if longest > MAX_CELL_TEXT:
        raise ReadError(_("En cell i filen innehåller mer än %(max)d tecken. Korta texten och försök igen.",
                          max=MAX_CELL_TEXT), status=413)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken files; all mean the same here
        raise ReadError(_("Filen kunde inte läsas som Excel-fil (.xlsx). Den kan vara skadad; öppna "
                          "den i Excel eller LibreOffice och spara den igen.")) from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise ReadError(_("Excelfilen innehåller inga kalkylblad."))
        sheet = next((s for s in sheets if s.title.strip().casefold() == PREFERRED_SHEET.casefold()),
                     sheets[0])
        # Read the rows that are there, not the size the file claims (it can claim too little,
        # hiding rows, or a million rows), and never wider than the column limit.
        sheet.reset_dimensions()
        return _collect(sheet.title, sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True))
    except ReadError:
        raise
    except Exception:
        raise ReadError(_("Filen kunde inte läsas som Excel-fil (.xlsx). Den kan vara skadad; öppna "
                          "den i Excel eller LibreOffice och spara den igen.")) from None
    finally:
        book.close()


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ReadError(_("Filen är ingen textfil. Ladda upp en Excel-fil (.xlsx) eller en CSV-fil (.csv)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV (semikolonavgränsad)" on Swedish Windows writes Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ReadError(_("CSV-filens teckenkodning känns inte igen. Spara den som CSV i UTF-8 och "
                          "försök igen.")) from None


def _delimiter(text: str) -> str:
    """The separator of the header line: semicolon (Swedish Excel, LibreOffice), comma or tab."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, name: str) -> Table:
    text = _decode(data).lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        return _collect(name, ([unescape_text(cell) if cell != "" else None for cell in row] for row in reader))
    except csv.Error as exc:
        raise ReadError(_("CSV-filen kunde inte tolkas (%(detail)s). Kontrollera citattecknen och "
                          "försök igen.", detail=str(exc))) from None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collect(sheet: str, rows) -> Table:
    iterator = iter(rows)
    header_row = next(iterator, None)
    if header_row is None or all(_empty(v) for v in header_row):
        raise ReadError(_("Första raden ska innehålla kolumnrubrikerna (som i mallen), men den är tom."))
    headers = ["" if _empty(v) else str(v).strip() for v in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise ReadError(_("Filen har för många kolumner (högst %(max)d).", max=MAX_COLUMNS))
    table = Table(sheet=sheet, headers=headers)
    for number, row in enumerate(iterator, start=2):
        if number > MAX_SCANNED_ROWS:
            raise ReadError(_("Filen har fler än %(max)d rader (tomma rader medräknade). Ta bort tomma rader "
                              "eller dela upp filen.", max=MAX_SCANNED_ROWS), status=413)
        cells = list(row)
        if all(_empty(v) for v in cells):
            continue
        if any(not _empty(v) for v in cells[MAX_COLUMNS:]):
            raise ReadError(_("Rad %(row)d har data efter kolumn %(max)d. Ta bort den och försök igen.",
                              row=number, max=MAX_COLUMNS))
        cells = cells[:MAX_COLUMNS]
        if len(table.rows) >= MAX_ROWS:
            raise ReadError(_("Filen har fler än %(max)d rader med data. Dela upp den i flera filer.",
                              max=MAX_ROWS), status=413)
        width = max(len(headers), len(cells))
        table.rows.append((number, (cells + [None] * width)[:width]))
    return table
