"""Amounts in kronor on chart axes and in hovers: Swedish, "1,5 mnkr" / "90 000 kr", never
"1.5M" or "90k"; ticks computed in Python so the browser and the report's SVG show the same."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go
import pytest

from portfolio.plotting import money_axis, money_text, money_ticks

NBSP = "\u00a0"


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


@pytest.mark.parametrize(("value", "shown"), [
    (90000, "90 000 kr"), (Decimal("1534000"), "1,5 mnkr"), (12_000_000, "12 mnkr"), (1_000_000, "1 mnkr"),
    (999_999.4, "999 999 kr"), (-1_534_000.0, "\u22121,5 mnkr"), (0, "0 kr"), (None, "")])
def test_money_text(value, shown):
    assert plain(money_text(value)) == shown


def test_ticks_in_millions_from_one_million():
    values, texts, millions = money_ticks(0, 1_534_000)
    assert millions
    assert values[0] == 0 and values[-1] >= 1_534_000
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) == 1                                   # evenly spaced
    assert "1,5 mnkr" in [plain(t) for t in texts] and plain(texts[0]) == "0 kr"
    assert all(plain(t).endswith(" mnkr") for t in texts[1:])
    assert not any("M" in t or "." in t for t in texts)


def test_ticks_in_kronor_below_one_million():
    values, texts, millions = money_ticks(0, 90_000)
    assert not millions
    assert values[-1] >= 90_000 and values[-1] < 200_000
    assert all(plain(t) == f"{v:,.0f} kr".replace(",", " ") for v, t in zip(values, texts, strict=True))
    assert not any("k" in t.replace("kr", "") for t in texts)


def test_ticks_cover_negative_values():
    values, texts, millions = money_ticks(-200_000, 1_534_000)
    assert millions and values[0] < -200_000 + 1 and 0 in values
    assert plain(texts[0]).startswith("\u2212") and plain(texts[0]).endswith(" mnkr")
    values, texts, millions = money_ticks(-45_000, 0)
    assert not millions and values[0] <= -45_000 and values[-1] == 0
    assert plain(texts[0]).startswith("\u2212") and plain(texts[0]).endswith(" kr")


def test_nothing_to_show_is_one_zero_tick():
    assert money_ticks(0, 0) == ([0.0], ["0 kr"], False)


def test_money_axis_uses_stacked_totals_and_sets_hovers():
    fig = go.Figure()
    fig.add_bar(name="Centrala medel", x=["A", "B"], y=[600_000, 100_000])
    fig.add_bar(name="Egen budget", x=["A", "B"], y=[600_000, 50_000])
    fig.update_layout(barmode="stack")
    money_axis(fig)
    axis = fig.layout.yaxis
    # Each bar alone is under a million, stacked A reaches 1,2 million: the axis is in millions.
    assert axis.title.text == "Miljoner kronor"
    assert axis.tickvals[-1] >= 1_200_000 and list(axis.range) == [axis.tickvals[0], axis.tickvals[-1]]
    assert any(plain(t).endswith("mnkr") for t in axis.ticktext)
    first = fig.data[0]
    assert [plain(c) for c in first.customdata] == ["600 000 kr", "100 000 kr"]
    assert "%{fullData.name}" in first.hovertemplate and "%{customdata}" in first.hovertemplate
    assert "%{x}" in first.hovertemplate


def test_money_axis_on_x_for_horizontal_bars_in_kronor():
    fig = go.Figure(go.Bar(x=[90_000, 40_000], y=["A", "B"], orientation="h"))
    money_axis(fig, "x")
    assert fig.layout.xaxis.title.text == "Kronor"
    assert "90 000 kr" in [plain(c) for c in fig.data[0].customdata]
    assert "%{y}" in fig.data[0].hovertemplate and "fullData.name" not in fig.data[0].hovertemplate
    assert fig.layout.yaxis.tickvals is None


def test_money_axis_keeps_gaps_and_never_pastes_a_name_into_the_template():
    fig = go.Figure(go.Scatter(name="<b>x</b>", x=["2025", "2026"], y=[2_000_000, None]))
    money_axis(fig)
    assert [plain(c) for c in fig.data[0].customdata] == ["2 mnkr", ""]
    assert "<b>" not in fig.data[0].hovertemplate          # the name is read by plotly, not pasted in
