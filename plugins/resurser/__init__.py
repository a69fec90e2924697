"""Resurser och finansiering: funding per committee and source, FTE, central funds used."""

from __future__ import annotations

import plotly.graph_objects as go

from portfolio.dashboards.contract import API_VERSION, Panel, Table
from portfolio.plotting import PATTERNS, base_layout, safe


class Resources:
    id = "resurser"
    title = "Resurser och finansiering"
    description = "Finansiering per nämnd och källa, personalbehov per år och centrala medel mot taket."
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        r = ctx.reader
        money = r.funding_by_committee_and_source()
        fig = go.Figure(layout=base_layout(f"Finansiering {ctx.filters.year} per nämnd", "", "Kronor"))
        for i, source in enumerate(sorted({m.source for m in money})):
            fig.add_bar(name=safe(source), x=[safe(m.group) for m in money if m.source == source],
                        y=[float(m.amount) for m in money if m.source == source],
                        marker_pattern_shape=PATTERNS[i % len(PATTERNS)])
        fig.update_layout(barmode="stack")
        fte = r.fte_per_year()
        fig2 = go.Figure(go.Bar(x=[str(v.year) for v in fte], y=[float(v.value) for v in fte]),
                         layout=base_layout("Personalbehov (årsarbetare) per år", "", "Årsarbetare"))
        central = r.funding_from_source(ctx.labels.get("ceiling_source", "centrala-medel"))
        ceiling = ctx.labels.get("ceiling")
        used = f"{central:,.0f} kr".replace(",", " ")
        text = (f"Centrala digitaliseringsmedel {ctx.filters.year}: {used}"
                + (f" av taket {ceiling:,.0f} kr.".replace(",", " ") if ceiling else " (inget tak angivet)."))
        return [
            Panel("Finansiering per nämnd och källa", f"Total finansiering {ctx.filters.year}: "
                  f"{sum(m.amount for m in money):,.0f} kr.".replace(",", " "), fig,
                  Table(("Nämnd", "Källa", "Belopp (kr)"), tuple((m.group, m.source, m.amount) for m in money)),
                  "full"),
            Panel("Personalbehov per år", "Summerat personalbehov i årsarbetare för alla initiativ.",
                  fig2, Table(("År", "Årsarbetare"), tuple((v.year, v.value) for v in fte))),
            Panel("Centrala medel mot taket", text, None,
                  Table(("Mått", "Kronor"), (("Använt", central), ("Tak", ceiling or "–")))),
        ]


plugin = Resources()
