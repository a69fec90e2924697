"""CSV (UTF-8 with BOM for Excel; comma or Swedish decimal comma with semicolons) and xlsx."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

# A text cell starting with one of these is a formula to Excel/LibreOffice ("CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_text(text: str) -> str:
    """Neutralise a would-be formula with a leading apostrophe (also doubled for text that
    already starts with one, so that `unescape_text` gives back exactly the original)."""
    return "'" + text if text.startswith((*FORMULA_START, "'")) else text


def unescape_text(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith((*FORMULA_START, "'")) else text


def _csv_value(value, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, date):
        return value.isoformat()
    return escape_text(str(value))


def to_csv(columns, rows, *, decimal_comma: bool) -> bytes:
    """Excel-friendly CSV: a BOM, and with the decimal comma the separator is a semicolon (as
    Swedish Excel and LibreOffice expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(v, decimal_comma) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(columns, rows, *, sheet: str) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet[:31]
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"   # text stays text: "=…" in a title is never a formula
    ws.freeze_panes = "A2"
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column[:200])
        ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
