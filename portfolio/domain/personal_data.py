"""Personal data in free text: Swedish personal identity numbers (personnummer and
samordningsnummer), e-mail addresses and Swedish phone numbers.

Used before text is published (the open data): what is found is shown to a person who decides,
so the check leans towards finding too much rather than too little, but not on the numbers a
portfolio's text is full of: dates (2026-11-29), year ranges (2020-2023), amounts (450 000 kr),
references (DIG-2026-001). A personal identity number must have a real date and a valid check
digit (Luhn), which rules out nearly every other ten-digit number.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
EMAIL = "email"
PHONE = "phone"
KINDS = (PERSONNUMMER, SAMORDNINGSNUMMER, EMAIL, PHONE)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind, the field it is in and where in the field's text."""

    kind: str
    field: str
    start: int
    end: int
    text: str


# YYYYMMDD or YYMMDD, an optional separator ("-", "+" for a hundred years or older, a space),
# then the three-digit birth number and the check digit. Not part of a longer number.
_IDENTITY = re.compile(
    r"(?<![\d])(?<![\d][-+])"
    r"(?P<century>\d{2})??(?P<date>\d{6})[-+ ]?(?P<number>\d{3})(?P<check>\d)"
    r"(?![\d])(?![-+]\d)")
_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
# A Swedish number: +46 / 0046 (with an optional "(0)") or the trunk 0, an area code (8, 16, 70,
# 152 ...), one separator after the area code, then the subscriber number in groups separated
# by spaces (016-12 34 56, 08-123 456 78, 070-123 45 67, +46 70 123 45 67, 0701234567).
_SPACE = "[ \u00a0]"
_PHONE = re.compile(
    r"(?<![\w+/-])(?<!\d[ \u00a0])"          # not a group of a longer number (1 010 000 kr)
    rf"(?:(?P<intl>(?:\+|00)46){_SPACE}?(?:\(0\){_SPACE}?)?|\(?0)"
    r"(?P<area>[1-9]\d{0,3})\)?"
    rf"(?:{_SPACE}?[-–/]{_SPACE}?|{_SPACE})?"
    rf"(?P<subscriber>\d{{2,4}}(?:{_SPACE}?\d{{2,4}}){{0,3}})"
    r"(?![\d])(?![-–.,/]\d)")


def luhn_ok(digits: str) -> bool:
    """The Luhn check over all the digits (the last one being the check digit)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def identity_kind(century: str | None, yymmdd: str, number: str, check: str) -> str | None:
    """PERSONNUMMER or SAMORDNINGSNUMMER when the parts make a valid number, else None."""
    if century is not None and century not in ("18", "19", "20"):
        return None
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    kind = PERSONNUMMER
    if day > 60:                      # samordningsnummer: the day plus 60
        kind, day = SAMORDNINGSNUMMER, day - 60
    if not 1 <= month <= 12 or day < 1:
        return None
    year = int(century + yymmdd[:2]) if century else 2000     # no century: 29 February allowed
    if day > monthrange(year, month)[1]:
        return None
    return kind if luhn_ok(yymmdd + number + check) else None


def _identity_numbers(text: str, field: str) -> list[Finding]:
    found = []
    for m in _IDENTITY.finditer(text):
        kind = identity_kind(m.group("century"), m.group("date"), m.group("number"), m.group("check"))
        if kind is not None:
            found.append(Finding(kind, field, m.start(), m.end(), m.group()))
    return found


def _phone_numbers(text: str, field: str) -> list[Finding]:
    found = []
    for m in _PHONE.finditer(text):
        national = "0" + m.group("area") + re.sub(r"\D", "", m.group("subscriber"))
        if not 8 <= len(national) <= 10:
            continue
        if national.startswith("07") and len(national) != 10:     # mobile numbers: 07x xxx xx xx
            continue
        found.append(Finding(PHONE, field, m.start(), m.end(), m.group()))
    return found


def find_in_text(text: str | None, field: str = "") -> list[Finding]:
    """Every piece of personal data in one text, in order. A number that is both a personal
    identity number and a possible phone number counts once, as the identity number."""
    if not text:
        return []
    identities = _identity_numbers(text, field)
    taken = [(f.start, f.end) for f in identities]
    phones = [f for f in _phone_numbers(text, field)
              if not any(f.start < end and start < f.end for start, end in taken)]
    emails = [Finding(EMAIL, field, m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)]
    return sorted(identities + phones + emails, key=lambda f: f.start)


def find_personal_data(texts: Mapping[str, str | None]) -> list[Finding]:
    """Every piece of personal data in the named texts (field name → text), field by field."""
    return [finding for field, text in texts.items() for finding in find_in_text(text, field)]
