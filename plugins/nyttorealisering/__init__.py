"""Nyttorealisering: planned against realised kronor per year, financial and freed time apart."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import API_VERSION, DashboardContext, Panel, Plugin, Table
from portfolio.domain.benefit_calc import planned_totals
from portfolio.numbers import format_number
from portfolio.plotting import DASHES, SYMBOLS, base_layout, figure, money_axis, safe

KINDS = {"finansiell": _l("Finansiell"), "omfordelning": _l("Frigjord tid")}


class BenefitRealisation:
    id = "nyttorealisering"
    title = _l("Nyttorealisering")
    description = _l("Planerade och realiserade kronor per år, finansiell nytta och frigjord tid var för "
                     "sig, och nyttor i avslutade initiativ som ännu inte är verifierade.")
    audience = "alla"
    api_version = API_VERSION
    order = 100   # in the yearly report: with the other dashboards (equal orders go by id)

    def build(self, ctx: DashboardContext) -> list[Panel]:
        plan = planned_totals(ctx.reader.planned_benefit_lines())
        real = {(row.year, row.kind): row.realised for row in ctx.reader.realised_per_year()}
        years = sorted({y for y, _k in plan} | {y for y, _k in real})
        # Nothing is realised in a year that has not come yet: no "0" for it, a gap and a dash.
        ahead = {y for y in years if y > ctx.filters.year}
        fig = figure(layout=base_layout(_("Planerat och realiserat per år")))
        rows = []
        for i, (kind, lazy_label) in enumerate(KINDS.items()):
            label = str(lazy_label)
            fig.add_trace(go.Scatter(x=[str(y) for y in years], y=[float(plan.get((y, kind), 0)) for y in years],
                                     name=safe(_("%(kind)s, planerat", kind=label)), mode="lines+markers",
                                     line=dict(dash=DASHES[1]), marker=dict(symbol=SYMBOLS[i])))
            fig.add_trace(go.Bar(x=[str(y) for y in years],
                                 y=[None if y in ahead else float(real.get((y, kind), 0)) for y in years],
                                 name=safe(_("%(kind)s, realiserat", kind=label)),
                                 marker_pattern_shape="/" if i else ""))
            rows += [(y, label, plan.get((y, kind), Decimal(0)),
                      None if y in ahead else real.get((y, kind), Decimal(0))) for y in years]
        fig.update_xaxes(type="category")      # years, not numbers ("2 022")
        money_axis(fig)
        waiting = ctx.reader.benefits_awaiting_verification()
        year = ctx.filters.year
        plan_y = sum(plan.get((year, k), 0) for k in KINDS)
        real_y = sum(real.get((year, k), 0) for k in KINDS)
        return [
            Panel(_("Planerat och realiserat"),
                  _("%(year)d: planerat %(planned)s kr, realiserat %(realised)s kr "
                    "(frigjord tid är inte en budgetminskning).",
                    year=year, planned=format_number(plan_y), realised=format_number(real_y)), fig,
                  Table((_("År"), _("Typ"), _("Planerat (kr)"), _("Realiserat (kr)")), tuple(rows)), "full"),
            Panel(_("Avslutade initiativ med overifierade nyttor"),
                  ngettext("%(num)d nytta i avslutade initiativ följs fortfarande upp.",
                           "%(num)d nyttor i avslutade initiativ följs fortfarande upp.",
                           sum(w.count for w in waiting)),
                  None, Table((_("Nämnd"), _("Nyttor att verifiera")), tuple((w.name, w.count) for w in waiting))),
            self._cumulative(plan, real, years),
            self._per_area(ctx),
            self._overdue(ctx),
        ]

    @staticmethod
    def _cumulative(plan: dict[tuple[int, str], Decimal], real: dict[tuple[int, str], Decimal],
                    years: list[int]) -> Panel:
        fig = figure(layout=base_layout(_("Ackumulerat planerat och realiserat")))
        rows = []
        for i, (kind, lazy_label) in enumerate(KINDS.items()):
            label = str(lazy_label)
            cum_plan, cum_real, running_plan, running_real = [], [], Decimal(0), Decimal(0)
            for y in years:
                running_plan += plan.get((y, kind), Decimal(0))
                running_real += real.get((y, kind), Decimal(0))
                cum_plan.append(running_plan)
                cum_real.append(running_real)
                rows.append((y, label, running_plan, running_real))
            fig.add_trace(go.Scatter(x=[str(y) for y in years], y=[float(v) for v in cum_plan],
                                     name=safe(_("%(kind)s, planerat", kind=label)), mode="lines+markers",
                                     line=dict(dash=DASHES[1]), marker=dict(symbol=SYMBOLS[i])))
            fig.add_trace(go.Scatter(x=[str(y) for y in years], y=[float(v) for v in cum_real],
                                     name=safe(_("%(kind)s, realiserat", kind=label)), mode="lines+markers",
                                     line=dict(dash=DASHES[0]), marker=dict(symbol=SYMBOLS[i + 2])))
        fig.update_xaxes(type="category")      # years, not numbers ("2 022")
        money_axis(fig)
        total_plan = sum((r[2] for r in rows if r[0] == years[-1]), Decimal(0)) if years else Decimal(0)
        total_real = sum((r[3] for r in rows if r[0] == years[-1]), Decimal(0)) if years else Decimal(0)
        return Panel(_("Ackumulerat"), _("Totalt hittills: planerat %(planned)s kr, realiserat %(realised)s kr.",
                                         planned=format_number(total_plan), realised=format_number(total_real)), fig,
                     Table((_("År"), _("Typ"), _("Planerat ackumulerat (kr)"), _("Realiserat ackumulerat (kr)")),
                           tuple(rows)), "full")

    @staticmethod
    def _per_area(ctx: DashboardContext) -> Panel:
        plan: dict[tuple[str, str], Decimal] = {}
        lines_of: dict[str, list] = {}
        for row in ctx.reader.planned_benefit_lines_by_area():
            lines_of.setdefault(row.area, []).append(tuple(row[1:]))
        for area, lines in lines_of.items():
            for (year, kind), value in planned_totals(lines).items():
                if year <= ctx.filters.year:
                    plan[(area, kind)] = plan.get((area, kind), Decimal(0)) + value
        real = {(r.group, r.source): r.amount for r in ctx.reader.realised_by_area()}
        areas = sorted({a for a, _k in plan} | {a for a, _k in real})
        fig = figure(layout=base_layout(_("Planerat och realiserat per område, till och med %(year)d",
                                             year=ctx.filters.year)))
        rows = []
        for kind, lazy_label in KINDS.items():
            label = str(lazy_label)
            fig.add_bar(name=safe(_("%(kind)s, planerat", kind=label)), x=[safe(a) for a in areas],
                        y=[float(plan.get((a, kind), 0)) for a in areas], marker_pattern_shape="")
            fig.add_bar(name=safe(_("%(kind)s, realiserat", kind=label)), x=[safe(a) for a in areas],
                        y=[float(real.get((a, kind), 0)) for a in areas], marker_pattern_shape="/")
            rows += [(a, label, plan.get((a, kind), Decimal(0)), real.get((a, kind), Decimal(0))) for a in areas]
        fig.update_layout(barmode="group")
        money_axis(fig)
        return Panel(_("Per prioriterat område"), _("Planerat och realiserat per prioriterat område till och med "
                                                    "%(year)d.", year=ctx.filters.year), fig,
                     Table((_("Område"), _("Typ"), _("Planerat (kr)"), _("Realiserat (kr)")), tuple(rows)), "full")

    @staticmethod
    def _overdue(ctx: DashboardContext) -> Panel:
        rows = ctx.reader.benefits_due_for_measurement()
        return Panel(_("Nyttor som väntar på mätning"),
                     ngettext("%(num)d aktiv nytta är försenad med sin mätning.",
                              "%(num)d aktiva nyttor är försenade med sin mätning.", sum(r.count for r in rows)),
                     None, Table((_("Nämnd"), _("Försenade mätningar")), tuple((r.name, r.count) for r in rows)),
                     links=((_("Att göra"), "/todo"),))


plugin: Plugin = BenefitRealisation()
