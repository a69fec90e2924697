"""Read an uploaded table (xlsx or CSV) as a header and a stream of raw rows, or a Swedish message.

No database, no Flask apart from gettext. Row numbers are the ones the user sees in Excel or
LibreOffice: the header is row 1, the first data row is row 2 (a CSV record spanning several
lines still counts as one row). Completely empty rows are skipped but keep their number.

Rows are streamed, never held: `inspect(source)` checks the file as a whole once (size, kind,
the zip's limits, the CSV's encoding), then `open_rows(source, kind)` reads it from the start
as often as the import needs (it validates in one pass and writes in another), so memory does
not grow with the file. An xlsx is read with openpyxl's read-only mode; only its shared strings
(bounded by MAX_SHARED_STRINGS) are loaded up front. `read_table` still reads a whole (small)
file into a `Table`.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext as _

from portfolio.exports.formats import unescape_text

MAX_BYTES = 50 * 1024 * 1024         # uploaded file
MAX_UNPACKED = 400 * 1024 * 1024     # an xlsx is a zip: its contents unpacked
# Data rows. Files of more than a few hundred rows are imported by a background job, streamed
# in two passes; 50 000 rows take a few minutes (the services write each row with its change
# log), so this is a sanity limit, not a memory one.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
# Rows read at all, empty ones included (a file can claim a million rows in a few bytes).
MAX_SCANNED_ROWS = 2 * MAX_ROWS + 1000
MAX_SHARED_STRINGS = 32 * 1024 * 1024   # openpyxl loads every shared string up front
MAX_CELL_TEXT = 100_000   # characters in one cell: far above any field's limit (10 000)
PREFERRED_SHEET = "Initiativ"

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"      # the old binary .xls format
CHUNK = 1 << 20


class ReadError(ValueError):
    """The file as a whole cannot be read; `message` says why in Swedish, `status` is the HTTP
    status a view should answer with."""

    def __init__(self, message: str, status: int = 400):
        self.message = message
        self.status = status
        super().__init__(message)


# --- where the bytes are ------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """An uploaded file that can be read from its start as often as needed: bytes in memory, a
    file in the file store, or the request's (seekable, spooled) upload stream."""

    filename: str
    size: int
    _opener: Callable[[], IO[bytes]]
    _closes: bool = True

    @property
    def name(self) -> str:
        """The file's base name, as the user sees it in the problem list (a CSV's 'sheet')."""
        return (self.filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1] or "fil"

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        handle = self._opener()
        try:
            yield handle
        finally:
            if self._closes:
                handle.close()

    @classmethod
    def from_bytes(cls, data: bytes, filename: str) -> Source:
        return cls(filename, len(data), lambda: io.BytesIO(data))

    @classmethod
    def from_path(cls, path: str | os.PathLike, filename: str) -> Source:
        return cls(filename, os.path.getsize(path), lambda: open(path, "rb"))

    @classmethod
    def from_stream(cls, stream: IO[bytes], filename: str) -> Source:
        """A seekable stream that stays open (the request's upload); rewound for every read."""
        stream.seek(0, os.SEEK_END)
        size = stream.tell()

        def rewound() -> IO[bytes]:
            stream.seek(0)
            return stream
        return cls(filename, size, rewound, _closes=False)


@dataclass(frozen=True)
class Kind:
    """What `inspect` found: an xlsx, or a CSV with its encoding and delimiter."""

    format: str                   # "xlsx" or "csv"
    encoding: str = "utf-8-sig"
    delimiter: str = ","


@dataclass
class Table:
    sheet: str                                   # sheet name (the file name for a CSV)
    headers: list[str]                           # row 1, stripped ("" for an empty cell)
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)


@dataclass
class RowStream:
    """One read of the file: its sheet, its header, and its data rows as they are read."""

    sheet: str
    headers: list[str]
    rows: Iterator[tuple[int, list]]


def _not_xlsx() -> ReadError:
    return ReadError(_("Filen kunde inte läsas som Excel-fil (.xlsx). Den kan vara skadad; öppna "
                       "den i Excel eller LibreOffice och spara den igen."))


def inspect(source: Source, *, thorough: bool = True) -> Kind:
    """Check the file as a whole; raises ReadError with a message for the user. `thorough`
    false skips the scan for huge cells (a quick look to count rows; the import scans)."""
    lower = source.name.lower()
    if source.size > MAX_BYTES:
        raise ReadError(_("Filen är för stor (högst %(mb)d MB). Dela upp den i flera filer.",
                          mb=MAX_BYTES // (1024 * 1024)), status=413)
    if not source.size:
        raise ReadError(_("Filen är tom."))
    with source.open() as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise ReadError(_("Det gamla Excelformatet (.xls) stöds inte. Spara filen som Excel-arbetsbok "
                          "(.xlsx) eller som CSV och försök igen."))
    if head.startswith(XLSX_MAGIC):
        _check_xlsx(source, thorough=thorough)
        return Kind("xlsx")
    if lower.endswith((".xlsx", ".xlsm")):
        raise _not_xlsx()
    if lower.endswith((".csv", ".txt")):
        return _check_csv(source)
    raise ReadError(_("Filtypen stöds inte. Ladda upp en Excel-fil (.xlsx) eller en CSV-fil (.csv)."))


@contextmanager
def open_rows(source: Source, kind: Kind) -> Iterator[RowStream]:
    """Read the file from its start. Reading the rows may raise ReadError (too many rows, data
    beyond the last column, a broken CSV record)."""
    if kind.format == "xlsx":
        with _open_xlsx(source) as stream:
            yield stream
    else:
        with _open_csv(source, kind) as stream:
            yield stream


def read_table(data: bytes, filename: str) -> Table:
    """The whole table in `data` (for small files and tests); raises ReadError."""
    source = Source.from_bytes(data, filename)
    with open_rows(source, inspect(source)) as stream:
        return Table(stream.sheet, stream.headers, list(stream.rows))


def count_rows(source: Source, *, limit: int) -> int:
    """The number of data rows, counted up to `limit` + 1 (enough to choose between importing
    now and a background job). Raises ReadError when the file cannot be read that far (the
    answer the import would give, without reading the file a second time)."""
    with open_rows(source, inspect(source, thorough=False)) as stream:
        counted = 0
        for _row in stream.rows:
            counted += 1
            if counted > limit:
                break
        return counted


# --- xlsx -------------------------------------------------------------------------------------

def _longest_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The longest run of characters between two tags in one XML part, read in chunks: a cell's
    text is such a run, so one huge cell is found before openpyxl holds it in memory."""
    longest = run = 0
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            start = 0
            while (end := chunk.find(b"<", start)) != -1:
                longest = max(longest, run + end - start)
                run, start = 0, end + 1
            run += len(chunk) - start
    return max(longest, run)


def _check_xlsx(source: Source, *, thorough: bool) -> None:
    try:
        with source.open() as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            shared = sum(info.file_size for info in infos
                         if info.filename.lower().endswith("sharedstrings.xml"))
            longest = 0
            if thorough and unpacked <= MAX_UNPACKED and shared <= MAX_SHARED_STRINGS:
                longest = max((_longest_text(archive, info) for info in infos
                               if info.filename.lower().endswith(".xml")), default=0)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_xlsx() from None
    if unpacked > MAX_UNPACKED or shared > MAX_SHARED_STRINGS:
        raise ReadError(_("Filen innehåller för mycket data. Dela upp den i flera filer."), status=413)
    if longest > MAX_CELL_TEXT:
        raise ReadError(_("En cell i filen innehåller mer än %(max)d tecken. Korta texten och försök igen.",
                          max=MAX_CELL_TEXT), status=413)


@contextmanager
def _open_xlsx(source: Source) -> Iterator[RowStream]:
    from openpyxl import load_workbook

    with source.open() as handle:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for broken files; all mean the same here
            raise _not_xlsx() from None
        try:
            try:
                sheets = book.worksheets
                if not sheets:
                    raise ReadError(_("Excelfilen innehåller inga kalkylblad."))
                sheet = next((s for s in sheets
                              if s.title.strip().casefold() == PREFERRED_SHEET.casefold()), sheets[0])
                # Read the rows that are there, not the size the file claims (it can claim too
                # little, hiding rows, or a million rows), and never wider than the column limit.
                sheet.reset_dimensions()
                headers, data_rows = _split(_guarded(sheet.iter_rows(max_col=MAX_COLUMNS + 1,
                                                                     values_only=True)))
            except ReadError:
                raise
            except Exception:
                raise _not_xlsx() from None
            yield RowStream(sheet.title, headers, data_rows)
        finally:
            book.close()


def _guarded(rows) -> Iterator:
    """openpyxl's rows, with any error of a broken file turned into the user's message."""
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except ReadError:
            raise
        except Exception:
            raise _not_xlsx() from None
        yield row


# --- CSV --------------------------------------------------------------------------------------

def _check_csv(source: Source) -> Kind:
    """Find the encoding by decoding the whole file in chunks (UTF-8, else Windows-1252, which
    Excel's "CSV (semikolonavgränsad)" writes on Swedish Windows), and the delimiter from the
    header line."""
    encoding = None
    for candidate in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(candidate)()
        first_line = ""
        try:
            with source.open() as handle:
                while chunk := handle.read(CHUNK):
                    if b"\x00" in chunk:
                        raise ReadError(_("Filen är ingen textfil. Ladda upp en Excel-fil (.xlsx) "
                                          "eller en CSV-fil (.csv)."))
                    text = decoder.decode(chunk)
                    if "\n" not in first_line:
                        first_line += text[:CHUNK]
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        encoding = candidate
        break
    if encoding is None:
        raise ReadError(_("CSV-filens teckenkodning känns inte igen. Spara den som CSV i UTF-8 och "
                          "försök igen."))
    return Kind("csv", encoding, _delimiter(first_line.lstrip("\ufeff")))


def _delimiter(text: str) -> str:
    """The separator of the header line: semicolon (Swedish Excel, LibreOffice), comma or tab."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_error(exc: csv.Error) -> ReadError:
    return ReadError(_("CSV-filen kunde inte tolkas (%(detail)s). Kontrollera citattecknen och "
                       "försök igen.", detail=str(exc)))


@contextmanager
def _open_csv(source: Source, kind: Kind) -> Iterator[RowStream]:
    with source.open() as handle:
        text = io.TextIOWrapper(handle, encoding=kind.encoding, newline="")
        try:
            records = csv.reader(text, delimiter=kind.delimiter, strict=True)

            def rows() -> Iterator[list]:
                first = True
                while True:
                    try:
                        record = next(records)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        raise _csv_error(exc) from None
                    if first and record:
                        record[0] = record[0].lstrip("\ufeff")
                    first = False
                    yield [unescape_text(cell) if cell != "" else None for cell in record]

            headers, data_rows = _split(rows())
            yield RowStream(source.name, headers, data_rows)
        finally:
            text.detach()     # the source closes (or keeps) the underlying stream


# --- rows -------------------------------------------------------------------------------------

def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _split(rows) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The header (read now, checked) and the data rows (read as they are iterated)."""
    iterator = iter(rows)
    header_row = next(iterator, None)
    if header_row is None or all(_empty(v) for v in header_row):
        raise ReadError(_("Första raden ska innehålla kolumnrubrikerna (som i mallen), men den är tom."))
    headers = ["" if _empty(v) else str(v).strip() for v in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise ReadError(_("Filen har för många kolumner (högst %(max)d).", max=MAX_COLUMNS))
    return headers, _data_rows(iterator, len(headers))


def _data_rows(iterator: Iterator, header_width: int) -> Iterator[tuple[int, list]]:
    kept = 0
    for number, row in enumerate(iterator, start=2):
        if number > MAX_SCANNED_ROWS:
            raise ReadError(_("Filen har fler än %(max)d rader (tomma rader medräknade). Ta bort tomma rader "
                              "eller dela upp filen.", max=MAX_SCANNED_ROWS), status=413)
        if row.count(None) == len(row):      # fast for the gap rows of a sparse sheet
            continue
        cells = list(row)
        if all(_empty(v) for v in cells):
            continue
        if any(not _empty(v) for v in cells[MAX_COLUMNS:]):
            raise ReadError(_("Rad %(row)d har data efter kolumn %(max)d. Ta bort den och försök igen.",
                              row=number, max=MAX_COLUMNS))
        cells = cells[:MAX_COLUMNS]
        if kept >= MAX_ROWS:
            raise ReadError(_("Filen har fler än %(max)d rader med data. Dela upp den i flera filer.",
                              max=MAX_ROWS), status=413)
        kept += 1
        width = max(header_width, len(cells))
        yield number, (cells + [None] * width)[:width]
