"""Plotly helpers without Flask: escaping, a Swedish base layout, shapes that do not rely on
colour alone. Used by pages and by dashboard plugins."""

from __future__ import annotations

import json
from typing import Any, Protocol

from markupsafe import escape

PALETTE = ["#00476b", "#b35806", "#1d6b32", "#7b3294", "#a3161c", "#4a525c"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
PATTERNS = ["", "/", ".", "x", "-", "+"]


def safe(text: object) -> str:
    """User text for a chart label or hover text: plotly renders a subset of HTML (links
    included), so everything is escaped."""
    return str(escape("" if text is None else text))


def base_layout(title: str, x_title: str = "", y_title: str = "") -> dict[str, Any]:
    return dict(
        template="none", title=dict(text=safe(title), x=0, font=dict(size=16)),
        font=dict(family="system-ui, sans-serif", size=13, color="#1b1f24"),
        xaxis=dict(title=dict(text=safe(x_title)), gridcolor="#e3e7eb", automargin=True),
        yaxis=dict(title=dict(text=safe(y_title)), gridcolor="#e3e7eb", separatethousands=True,
                   automargin=True),
        margin=dict(l=60, r=20, t=50, b=50), legend=dict(orientation="h", y=-0.2),
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
