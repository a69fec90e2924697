"""Personal data in free text (before it is published as open data): hand cases, positives and
negatives, and properties over generated identity numbers, dates and amounts."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.domain import personal_data as pd


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in pd.find_in_text(text)]


def with_check_digit(nine: str) -> str:
    """The tenth digit that makes the Luhn check pass."""
    return next(nine + str(d) for d in range(10) if pd.luhn_ok(nine + str(d)))


@pytest.mark.parametrize("text, expected", [
    ("Kontakt: 811218-9876", [(pd.PERSONNUMMER, "811218-9876")]),
    ("pnr 8112189876.", [(pd.PERSONNUMMER, "8112189876")]),
    ("19811218-9876 ringde", [(pd.PERSONNUMMER, "19811218-9876")]),
    ("198112189876", [(pd.PERSONNUMMER, "198112189876")]),
    ("hundraåring 811218+9876", [(pd.PERSONNUMMER, "811218+9876")]),
    ("811218 9876", [(pd.PERSONNUMMER, "811218 9876")]),
    ("samordningsnummer 811278-9873", [(pd.SAMORDNINGSNUMMER, "811278-9873")]),
    ("(19811278-9873)", [(pd.SAMORDNINGSNUMMER, "19811278-9873")]),
])
def test_identity_numbers_are_found(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    "811218-9877",              # wrong check digit
    "811318-9876",              # no month 13
    "810230-1234",              # no 30 February
    "21811218-9876",            # no such century
    "2120002627",               # an organisation number (its "month" is 20 or more)
    "212000-2627",
    "Eskilstuna kommun, org.nr 212000-0340",
    "1234567890",
    "98112189876543",           # part of a longer number
])
def test_other_numbers_are_not_identity_numbers(text):
    assert not [k for k, _ in kinds(text) if k in (pd.PERSONNUMMER, pd.SAMORDNINGSNUMMER)]


@pytest.mark.parametrize("text, found", [
    ("Ring 070-123 45 67", "070-123 45 67"),
    ("mobil 0701234567", "0701234567"),
    ("073 123 45 67", "073 123 45 67"),
    ("+46 70 123 45 67", "+46 70 123 45 67"),
    ("+4670-1234567", "+4670-1234567"),
    ("0046 70 123 45 67", "0046 70 123 45 67"),
    ("växel 016-710 10 00", "016-710 10 00"),
    ("016-12 34 56", "016-12 34 56"),
    ("08-123 45 67", "08-123 45 67"),
    ("08-12 34 56", "08-12 34 56"),
    ("(08) 123 456 78", "(08) 123 456 78"),
    ("+46 8 123 456 78", "+46 8 123 456 78"),
    ("+46(0)16-12 34 56", "+46(0)16-12 34 56"),
    ("0152-123 45", "0152-123 45"),
])
def test_phone_numbers_are_found(text, found):
    assert kinds(text) == [(pd.PHONE, found)]


@pytest.mark.parametrize("text, found", [
    ("Skicka till anna.andersson@eskilstuna.se.", "anna.andersson@eskilstuna.se"),
    ("<kontakt+test@exempel.com>", "kontakt+test@exempel.com"),
    ("åsa.öberg@kommun.se", "åsa.öberg@kommun.se"),
])
def test_email_addresses_are_found(text, found):
    assert kinds(text) == [(pd.EMAIL, found)]


@pytest.mark.parametrize("text", [
    "Beslut 2026-11-29, start 2026-01-05, slut 2027-12-31.",
    "Mandatperioden 2020-2023 och 2024–2027",
    "Referens DIG-2026-001 och DIG-042-2",
    "Budget 450 000 kr 2026, 1 234 567 kr totalt, 37000000 kr",
    "10 010 000 000 kr och 1 070 123 456 kr",
    "1,5 årsarbetare; 0,5 årsarbetare 2027",
    "Diarienummer KS 2026/0123 och KS-2026-00451",
    "Möte 08.30–12.00, 13:15",
    "01.12.2026 och 03-12-2026",
    "Postadress 631 86 Eskilstuna",
    "Version 0.10.2 av systemet",
    "Ett e-postsystem (Outlook) och @-tecknet",
    "",
])
def test_ordinary_portfolio_text_has_no_personal_data(text):
    assert pd.find_in_text(text) == []


def test_a_number_counts_once_and_fields_are_named():
    found = pd.find_personal_data({
        "title": "Ny tjänst",
        "description": "Ring 070-123 45 67 eller mejla a@b.se; personnummer 811218-9876.",
        "other": None})
    assert [(f.field, f.kind) for f in found] == [
        ("description", pd.PHONE), ("description", pd.EMAIL), ("description", pd.PERSONNUMMER)]
    number = found[0]
    assert "Ring 070-123 45 67 eller"[number.start:number.end] == "070-123 45 67"
    # A personal identity number that could also be read as a phone number counts once, as
    # the identity number (0701234569: born 2007-01-23, check digit right).
    assert kinds("0701234569") == [(pd.PERSONNUMMER, "0701234569")]
    assert kinds("0701234567") == [(pd.PHONE, "0701234567")]


@given(st.dates(date(1900, 1, 1), date(2026, 12, 31)), st.integers(0, 999), st.booleans(),
       st.sampled_from(["", "-", "+"]), st.booleans())
def test_every_valid_identity_number_is_found(born, birth_number, long_form, separator, coordination):
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{birth_number:03d}"
    ten = with_check_digit(nine)
    text = (f"{born:%Y}"[:2] + ten[:6] if long_form else ten[:6]) + separator + ten[6:]
    found = pd.find_in_text(f"Uppgift: {text}.")
    assert [f.kind for f in found] == [pd.SAMORDNINGSNUMMER if coordination else pd.PERSONNUMMER]
    assert found[0].text == text


@settings(max_examples=500)
@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)), st.integers(1, 30))
def test_dates_and_periods_are_never_personal_data(day, years):
    later = day + timedelta(days=365 * years)
    text = (f"{day.isoformat()} – {later.isoformat()}, {day.year}-{later.year}, {day:%Y%m%d}, "
            f"{day:%d/%m/%Y}, DIG-{day.year}-{years:03d}")
    assert pd.find_in_text(text) == []


@settings(max_examples=500)
@given(st.integers(0, 10**11), st.integers(0, 10**9 - 1))
def test_amounts_are_never_personal_data(amount, plain):
    grouped = f"{amount:,}".replace(",", " ")
    assert pd.find_in_text(f"Budget {grouped} kr och {plain} kr") == []
