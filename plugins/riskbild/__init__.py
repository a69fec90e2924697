"""Riskbild: the portfolio's 5×5 matrix before and after mitigation, and unhandled risks."""

from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import API_VERSION, Cell, DashboardContext, Panel, Plugin, Table
from portfolio.plotting import base_layout, figure, safe


def matrix_figure(cells: tuple[Cell, ...], title: str) -> tuple[go.Figure, Table]:
    counts = {(c.probability, c.consequence): c.count for c in cells}
    # Coloured by severity (probability × consequence: green low, red high), the count of
    # risks in each cell as text, so the picture does not rely on colour alone.
    severity = [[p * c for c in range(1, 6)] for p in range(1, 6)]
    text = [[str(counts.get((p, c), 0) or "") for c in range(1, 6)] for p in range(1, 6)]
    hover = [[ngettext("%(num)d risk", "%(num)d risker", counts.get((p, c), 0))
              + " · " + _("allvarlighet %(score)d", score=p * c) for c in range(1, 6)] for p in range(1, 6)]
    fig = figure(go.Heatmap(z=severity, x=[_("K%(level)d", level=c) for c in range(1, 6)],
                               y=[_("S%(level)d", level=p) for p in range(1, 6)], zmin=1, zmax=25,
                               text=text, texttemplate="%{text}", textfont=dict(size=16, color="#000000"),
                               colorscale=[[0, "#b7dfc0"], [0.3, "#f6e3a1"], [0.6, "#f4b183"], [1, "#e8898b"]],
                               showscale=False, xgap=2, ygap=2, customdata=hover,
                               hovertemplate="%{y} %{x}: %{customdata}<extra></extra>"),
                    layout=base_layout(title, _("Konsekvens"), _("Sannolikhet")))
    return fig, Table((_("Sannolikhet"), _("Konsekvens"), _("Antal")),
                      tuple((p, c, counts.get((p, c), 0)) for p in range(5, 0, -1) for c in range(1, 6)
                            if counts.get((p, c), 0)))


class RiskPicture:
    id = "riskbild"
    title = _l("Riskbild")
    description = _l("Portföljens öppna risker i en 5×5-matris före och efter åtgärd, och risker utan åtgärd.")
    audience = "alla"
    api_version = API_VERSION
    order = 100   # in the yearly report: with the other dashboards (equal orders go by id)

    def build(self, ctx: DashboardContext) -> list[Panel]:
        before = ctx.reader.risk_matrix(residual=False)
        after = ctx.reader.risk_matrix(residual=True)
        fig1, t1 = matrix_figure(before, _("Före åtgärd"))
        fig2, t2 = matrix_figure(after, _("Efter åtgärd"))
        unhandled = ctx.reader.unhandled_risks_by_committee()
        fig3 = figure(go.Bar(x=[u.count for u in unhandled], y=[safe(u.name) for u in unhandled],
                                orientation="h"),
                         layout=base_layout(_("Öppna risker över acceptabel nivå utan åtgärd"), _("Antal")))
        n = sum(c.count for c in before)
        return [
            Panel(_("Riskmatris före åtgärd"),
                  ngettext("%(num)d öppen risk fördelad på sannolikhet och konsekvens.",
                           "%(num)d öppna risker fördelade på sannolikhet och konsekvens.", n), fig1, t1),
            Panel(_("Riskmatris efter åtgärd"), _("Samma risker med bedömning efter åtgärd där sådan finns."),
                  fig2, t2),
            Panel(_("Risker utan åtgärd per nämnd"),
                  ngettext("%(num)d öppen risk över acceptabel nivå saknar åtgärd, ägare eller datum.",
                           "%(num)d öppna risker över acceptabel nivå saknar åtgärd, ägare eller datum.",
                           sum(u.count for u in unhandled)), fig3,
                  Table((_("Nämnd"), _("Antal")), tuple((u.name, u.count) for u in unhandled)), "full"),
        ]


plugin: Plugin = RiskPicture()
