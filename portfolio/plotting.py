"""Plotly helpers without Flask: escaping, a Swedish base layout, shapes that do not rely on
colour alone. Used by pages and by dashboard plugins."""

from __future__ import annotations

import json
from typing import Any, Protocol

from markupsafe import escape

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


def base_layout(title: str, x_title: str = "", y_title: str = "") -> dict[str, Any]:
    return dict(
        template="none", title=dict(text=safe(title), x=0, font=dict(size=16)),
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
