"""Bubble chart of the ranked portfolio: value (score) against cost, bubble = worst open risk,
colour and marker shape = priority area. Built as plain plotly JSON (no per-point validation),
so it stays fast for thousands of initiatives."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.plotting import PALETTE, SYMBOLS, base_layout, safe


def bubble_figure(ranking) -> dict:
    areas: dict[str, list] = {}
    for c in ranking.ranked:
        areas.setdefault(c.area, []).append(c)
    hover = ("%{text}<br>" + safe(_("Kostnad")) + ": %{x:,.0f} kr<br>" + safe(_("Poäng")) + ": %{y}<br>"
             + safe(_("Högsta risk")) + ": %{customdata}<extra></extra>")
    data = []
    for i, (area, items) in enumerate(sorted(areas.items())):
        data.append({
            "type": "scatter", "mode": "markers", "name": safe(area),
            "x": [float(c.cost) for c in items], "y": [float(c.score) for c in items],
            "text": [safe(f"{c.rank}. {c.title}") for c in items],
            "customdata": [c.risk or 0 for c in items],
            "hovertemplate": hover,
            "marker": {"size": [8 + 6 * (c.risk or 0) ** 0.5 for c in items],
                       "color": PALETTE[i % len(PALETTE)], "symbol": SYMBOLS[i % len(SYMBOLS)],
                       "line": {"width": 1, "color": "#1b1f24"}, "opacity": 0.8},
        })
    layout = base_layout(_("Värde mot kostnad"), _("Kostnad i år (kr)"), _("Viktad poäng (0–100)"))
    layout["height"] = 420
    layout.pop("template", None)
    return {"data": data, "layout": layout}
