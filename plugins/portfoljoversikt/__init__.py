"""Portföljöversikt: initiatives by area and phase, by committee, funding, a timeline."""

from __future__ import annotations

import plotly.graph_objects as go

from portfolio.dashboards.contract import API_VERSION, Panel, Table
from portfolio.domain.phases import ALL_PHASES
from portfolio.plotting import PATTERNS, base_layout, safe

PHASE_NAMES = {"ide": "Idé", "behovsanalys": "Behovsanalys", "prioriterad": "Prioriterad",
               "planering": "Planering", "genomforande": "Genomförande", "uppfoljning": "Uppföljning",
               "avslutad": "Avslutad", "pausad": "Pausad", "avslagen": "Avslagen", "avbruten": "Avbruten"}


class PortfolioOverview:
    id = "portfoljoversikt"
    title = "Portföljöversikt"
    description = "Initiativen per prioriterat område och fas, per nämnd, finansiering och tidslinje."
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        r = ctx.reader
        rows = r.count_by_area_phase()
        areas = sorted({row.area for row in rows})
        counts = {(row.area, row.phase): row.count for row in rows}
        fig = go.Figure(layout=base_layout("Initiativ per område och fas", "", "Antal initiativ"))
        for i, phase in enumerate(p for p in ALL_PHASES if any(row.phase == p for row in rows)):
            fig.add_bar(name=PHASE_NAMES[phase], x=[safe(a) for a in areas],
                        y=[counts.get((a, phase), 0) for a in areas],
                        marker_pattern_shape=PATTERNS[i % len(PATTERNS)])
        fig.update_layout(barmode="stack")
        table = Table(("Område", "Fas", "Antal"),
                      tuple((row.area, PHASE_NAMES[row.phase], row.count) for row in sorted(rows)),
                      "Antal initiativ per område och fas")
        total = sum(row.count for row in rows)
        by_committee = r.count_by_committee()
        fig2 = go.Figure(go.Bar(x=[row.count for row in by_committee],
                                y=[safe(row.name) for row in by_committee], orientation="h"),
                         layout=base_layout("Initiativ per nämnd", "Antal initiativ"))
        money = r.funding_by_area_and_source()
        fig3 = go.Figure(layout=base_layout(f"Finansiering {ctx.filters.year} per område och källa",
                                            "", "Kronor"))
        for i, source in enumerate(sorted({m.source for m in money})):
            fig3.add_bar(name=safe(source), x=[safe(m.group) for m in money if m.source == source],
                         y=[float(m.amount) for m in money if m.source == source],
                         marker_pattern_shape=PATTERNS[i % len(PATTERNS)])
        fig3.update_layout(barmode="stack")
        spans = r.active_timeline()
        # One trace for all spans (None separates them): fast even for thousands of initiatives.
        xs, ys = [], []
        for s in spans:
            label = safe(f"{s.ref} {s.title}")
            xs += [s.start.isoformat(), (s.end or s.start).isoformat(), None]
            ys += [label, label, None]
        fig4 = go.Figure(go.Scatter(x=xs, y=ys, mode="lines+markers", line=dict(width=6),
                                    showlegend=False, hovertemplate="%{y}: %{x}<extra></extra>"),
                         layout=base_layout("Tidslinje för aktiva initiativ", "", ""))
        fig4.update_layout(height=min(2400, max(300, 22 * len(spans) + 100)))
        return [
            Panel("Initiativ per område och fas", f"Portföljen har {total} initiativ fördelade på "
                  f"{len(areas)} prioriterade områden.", fig, table, "full"),
            Panel("Initiativ per nämnd", f"{len(by_committee)} nämnder äger initiativ.", fig2,
                  Table(("Nämnd", "Antal"), tuple((row.name, row.count) for row in by_committee)), "half"),
            Panel(f"Finansiering {ctx.filters.year}", "Finansiering per prioriterat område och källa för "
                  f"{ctx.filters.year}: totalt {sum(m.amount for m in money):,.0f} kr.".replace(",", " "),
                  fig3, Table(("Område", "Källa", "Belopp (kr)"),
                              tuple((m.group, m.source, m.amount) for m in money)), "half"),
            Panel("Tidslinje", f"{len(spans)} aktiva initiativ med start- och slutdatum.", fig4,
                  Table(("Initiativ", "Start", "Slut", "Område"),
                        tuple((f"{s.ref} {s.title}", s.start, s.end, s.area) for s in spans)), "full"),
        ]


plugin = PortfolioOverview()
