"""Portföljöversikt: initiatives by area and phase, by committee, funding, a timeline."""

from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import API_VERSION, DashboardContext, Panel, Plugin, Table
from portfolio.domain.phases import ALL_PHASES
from portfolio.numbers import format_number
from portfolio.plotting import base_layout, figure, money_axis, phase_style, safe, series_style


class PortfolioOverview:
    id = "portfoljoversikt"
    title = _l("Portföljöversikt")
    description = _l("Initiativen per prioriterat område och fas, per nämnd, finansiering och tidslinje.")
    audience = "alla"
    api_version = API_VERSION
    order = 100   # in the yearly report: with the other dashboards (equal orders go by id)

    def build(self, ctx: DashboardContext) -> list[Panel]:
        r = ctx.reader
        year = ctx.filters.year
        rows = r.count_by_area_phase()
        names = ctx.labels.get("phases", {})
        areas = sorted({row.area for row in rows})
        counts = {(row.area, row.phase): row.count for row in rows}
        fig = figure(layout=base_layout(_("Initiativ per område och fas"), "", _("Antal initiativ")))
        for phase in (p for p in ALL_PHASES if any(row.phase == p for row in rows)):
            fig.add_bar(name=names.get(phase, phase), x=[safe(a) for a in areas],
                        y=[counts.get((a, phase), 0) for a in areas],
                        marker=phase_style(phase, ALL_PHASES))
        fig.update_layout(barmode="stack")
        table = Table((_("Område"), _("Fas"), _("Antal")),
                      tuple((row.area, names.get(row.phase, row.phase), row.count) for row in sorted(rows)),
                      _("Antal initiativ per område och fas"))
        total = sum(row.count for row in rows)
        by_committee = r.count_by_committee()
        fig2 = figure(go.Bar(x=[row.count for row in by_committee],
                                y=[safe(row.name) for row in by_committee], orientation="h"),
                         layout=base_layout(_("Initiativ per nämnd"), _("Antal initiativ")))
        money = r.funding_by_area_and_source()
        fig3 = figure(layout=base_layout(_("Finansiering %(year)d per område och källa", year=year)))
        for i, source in enumerate(sorted({m.source for m in money})):
            fig3.add_bar(name=safe(source), x=[safe(m.group) for m in money if m.source == source],
                         y=[float(m.amount) for m in money if m.source == source],
                         marker=series_style(i))
        fig3.update_layout(barmode="stack")
        money_axis(fig3)
        spans = r.active_timeline()
        # One trace for all spans (None separates them): fast even for thousands of initiatives.
        xs, ys = [], []
        for s in spans:
            label = safe(f"{s.ref} {s.title}")
            xs += [s.start.isoformat(), (s.end or s.start).isoformat(), None]
            ys += [label, label, None]
        fig4 = figure(go.Scatter(x=xs, y=ys, mode="lines+markers", line=dict(width=6),
                                    showlegend=False, hovertemplate="%{y}: %{x}<extra></extra>"),
                         layout=base_layout(_("Tidslinje för aktiva initiativ"), "", ""))
        fig4.update_layout(height=min(2400, max(300, 22 * len(spans) + 100)))
        amount = format_number(sum(m.amount for m in money))
        return [
            Panel(_("Initiativ per område och fas"),
                  _("Portföljen har %(initiatives)s på %(areas)s.",
                    initiatives=ngettext("%(num)d initiativ fördelat", "%(num)d initiativ fördelade", total),
                    areas=ngettext("%(num)d prioriterat område", "%(num)d prioriterade områden", len(areas))),
                  fig, table, "full"),
            Panel(_("Initiativ per nämnd"),
                  ngettext("%(num)d nämnd äger initiativ.", "%(num)d nämnder äger initiativ.", len(by_committee)),
                  fig2,
                  Table((_("Nämnd"), _("Antal")), tuple((row.name, row.count) for row in by_committee)), "half"),
            Panel(_("Finansiering %(year)d", year=year),
                  _("Finansiering per prioriterat område och källa för %(year)d: totalt %(amount)s kr.",
                    year=year, amount=amount),
                  fig3, Table((_("Område"), _("Källa"), _("Belopp (kr)")),
                              tuple((m.group, m.source, m.amount) for m in money)), "half"),
            Panel(_("Tidslinje"), ngettext("%(num)d aktivt initiativ med start- och slutdatum.",
                                           "%(num)d aktiva initiativ med start- och slutdatum.", len(spans)),
                  fig4,
                  Table((_("Initiativ"), _("Start"), _("Slut"), _("Område")),
                        tuple((f"{s.ref} {s.title}", s.start, s.end, s.area) for s in spans)), "full"),
        ]


plugin: Plugin = PortfolioOverview()
