"""The ranked view's display values are what the slower general helpers would write (#16)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

import pytest
from markupsafe import Markup, escape

from portfolio.domain import scoring
from portfolio.numbers import format_kronor
from portfolio.prioritisation.display import bar_parts, kronor_formatter


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_kronor_formatter_writes_what_format_kronor_writes(locale):
    rng = random.Random(16)
    amounts = [Decimal(rng.randrange(-10**13, 10**13)).scaleb(-rng.choice([0, 1, 2, 3, 5]))
               for _ in range(5000)]
    amounts += [Decimal(0), Decimal("-0.004"), Decimal("-0.005"), Decimal("0.005"), Decimal("999.995"),
                Decimal("1E+3"), Decimal("1234567.50"), 0, 7, -3, None]
    kronor = kronor_formatter(locale)
    assert [kronor(a) for a in amounts] == [format_kronor(a, locale=locale) for a in amounts]


@dataclass
class Crit:
    code: str
    name: str


def test_bar_parts_are_the_contributions_escaped_once():
    criteria = [Crit("a", "Nytta & <effekt>"), Crit("b", "Kostnad"), Crit("c", "Noll")]
    weights = {"a": Decimal("3"), "b": Decimal("1.5"), "c": Decimal(0)}
    styles = {"a": "s0", "b": "s1", "c": "s2"}
    parts = dict(bar_parts(criteria, weights, styles))
    assert set(parts) == {"a", "b"}            # a criterion weighted 0 adds no part
    shares = scoring.contributions({"a": 4, "b": 2}, weights)
    assert parts["a"]["4"] == Markup(
        f'<span class="breakdown__part s0" style="width: {shares["a"]:.2f}%" '
        f'title="{escape("Nytta & <effekt>: 4")}"></span>')
    assert f'{shares["b"]:.2f}%' in parts["b"]["2"] and parts["b"]["-"] == ""
