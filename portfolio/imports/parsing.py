"""Cell values → Python values, with a Swedish message when a cell cannot be read.

Cells come from openpyxl (str, int, float, datetime, bool) or from CSV (str). Numbers accept the
decimal comma and spaces as thousands separators ("1 234,50"); dates are ISO (2026-03-01) or
Excel dates. Reference data is matched by code or name, case-insensitively.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from portfolio.forms_base import DATE_MAX, DATE_MIN
from portfolio.initiatives.models import FundingLine, StaffingLine
from portfolio.numbers import parse_decimal

YEAR_MIN, YEAR_MAX = FundingLine.LIMITS["year_min"], FundingLine.LIMITS["year_max"]
_EXPONENT = re.compile(r"\d[eE]")
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


class CellError(ValueError):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def text(value) -> str | None:
    """A cell as text (None when empty); newlines as \\n; numbers without a trailing .0."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    result = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return result or None


def same_text(a: str | None, b: str | None) -> bool:
    """Equal apart from the newline convention and surrounding space (Excel turns \\r\\n into
    \\n; a browser sends \\r\\n)."""
    def norm(v):
        return (v or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return norm(a) == norm(b)


def number(value, *, places: int, maximum: Decimal) -> Decimal:
    """'1 234,50', '1234.5', 1234.5 → Decimal; at most `places` decimals, 0..maximum."""
    if isinstance(value, bool):
        raise CellError(_("«%(value)s» är inget tal.", value=value))
    raw = value.strip() if isinstance(value, str) else value
    try:
        # Import files are Swedish whatever language the importer reads the site in; a number
        # written as 1e5 is a typing mistake in a budget, not an amount.
        result = None if isinstance(raw, str) and _EXPONENT.search(raw) else parse_decimal(raw, locale="sv")
    except ValueError:
        result = None
    if result is None:
        raise CellError(_("«%(value)s» är inget tal. Skriv t.ex. 1 234,50.", value=raw))
    if result < 0:
        raise CellError(_("«%(value)s»: talet kan inte vara negativt.", value=value))
    if result > maximum:
        raise CellError(_("«%(value)s»: talet får inte vara större än %(max)s.", value=value, max=maximum))
    if result != result.quantize(Decimal(1).scaleb(-places)):
        raise CellError(_("«%(value)s»: högst %(places)d decimaler.", value=value, places=places))
    return result


def a_date(value) -> date | None:
    """An ISO date, an Excel date cell or an Excel serial number; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    result = None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    # Excel serial numbers of plausible dates (1955–2119); a bare 2026 is a year, not a date.
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 <= value < 80000:
        from openpyxl.utils.datetime import from_excel

        result = from_excel(value)
        result = result.date() if isinstance(result, datetime) else result
    elif isinstance(value, str):
        match = _ISO_DATE.fullmatch(value.strip())
        if match:
            try:
                result = date.fromisoformat(match.group(1))
            except ValueError:
                result = None
    if not isinstance(result, date):
        raise CellError(_("«%(value)s» är inget giltigt datum. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.",
                          value=value))
    if not DATE_MIN <= result <= DATE_MAX:
        raise CellError(_("Ange ett datum mellan 1900 och 2100."))
    return result


def yes_no(value) -> bool:
    """ja/nej (also yes/no, true/false, 1/0, x); empty is nej."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in ("ja", "j", "yes", "y", "true", "sant", "1", "x"):
        return True
    if word in ("nej", "n", "no", "false", "falskt", "0", ""):
        return False
    raise CellError(_("«%(value)s»: skriv ja eller nej.", value=value))


def _key(name: str) -> str:
    collapsed = " ".join(str(name).split()).casefold()
    return re.sub(r"\s*([,;])\s*", r"\1", collapsed)


class Lookup:
    """Reference rows (units, areas, principles, funding sources) by code, name or label."""

    def __init__(self, rows, extra_keys=lambda row: ()):
        self.rows = list(rows)
        self._by_key: dict[str, object] = {}
        for row in self.rows:
            for name in (getattr(row, "name", None), *extra_keys(row), getattr(row, "code", None)):
                if name:
                    self._by_key[_key(name)] = row

    def get(self, value: str):
        return self._by_key.get(_key(value))

    def many(self, value: str) -> tuple[list, list[str]]:
        """Rows named in a list separated by commas or semicolons; names may themselves contain a
        comma (the longest match wins). Returns (rows, the parts not recognised)."""
        parts = [p.strip() for p in re.split(r"[,;\n]", value)]
        found, unknown, i = [], [], 0
        while i < len(parts):
            if not parts[i]:
                i += 1
                continue
            for j in range(min(len(parts), i + 6), i, -1):
                row = self._by_key.get(_key(",".join(parts[i:j])))
                if row is not None:
                    if row not in found:
                        found.append(row)
                    i = j
                    break
            else:
                unknown.append(parts[i])
                i += 1
        return found, unknown


def _year(text_value: str) -> int | None:
    text_value = text_value.strip()
    if not (text_value.isascii() and text_value.isdigit()):
        return None
    year = int(text_value)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def _entries(value) -> list[str]:
    return [e.strip() for e in re.split(r"[;\n]", text(value) or "") if e.strip()]


def funding(value, sources: Lookup) -> tuple[list[tuple[int, Any, Decimal]], list[str]]:
    """'2025 Egen ram: 450000; 2026 Statsbidrag: 1 234,50' → [(year, source, amount)], messages."""
    lines, messages, seen = [], [], set()
    for entry in _entries(value):
        head, colon, amount_text = entry.rpartition(":")
        year_text, _space, source_text = head.strip().partition(" ")
        year = _year(year_text) if colon else None
        if not colon or year is None or not source_text.strip() or not amount_text.strip():
            messages.append(_("«%(entry)s» ska skrivas som år, källa, kolon och belopp, t.ex. «2025 Egen ram: "
                              "450000». Skilj flera åt med semikolon. Året ska vara mellan %(min)d och %(max)d.",
                              entry=entry, min=YEAR_MIN, max=YEAR_MAX))
            continue
        source = sources.get(source_text)
        if source is None:
            messages.append(_("Okänd finansieringskälla «%(source)s». Giltiga källor: %(valid)s.",
                              source=source_text.strip(), valid=", ".join(s.name for s in sources.rows)))
            continue
        try:
            amount = number(amount_text, places=2, maximum=Decimal(FundingLine.LIMITS["amount_max"]))
        except CellError as err:
            messages.append(err.message)
            continue
        if (year, source.id) in seen:
            messages.append(_("%(year)d %(source)s förekommer två gånger.", year=year, source=source.name))
            continue
        seen.add((year, source.id))
        lines.append((year, source, amount))
    return lines, messages


def staffing(value) -> tuple[list[tuple[int, Decimal]], list[str]]:
    """'2025: 1,5; 2026: 2' → [(year, fte)], messages."""
    lines, messages, seen = [], [], set()
    for entry in _entries(value):
        year_text, colon, fte_text = entry.partition(":")
        year = _year(year_text) if colon else None
        if year is None or not fte_text.strip():
            messages.append(_("«%(entry)s» ska skrivas som år, kolon och antal årsarbetare, t.ex. «2025: 1,5». "
                              "Skilj flera åt med semikolon. Året ska vara mellan %(min)d och %(max)d.",
                              entry=entry, min=YEAR_MIN, max=YEAR_MAX))
            continue
        try:
            fte = number(fte_text, places=2, maximum=Decimal(StaffingLine.LIMITS["fte_max"]))
        except CellError as err:
            messages.append(err.message)
            continue
        if year in seen:
            messages.append(_("Året %(year)d förekommer två gånger.", year=year))
            continue
        seen.add(year)
        lines.append((year, fte))
    return lines, messages
