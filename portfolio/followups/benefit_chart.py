"""The benefit's planned line (baseline → target) against its measured values."""

from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _

from portfolio.plotting import DASHES, SYMBOLS, base_layout, figure, figure_dict, safe


def benefit_figure(benefit, measurements) -> dict:
    unit = benefit.unit or ""
    fig = figure(layout=base_layout(
        _("%(title)s: mål och utfall", title=benefit.title), _("Datum"),
        f"{benefit.indicator or _('Värde')} ({unit})" if unit else (benefit.indicator or _("Värde"))))
    if benefit.baseline is not None and benefit.target is not None \
            and benefit.baseline_date and benefit.target_date:
        fig.add_trace(go.Scatter(
            x=[benefit.baseline_date.isoformat(), benefit.target_date.isoformat()],
            y=[float(benefit.baseline), float(benefit.target)], mode="lines+markers",
            name=_("Plan: utgångsläge → mål"), line=dict(dash=DASHES[1], width=2),
            marker=dict(symbol=SYMBOLS[1], size=9),
            hovertemplate="%{x}: %{y}<extra>" + safe(_("Plan")) + "</extra>"))
    if measurements:
        fig.add_trace(go.Scatter(
            x=[m.measured_on.isoformat() for m in measurements],
            y=[float(m.value) for m in measurements], mode="lines+markers",
            name=_("Uppmätt"), line=dict(dash=DASHES[0], width=3),
            marker=dict(symbol=SYMBOLS[0], size=10),
            text=[safe(m.comment or "") for m in measurements],
            hovertemplate="%{x}: %{y}<br>%{text}<extra>" + safe(_("Uppmätt")) + "</extra>"))
    return figure_dict(fig)


def benefit_summary(benefit, measurements, share) -> str:
    if not measurements:
        return _("Nyttan %(title)s har inga mätningar ännu.", title=benefit.title)
    latest = measurements[-1]
    text = _("Senaste mätning %(date)s gav %(value)s %(unit)s.", date=latest.measured_on.isoformat(),
             value=format(latest.value.normalize(), "f").replace(".", ","), unit=benefit.unit or "")
    if share is not None:
        text += " " + _("Det är %(pct)s %% av vägen från utgångsläge till mål.",
                        pct=format((share * 100).quantize(1), "f"))
    return text
