"""Money and numbers on screen: öre when there are öre, a real minus sign, non-breaking spaces."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.templating import format_cell, format_decimal, format_kronor

NB = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("1234.5"), f"1{NB}234,50{NB}kr"),          # öre shown, never rounded to 1 235
    (Decimal("1234.50"), f"1{NB}234,50{NB}kr"),
    (Decimal("1234.05"), f"1{NB}234,05{NB}kr"),
    (Decimal("1234.00"), f"1{NB}234{NB}kr"),            # whole: no ",00"
    (1234, f"1{NB}234{NB}kr"),
    (Decimal("0.5"), f"0,50{NB}kr"),
    (Decimal(0), f"0{NB}kr"),
    (Decimal("-1234"), f"{MINUS}1{NB}234{NB}kr"),
    (Decimal("-1234.5"), f"{MINUS}1{NB}234,50{NB}kr"),
    (Decimal("-0.001"), f"0{NB}kr"),                    # rounds to zero: no sign
    (Decimal("1234567890.12"), f"1{NB}234{NB}567{NB}890,12{NB}kr"),
])
def test_kronor_shows_ore_only_when_there_are_ore(value, text):
    assert format_kronor(value) == text


def test_kronor_can_be_forced_either_way():
    assert format_kronor(Decimal(1234), decimals=True) == f"1{NB}234,00{NB}kr"
    assert format_kronor(Decimal("-1234.5"), decimals=False) == f"{MINUS}1{NB}235{NB}kr"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("-2"), f"{MINUS}2"), (Decimal("-0.25"), f"{MINUS}0,25"), (Decimal("1.50"), "1,5"),
    (Decimal("-0"), "0"), (Decimal("100"), "100"), (None, "–"),
])
def test_decimal_uses_a_real_minus_sign(value, text):
    assert format_decimal(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (-1234, f"{MINUS}1{NB}234"), (Decimal("-1234.4"), f"{MINUS}1{NB}234"),
    (Decimal("-0.5"), f"{MINUS}0,5"), (-3.25, f"{MINUS}3,25"), (1234, f"1{NB}234"),
    (Decimal("-0.001"), "0"), (True, "ja"), ("text", "text"),
])
def test_cell_uses_a_real_minus_sign(value, text):
    assert format_cell(value) == text


@given(st.decimals(min_value=-10**11, max_value=10**11, places=2, allow_nan=False))
def test_kronor_round_trips_and_never_uses_a_hyphen(value):
    text = format_kronor(value)
    assert "-" not in text and text.endswith(f"{NB}kr") and " " not in text
    number = text.removesuffix(f"{NB}kr").replace(NB, "").replace(",", ".").replace(MINUS, "-")
    assert Decimal(number) == value
