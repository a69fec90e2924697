"""Plotly helpers: escaping, a Swedish base layout, shapes that do not rely on colour alone, and
amounts in kronor on axes and in hovers. Used by pages and by dashboard plugins; only `figure`
looks at the current app (one setting), and works without one."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, Protocol

import plotly.graph_objects as go
from flask import current_app, has_app_context
from flask_babel import gettext as _
from markupsafe import escape

from portfolio.numbers import format_number

# Ten colours that stay apart for common colour-vision deficiencies (Okabe–Ito and Tol, darkened
# for contrast on white), and ten fill patterns: series i gets colour i AND pattern i, so no two
# series (e.g. the ten phases) look alike in colour, in grey print or to a colour-blind reader.
PALETTE = ["#00476b", "#b35806", "#1d6b32", "#7b3294", "#a3161c", "#4a525c", "#0072b2",
           "#8c6d00", "#cc79a7", "#117733"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down",
           "pentagon", "hexagon"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
PATTERNS = ["", "/", ".", "x", "-", "+", "\\", "|", "/", "."]
# The last two repeat a shape, drawn the other way round (coloured marks on white): still unique.
PATTERN_FILLMODES = ["replace"] * 8 + ["overlay", "overlay"]


def series_style(i: int) -> dict[str, Any]:
    """The marker of bar series i: its own colour and its own pattern."""
    n = i % len(PALETTE)
    overlay = PATTERN_FILLMODES[n] == "overlay"
    return dict(color=PALETTE[n], pattern=dict(shape=PATTERNS[n], fillmode=PATTERN_FILLMODES[n],
                                               solidity=0.6 if overlay else 0.35, fgcolor="#ffffff" if
                                               PATTERN_FILLMODES[n] == "replace" else PALETTE[n],
                                               bgcolor=PALETTE[n] if PATTERN_FILLMODES[n] == "replace"
                                               else "#ffffff"))


def phase_style(phase: str, phases: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """A phase's marker, the same in every chart: by its place among all phases."""
    return series_style(list(phases).index(phase) if phase in phases else len(phases))


def safe(text: object) -> str:
    """User text for a chart label or hover text: plotly renders a subset of HTML (links
    included), so everything is escaped."""
    return str(escape("" if text is None else text))


# plotly's "none" template, resolved (as plotly.py itself stores it when it checks a layout): no
# template look, the app's own colours, fonts and grid from base_layout.
NO_TEMPLATE: dict[str, Any] = {"data": {"scatter": [{"type": "scatter"}]}}


def figure(data: Any = None, layout: dict[str, Any] | None = None) -> go.Figure:
    """A plotly Figure for a dashboard panel. Plotly checks every property of the layout and the
    traces as they are set (most of the time of building a figure: ~12 ms for a layout from
    `base_layout` and a few bars); the app's figures are built by its own code, so that check runs
    only where VALIDATE_FIGURES is set (the test suite), not on every page a reader opens."""
    validate = bool(has_app_context() and current_app.config.get("VALIDATE_FIGURES"))
    return go.Figure(data=data, layout=layout, _validate=validate)


def base_layout(title: str, x_title: str = "", y_title: str = "") -> dict[str, Any]:
    return dict(
        template=NO_TEMPLATE, title=dict(text=safe(title), x=0, font=dict(size=16)),
        font=dict(family="system-ui, sans-serif", size=13, color="#1b1f24"),
        # Swedish numbers on axes and in hovers: "90 000" and "1 500 000", never "90k" or "1.5M".
        xaxis=dict(title=dict(text=safe(x_title)), gridcolor="#e3e7eb", automargin=True,
                   separatethousands=True, exponentformat="none"),
        yaxis=dict(title=dict(text=safe(y_title)), gridcolor="#e3e7eb", separatethousands=True,
                   exponentformat="none", automargin=True),
        # The legend at the foot of the whole figure (not of the plot area), so long axis labels
        # and the legend never overlap: both push the margin instead.
        margin=dict(l=60, r=20, t=50, b=50),
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0),
        separators=", ", colorway=PALETTE, hoverlabel=dict(namelength=-1))


# --- amounts in kronor -----------------------------------------------------------------------
# From one million kronor an amount is shown in millions ("1,5 mnkr", "12 mnkr"), below that in
# whole kronor with grouped thousands ("90 000 kr"): never "1.5M" or "90k". Ticks are computed
# here (tickvals + ticktext) and every hover carries its text, so plotly.js in the browser and
# the report's own SVG renderer show exactly the same labels.
MILLION = 1_000_000
TICK_INTERVALS = 5        # about this many steps between 0 (or the lowest value) and the highest


def money_text(value: float | Decimal | int | None) -> str:
    """One amount as a chart shows it: "1,5 mnkr" from one million kronor (one decimal where
    needed), else whole kronor "90 000 kr"; "" for no value (a gap)."""
    if value is None:
        return ""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if abs(number.quantize(Decimal(1), rounding=ROUND_HALF_UP)) >= MILLION:
        return _("%(amount)s mnkr", amount=format_number(number / MILLION, places=1, trim=True))
    return _("%(amount)s kr", amount=format_number(number))


def _tick_text(value: float, millions: bool) -> str:
    if value == 0:
        return _("%(amount)s kr", amount=format_number(0))
    if millions:
        return _("%(amount)s mnkr", amount=format_number(Decimal(str(value)) / MILLION, places=1, trim=True))
    return _("%(amount)s kr", amount=format_number(value))


def _nice_step(raw: float, millions: bool) -> float:
    """The smallest 1, 2, 2,5 or 5 × 10^n at least `raw` whose ticks need at most one decimal
    in the unit shown (so 250 000 kr steps are left out in millions: "0,25 mnkr")."""
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if m == 2.5 and (step < 2.5 * MILLION if millions else step < 25):
            continue
        if step >= raw * (1 - 1e-9):
            return float(max(step, 1))
    return float(10 * magnitude)


def money_ticks(low: float, high: float) -> tuple[list[float], list[str], bool]:
    """Ticks for an axis of kronor showing values from `low` to `high`: (values, texts, whether
    the axis is in millions). The ticks cover 0 and the values (negatives too) with a little room
    above the highest (a marker on the top line stays whole), in steps of 1, 2, 2,5 or 5 × 10^n;
    the unit follows the largest absolute value shown."""
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    millions = max(-low, high) >= MILLION
    if high - low <= 0:
        return [0.0], [_tick_text(0.0, millions)], millions
    step = _nice_step((high - low) / TICK_INTERVALS, millions)
    first = math.floor(low * 1.01 / step + 1e-9)
    last = math.ceil(high * 1.01 / step - 1e-9)
    values = [round(n * step, 6) + 0.0 for n in range(first, last + 1)]
    return values, [_tick_text(v, millions) for v in values], millions


def money_axis(fig: Any, axis: Literal["x", "y"] = "y") -> None:
    """Show a plotly Figure's amounts in kronor the Swedish way, on `axis` ("x" for horizontal
    bars): tick values and texts from `money_ticks` for what is shown (stacked bars by their
    totals), the axis titled "Miljoner kronor" or "Kronor", and every trace's hover reading
    "<series>: <category>: 1,5 mnkr" / "90 000 kr". Call it after the traces (and barmode)."""
    other = "x" if axis == "y" else "y"
    stacked = fig.layout.barmode in ("stack", "relative")
    shown: list[float] = []
    stacks: dict[tuple[bool, object], float] = {}
    for trace in fig.data:
        values = getattr(trace, axis, None)
        if values is None:
            continue
        numbers = [None if v is None else float(v) for v in values]
        categories: Iterable[object] = getattr(trace, other, None) or range(len(numbers))
        if stacked and trace.type == "bar":
            for category, value in zip(categories, numbers, strict=False):
                if value is not None:
                    key = (value >= 0, category)
                    stacks[key] = stacks.get(key, 0.0) + value
        else:
            shown += [v for v in numbers if v is not None]
        # The series' name from plotly (%{fullData.name}): a name is never read as a template.
        series = "%{fullData.name}<br>" if trace.name else ""
        trace.customdata = [money_text(v) for v in numbers]
        trace.hovertemplate = f"{series}%{{{other}}}: %{{customdata}}<extra></extra>"
    shown += stacks.values()
    tickvals, ticktext, millions = money_ticks(min(shown, default=0.0), max(shown, default=0.0))
    fig.update_layout({f"{axis}axis": dict(
        tickmode="array", tickvals=tickvals, ticktext=[safe(t) for t in ticktext],
        range=[tickvals[0], tickvals[-1]] if len(tickvals) > 1 else None,
        title=dict(text=safe(_("Miljoner kronor") if millions else _("Kronor"))))})


class FigureLike(Protocol):
    """A plotly graph_objects.Figure, as far as the app uses one (plotly has no type hints)."""

    def to_json(self) -> str: ...


def figure_dict(fig: dict[str, Any] | FigureLike) -> dict[str, Any]:
    """A plotly Figure (or an already plain dict) as JSON-ready data."""
    if isinstance(fig, dict):
        return fig
    data: dict[str, Any] = json.loads(fig.to_json())
    return data


def compact_figure(fig: dict[str, Any]) -> dict[str, Any]:
    """A figure's JSON made smaller for the page and the stand-alone file: floats rounded to
    what a chart can show (six significant digits) and empty containers dropped."""
    return _compact(fig)


def _compact(value: Any) -> Any:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _compact(item)
            if item == {} and key != "layout":
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value
