"""Resurser och finansiering: funding per committee and source, FTE, central funds used."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import plotly.graph_objects as go
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import (
    API_VERSION,
    DashboardContext,
    Filters,
    FundingFrame,
    Panel,
    Plugin,
    ReaderV1,
    Table,
)
from portfolio.numbers import format_number
from portfolio.plotting import base_layout, figure, money_axis, safe, series_style


class Resources:
    id = "resurser"
    title = _l("Resurser och finansiering")
    description = _l("Finansiering per nämnd och källa, personalbehov per år och centrala medel mot taket "
                     "eller mot en finansieringsram för flera år.")
    audience = "alla"
    api_version = API_VERSION
    order = 100   # in the yearly report: with the other dashboards (equal orders go by id)

    def build(self, ctx: DashboardContext) -> list[Panel]:
        r = ctx.reader
        year = ctx.filters.year
        money = r.funding_by_committee_and_source()
        fig = figure(layout=base_layout(_("Finansiering %(year)d per nämnd", year=year)))
        for i, source in enumerate(sorted({m.source for m in money})):
            fig.add_bar(name=safe(source), x=[safe(m.group) for m in money if m.source == source],
                        y=[float(m.amount) for m in money if m.source == source],
                        marker=series_style(i))
        fig.update_layout(barmode="stack")
        money_axis(fig)
        fte = r.fte_per_year()
        fig2 = figure(go.Bar(x=[str(v.year) for v in fte], y=[float(v.value) for v in fte]),
                         layout=base_layout(_("Personalbehov (årsarbetare) per år"), "", _("Årsarbetare")))
        fig2.update_xaxes(type="category")      # years, not numbers ("2 022")
        ceiling_source = ctx.labels.get("ceiling_source", "centrala-medel")
        central = r.funding_from_source(ceiling_source)
        ceiling = ctx.labels.get("ceiling")
        frames = tuple(ctx.labels.get("funding_frames") or ())
        if ceiling:
            text = _("Centrala digitaliseringsmedel %(year)d: %(used)s kr av taket %(ceiling)s kr.",
                     year=year, used=format_number(central), ceiling=format_number(ceiling))
        else:
            text = _("Centrala digitaliseringsmedel %(year)d: %(used)s kr (inget tak angivet).",
                     year=year, used=format_number(central))
        # A year inside a frame for the ceiling's source has its limit in the frame's panel.
        show_ceiling = bool(ceiling) or not any(f.source_code == ceiling_source for f in frames)
        return [
            Panel(_("Finansiering per nämnd och källa"),
                  _("Total finansiering %(year)d: %(amount)s kr.", year=year,
                    amount=format_number(sum(m.amount for m in money))), fig,
                  Table((_("Nämnd"), _("Källa"), _("Belopp (kr)")),
                        tuple((m.group, m.source, m.amount) for m in money)),
                  "full"),
            Panel(_("Personalbehov per år"), _("Summerat personalbehov i årsarbetare för alla initiativ."),
                  fig2, Table((_("År"), _("Årsarbetare")), tuple((v.year, v.value) for v in fte))),
            *([Panel(_("Centrala medel mot taket"), text, None,
                     Table((_("Mått"), _("Kronor")), ((_("Använt"), central), (_("Tak"), ceiling or "–"))))]
              if show_ceiling else []),
            *[self._frame(r, frame, ctx.filters) for frame in frames],
            self._budget_and_cost(r, "committee", _("Budget och kostnad t.o.m. %(year)d per nämnd", year=year),
                                  _("Nämnd"), year),
            self._budget_and_cost(r, "area", _("Budget och kostnad t.o.m. %(year)d per område", year=year),
                                  _("Område"), year),
        ]

    @staticmethod
    def _frame(reader: ReaderV1, frame: FundingFrame, filters: Filters) -> Panel:
        """A funding frame (from the programme file) and the funds from its source registered on
        initiatives against it: per year, cumulative to the year read, and what is left."""
        rows = reader.frame_use_per_year(frame.source_code, frame.first_year, frame.last_year)
        counted = reader.frame_initiatives(frame.source_code, frame.first_year, frame.last_year)
        marker = " " + _("(demodata)") if counted.demo else ""
        year = filters.year
        used = next(row.cumulative for row in rows if row.year == year)
        left = frame.amount - used
        period = f"{frame.first_year}\u2013{frame.last_year}"
        if frame.reference:
            sentences = [_("Ram för %(period)s: %(amount)s kr (%(source)s), enligt %(reference)s.",
                           period=period, amount=format_number(frame.amount), source=frame.source_name,
                           reference=frame.reference)]
        else:
            sentences = [_("Ram för %(period)s: %(amount)s kr (%(source)s).", period=period,
                           amount=format_number(frame.amount), source=frame.source_name)]
        if left >= 0:
            sentences.append(_("Registrerat på initiativ t.o.m. %(year)d: %(used)s kr%(marker)s; kvar av ramen: "
                               "%(left)s kr.", year=year, used=format_number(used), marker=marker,
                               left=format_number(left)))
        else:
            sentences.append(_("Registrerat på initiativ t.o.m. %(year)d: %(used)s kr%(marker)s, %(over)s kr mer "
                               "än ramen.", year=year, used=format_number(used), marker=marker,
                               over=format_number(-left)))
        sentences.append(_("Fördelningen per år är det som registret innehåller, inte uppgifter ur källan."))
        if counted.demo:
            sentences.append(ngettext("Beloppen på %(demo)d av %(num)d initiativ är demodata, inte verkliga belopp.",
                                      "Beloppen på %(demo)d av %(num)d initiativ är demodata, inte verkliga belopp.",
                                      counted.initiatives, demo=counted.demo))
        if filters.committee_id or filters.area_id:
            sentences.append(_("Ramen gäller hela programmet: filtren för nämnd och område används inte här."))
        years = [str(row.year) for row in rows]
        fig = figure(layout=base_layout(f"{frame.name} {period}"))
        fig.add_bar(name=safe(_("Registrerat per år") + marker), x=years,
                    y=[float(row.registered) for row in rows])
        fig.add_scatter(name=safe(_("Ackumulerat") + marker), x=years, y=[float(row.cumulative) for row in rows],
                        mode="lines+markers", marker_symbol="diamond", line_dash="solid")
        fig.add_scatter(name=safe(_("Ram %(amount)s kr", amount=format_number(frame.amount))), x=years,
                        y=[float(frame.amount)] * len(rows), mode="lines", line_dash="dash")
        fig.update_xaxes(type="category")      # years, not a number axis ("2 019,5")
        money_axis(fig)
        title = f"{frame.name} {period}"
        return Panel(title, " ".join(sentences), fig,
                     Table((_("År"),
                            _("Registrerat på initiativ (kr, demodata)") if marker
                            else _("Registrerat på initiativ (kr)"),
                            _("Ackumulerat (kr, demodata)") if marker else _("Ackumulerat (kr)"),
                            _("Ram (kr)"),
                            _("Kvar av ramen (kr, demodata)") if marker else _("Kvar av ramen (kr)")),
                           tuple((row.year, row.registered, row.cumulative, frame.amount,
                                  frame.amount - row.cumulative) for row in rows),
                           caption=title + marker),
                     "full")

    @staticmethod
    def _budget_and_cost(reader: ReaderV1, by: Literal["committee", "area"], title: str, column: str,
                         year: int) -> Panel:
        """The same period on both sides: the budget (funding lines of all years up to and
        including the year read) against the cost to date (cumulative, from each initiative's
        latest follow-up up to the year read)."""
        budget = {b.name: b.amount for b in reader.funding_to_year(by)}
        cost = {c.name: c.amount for c in reader.cost_to_date(by)}
        names = sorted(set(budget) | set(cost))
        budget_label = _("Budget t.o.m. %(year)d", year=year)
        cost_label = _("Kostnad t.o.m. %(year)d", year=year)
        fig = figure(layout=base_layout(title))
        fig.add_bar(name=safe(budget_label), x=[safe(n) for n in names],
                    y=[float(budget.get(n, 0)) for n in names], marker=series_style(0))
        fig.add_bar(name=safe(cost_label), x=[safe(n) for n in names],
                    y=[float(cost.get(n, 0)) for n in names], marker=series_style(1))
        fig.update_layout(barmode="group")
        money_axis(fig)
        return Panel(title, _("Budget för åren t.o.m. %(year)d: totalt %(budget)s kr; kostnad t.o.m. %(year)d "
                              "enligt de senaste uppföljningarna: %(cost)s kr.", year=year,
                              budget=format_number(sum(budget.values(), Decimal(0))),
                              cost=format_number(sum(cost.values(), Decimal(0)))), fig,
                     Table((column, _("Budget t.o.m. %(year)d (kr)", year=year),
                            _("Kostnad t.o.m. %(year)d (kr)", year=year)),
                           tuple((n, budget.get(n, Decimal(0)), cost.get(n, Decimal(0))) for n in names)), "full")

plugin: Plugin = Resources()
