"""Nyttorealisering: planned against realised kronor per year, financial and freed time apart."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

from portfolio.dashboards.contract import API_VERSION, Panel, Table
from portfolio.domain.benefit_calc import BenefitLine
from portfolio.plotting import DASHES, SYMBOLS, base_layout, safe

KINDS = {"finansiell": "Finansiell", "omfordelning": "Frigjord tid"}


def planned(lines) -> dict[tuple[int, str], Decimal]:
    totals: dict[tuple[int, str], Decimal] = {}
    for kind, first, last, amount, volume, minutes, hourly, share, ramp in lines:
        shares = tuple(Decimal(p.strip().replace(",", ".").rstrip("%")) / 100
                       for p in (ramp or "").split(";") if p.strip())
        line = BenefitLine(kind=kind, first=first, last=last or first, amount=amount, volume=volume,
                           minutes_saved=minutes, hourly_cost=hourly,
                           realisation_share=(share or Decimal(100)) / 100, ramp_up=shares)
        for year in range(line.first, line.last + 1):
            totals[(year, kind)] = totals.get((year, kind), Decimal(0)) + line.value_in(year)
    return totals


class BenefitRealisation:
    id = "nyttorealisering"
    title = "Nyttorealisering"
    description = ("Planerade och realiserade kronor per år, finansiell nytta och frigjord tid var för "
                   "sig, och nyttor i avslutade initiativ som ännu inte är verifierade.")
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        plan = planned(ctx.reader.planned_benefit_lines())
        real = {(row.year, row.kind): row.realised for row in ctx.reader.realised_per_year()}
        years = sorted({y for y, _ in plan} | {y for y, _ in real})
        fig = go.Figure(layout=base_layout("Planerat och realiserat per år", "", "Kronor"))
        rows = []
        for i, (kind, label) in enumerate(KINDS.items()):
            fig.add_trace(go.Scatter(x=[str(y) for y in years], y=[float(plan.get((y, kind), 0)) for y in years],
                                     name=safe(f"{label}, planerat"), mode="lines+markers",
                                     line=dict(dash=DASHES[1]), marker=dict(symbol=SYMBOLS[i])))
            fig.add_trace(go.Bar(x=[str(y) for y in years], y=[float(real.get((y, kind), 0)) for y in years],
                                 name=safe(f"{label}, realiserat"), marker_pattern_shape="/" if i else ""))
            rows += [(y, label, plan.get((y, kind), Decimal(0)), real.get((y, kind), Decimal(0)))
                     for y in years]
        waiting = ctx.reader.benefits_awaiting_verification()
        year = ctx.filters.year
        plan_y = sum(plan.get((year, k), 0) for k in KINDS)
        real_y = sum(real.get((year, k), 0) for k in KINDS)
        return [
            Panel("Planerat och realiserat", f"{year}: planerat {plan_y:,.0f} kr, realiserat {real_y:,.0f} kr "
                  "(frigjord tid är inte en budgetminskning).".replace(",", " "), fig,
                  Table(("År", "Typ", "Planerat (kr)", "Realiserat (kr)"), tuple(rows)), "full"),
            Panel("Avslutade initiativ med overifierade nyttor",
                  f"{sum(w.count for w in waiting)} nyttor i avslutade initiativ följs fortfarande upp.",
                  None, Table(("Nämnd", "Nyttor att verifiera"), tuple((w.name, w.count) for w in waiting))),
        ]


plugin = BenefitRealisation()
