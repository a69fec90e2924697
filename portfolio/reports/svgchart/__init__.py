"""Plotly figures drawn as small stand-alone SVG documents in pure Python, for the yearly report's
PDF: no browser is needed for the kinds of chart the app's own dashboard plugins make (see
portfolio.plotting): bars (vertical or horizontal; grouped, stacked, relative or overlaid; with
colour and fill pattern), scatter lines and markers (category, number or date axes; dashes,
symbols, gaps, text labels) and heatmaps (colour scale, gaps, centred text, colour bar).

The input is the figure's JSON dict ({"data": [...], "layout": {...}}). render() returns None for
anything it does not draw (another trace type, a log axis, annotations, ...); the caller then
falls back to plotly's own renderer (kaleido). Text is measured approximately (DejaVu Sans
advance widths) so that long labels get room or are shortened with "…" and nothing is drawn
outside the SVG's viewBox. All text from the figure is XML-escaped (labels come from users).
Numbers follow layout.separators (", " = decimal comma, thousands with a no-break space)."""

from __future__ import annotations

from typing import Any

from portfolio.reports.svgchart.chart import Chart
from portfolio.reports.svgchart.text import DEFAULT_HEIGHT, Unsupported, text_width

__all__ = ["DEFAULT_HEIGHT", "Unsupported", "render", "text_width"]

def render(figure: dict[str, Any], *, width: int = 900, height: int | None = None,
           title_alt: str | None = None) -> str | None:
    """The figure as a stand-alone SVG document (its text alternative as <title>), or None when
    the figure holds something this module does not draw (the caller then uses kaleido)."""
    try:
        return Chart(figure, width, height, title_alt).svg()
    except (Unsupported, TypeError, ValueError, KeyError, IndexError, ZeroDivisionError):
        return None
