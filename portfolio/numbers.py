"""The one way numbers are read from and written for people: `babel.numbers` in the user's
locale (Swedish unless the user chose English). Every form field, import cell, template filter,
chart label and export that shows or reads an amount goes through here.

Swedish: "1 234,50" (non-breaking space between thousands, decimal comma, a real minus sign
"−"). Reading is forgiving the way people type: spaces of any kind between thousands, a decimal
point as well as a comma, a hyphen or a real minus sign, an optional "kr" or "%".

Works without Flask (plugins and the PDF use it too): the locale is then Swedish."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_group_symbol,
    get_minus_sign_symbol,
)
from babel.numbers import parse_decimal as babel_parse_decimal

DEFAULT_LOCALE = "sv"
NBSP = "\u00a0"
SPACES = re.compile(r"[\s\u00a0\u202f]+")
UNIT = re.compile(r"(?i)\s*(kr\.?|sek|%)$")
NUMBER_CHARS = re.compile(r"[-+\u22120-9\s\u00a0\u202f.,']+")


def current_locale() -> str:
    """The request's locale (Flask-Babel) when there is one, else Swedish."""
    try:
        from flask import has_request_context
        from flask_babel import get_locale

        if has_request_context():
            return str(get_locale() or DEFAULT_LOCALE)
    except ImportError:   # pragma: no cover - Flask is always installed with the app
        pass
    return DEFAULT_LOCALE


# --- reading --------------------------------------------------------------------------------

def parse_decimal(text, *, places: int | None = None, minimum: Decimal | int | None = None,
                  maximum: Decimal | int | None = None, locale: str | None = None) -> Decimal | None:
    """'1 234,50', '1234.5', '−2', '15 000 kr' → Decimal; '' or None → None. Raises ValueError
    for anything that is not a finite number, has more than `places` decimals or lies outside
    [minimum, maximum]. Numbers (int, float, Decimal) pass through the same checks."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
    elif isinstance(text, float):
        value = Decimal(repr(text))
    else:
        parsed = _parse_text(str(text), locale or current_locale())
        if parsed is None:
            return None
        value = parsed
    if not value.is_finite():
        raise ValueError(text)
    if places is not None and value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(text)
    if minimum is not None and value < Decimal(minimum):
        raise ValueError(text)
    if maximum is not None and value > Decimal(maximum):
        raise ValueError(text)
    return value


def _parse_text(text: str, locale: str) -> Decimal | None:
    if not text.strip():
        return None
    cleaned = UNIT.sub("", text.strip())
    if not cleaned:                             # a unit alone ("kr", "%") is no number
        raise ValueError(text)
    if not NUMBER_CHARS.fullmatch(cleaned):    # no "1e5", "inf", "NaN" or other letters
        raise ValueError(text)
    group = get_group_symbol(locale)
    cleaned = cleaned.replace(get_minus_sign_symbol(locale), "-").replace("\u2212", "-")
    if SPACES.sub("", group) == "":       # Swedish: any space groups thousands
        cleaned = SPACES.sub("", cleaned)
    elif SPACES.search(cleaned):
        raise ValueError(text)
    try:
        return babel_parse_decimal(cleaned, locale=locale, strict=False)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise ValueError(text) from None


def parse_shares(text: str | None, *, locale: str | None = None) -> tuple[Decimal, ...]:
    """A list of percentages separated by semicolons ("50; 80 %" → (0.5, 0.8)), each 0–100.
    Raises ValueError on anything else."""
    if text is None or not str(text).strip():
        return ()
    shares = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        value = parse_decimal(part, minimum=0, maximum=100, locale=locale)
        if value is None:       # cannot happen: the part is not blank
            raise ValueError(text)
        shares.append(value / 100)
    return tuple(shares)


# --- writing --------------------------------------------------------------------------------

def decimal_places(number: Decimal) -> int:
    """How many decimals a finite Decimal is written with (1.50 → 2, 12 → 0)."""
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _rounded(value, places: int) -> Decimal:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _signed(number: Decimal, digits: str, locale: str) -> str:
    """`digits` (of the absolute value) with the locale's minus sign when the number is
    negative; a value shown as zero never gets a sign ("0", not "−0")."""
    negative = number < 0 and any(ch in "123456789" for ch in digits)
    return (get_minus_sign_symbol(locale) if negative else "") + digits


def format_number(value, *, places: int = 0, trim: bool = False, grouped: bool = True,
                  locale: str | None = None) -> str:
    """A number rounded half up to `places` decimals, thousands grouped (non-breaking space in
    Swedish). trim=True drops trailing zero decimals ("1,50" → "1,5", "2,00" → "2")."""
    if value is None:
        return "–"
    loc = locale or current_locale()
    number = _rounded(value, places)
    decimals = ("#" if trim else "0") * places
    pattern = ("#,##0" if grouped else "0") + (f".{decimals}" if places else "")
    digits = format_decimal(abs(number), format=pattern, locale=loc, decimal_quantization=True)
    return _signed(number, digits, loc)


def format_kronor(value, decimals: bool | None = None, *, locale: str | None = None) -> str:
    """Kronor: öre shown when there are öre ("1 234,50 kr"), not when the amount is whole
    ("1 234 kr"); decimals=True always shows öre, False rounds to whole kronor."""
    if value is None:
        return "–"
    amount = _rounded(value, 2)
    if decimals is None:
        decimals = amount != amount.to_integral_value()
    return format_number(amount, places=2 if decimals else 0, locale=locale) + NBSP + "kr"


def format_plain(value, *, locale: str | None = None) -> str:
    """A decimal as entered, without grouping or trailing zeros: 1.50 → "1,5", −2 → "−2"."""
    if value is None:
        return "–"
    number = Decimal(value).normalize()
    places = decimal_places(number)
    return format_number(number, places=places, trim=True, grouped=False, locale=locale)


def format_cell(value, *, locale: str | None = None) -> str:
    """A table cell: whole and large numbers grouped without decimals, small fractions with up
    to two decimals; booleans as ja/nej; dates ISO; anything else as text."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, Decimal, float)):
        number = Decimal(str(value))
        if abs(number) >= 1000 or number == number.to_integral_value():
            return format_number(number, locale=locale)
        return format_number(number, places=2, trim=True, locale=locale)
    return str(value)
