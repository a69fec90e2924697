from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.templating import format_kronor
from portfolio.types import FixedDecimal


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False))
def test_money_round_trips_exactly(value):
    money = FixedDecimal(2)
    assert money.process_result_value(money.process_bind_param(value, None), None) == value


def test_money_refuses_floats_and_extra_decimals():
    money = FixedDecimal(2)
    with pytest.raises(TypeError):
        money.process_bind_param(0.1, None)
    with pytest.raises(ValueError):
        money.process_bind_param(Decimal("1.005"), None)


def test_format_kronor():
    assert format_kronor(Decimal("1234567.5")) == "1\u00a0234\u00a0567,50\u00a0kr"   # öre kept
    assert format_kronor(Decimal("1234567.5"), decimals=False) == "1\u00a0234\u00a0568\u00a0kr"
    assert format_kronor(Decimal("1234.5"), decimals=True) == "1\u00a0234,50\u00a0kr"
    assert format_kronor(None) == "–"
