"""One parser and one formatter for numbers, in the user's locale (babel.numbers)."""

from decimal import Decimal

import pytest

from portfolio.numbers import format_cell, format_kronor, format_number, format_plain, parse_decimal, parse_shares

MINUS, NBSP = "\u2212", "\u00a0"


@pytest.mark.parametrize("text, expected", [
    ("1 234,50", Decimal("1234.50")), ("1\u00a0234,5", Decimal("1234.5")), ("1234.5", Decimal("1234.5")),
    ("−2", Decimal(-2)), ("-2,5", Decimal("-2.5")), ("15 000 kr", Decimal(15000)), ("50 %", Decimal(50)),
    ("", None), ("   ", None), (None, None), (7, Decimal(7)), (0.1, Decimal("0.1")),
])
def test_swedish_input_the_way_people_type_it(text, expected):
    assert parse_decimal(text, locale="sv") == expected


@pytest.mark.parametrize("text", ["1e5", "inf", "NaN", "12a", "1,2,3", "٣", "--1", True, "kr", "%"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_decimal(text, locale="sv")


def test_places_and_bounds():
    assert parse_decimal("1,50", places=2, locale="sv") == Decimal("1.50")
    with pytest.raises(ValueError):
        parse_decimal("1,505", places=2, locale="sv")
    with pytest.raises(ValueError):
        parse_decimal("-1", minimum=0, locale="sv")
    with pytest.raises(ValueError):
        parse_decimal("101", maximum=100, locale="sv")


def test_english_locale_reads_a_comma_as_thousands():
    assert parse_decimal("1,234.50", locale="en") == Decimal("1234.50")


def test_shares():
    assert parse_shares("50; 80 %", locale="sv") == (Decimal("0.5"), Decimal("0.8"))
    assert parse_shares("", locale="sv") == ()
    for text in ("50; 120", "50; %"):
        with pytest.raises(ValueError):
            parse_shares(text, locale="sv")


def test_formats_in_swedish_and_english():
    assert format_kronor(Decimal("-1234.5"), locale="sv") == f"{MINUS}1{NBSP}234,50{NBSP}kr"
    assert format_kronor(Decimal("1234.00"), locale="sv") == f"1{NBSP}234{NBSP}kr"
    assert format_kronor(Decimal("1234.5"), locale="en") == f"1,234.50{NBSP}kr"
    assert format_number(Decimal("2.5"), locale="sv") == "3"            # half up, not half even
    assert format_number(Decimal("-0.4"), locale="sv") == "0"           # never "−0"
    assert format_plain(Decimal("1.50"), locale="sv") == "1,5"
    assert format_cell(Decimal("0.125"), locale="sv") == "0,13"
    assert format_cell(None) == "–"
