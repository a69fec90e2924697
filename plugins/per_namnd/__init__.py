"""Per nämnd: the views KS asks for committee by committee — initiatives per priority area,
benefits planned against realised, staffing (FTE) and the risk picture."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import plotly.graph_objects as go
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import (
    API_VERSION,
    AnswerRow,
    DashboardContext,
    Panel,
    Plugin,
    RiskBandLabel,
    Table,
)
from portfolio.domain.benefit_calc import planned_totals
from portfolio.numbers import format_number, format_plain
from portfolio.plotting import base_layout, figure, money_axis, safe, series_style


def stacked_by_committee(title: str, committees: list[str], series: list[str],
                         count: dict[tuple[str, str], int]) -> go.Figure:
    """Horizontal bars per committee, one stacked series each (with its own pattern), from
    counts keyed (committee, series)."""
    fig = figure(layout=base_layout(title, _("Antal"), ""))
    for i, name in enumerate(series):
        fig.add_bar(name=safe(name), y=[safe(c) for c in committees],
                    x=[count.get((c, name), 0) for c in committees], orientation="h",
                    marker=series_style(i))
    fig.update_layout(barmode="stack")
    return fig


def band_name(score: int, bands: Sequence[RiskBandLabel]) -> str:
    for band in bands:
        if band.min <= score <= band.max:
            return band.name
    return "–"


class PerCommittee:
    id = "per-namnd"
    title = _l("Per nämnd")
    description = _l("Varje nämnds initiativ per prioriterat område, planerad och realiserad nytta, "
                     "personalbehov och riskbild.")
    audience = "alla"
    api_version = API_VERSION
    order = 15   # in the yearly report: right after the audit's questions

    def build(self, ctx: DashboardContext) -> list[Panel]:
        return [self._areas(ctx), self._benefits(ctx), self._staffing(ctx), self._risks(ctx),
                self._recommendations(ctx)]

    @staticmethod
    def _recommendations(ctx: DashboardContext) -> Panel:
        year = ctx.filters.year
        rows = ctx.reader.recommendation_answers()
        done = sum(r.status == "genomford" for r in rows)

        def status_text(r: AnswerRow) -> str:
            text = ctx.labels.get("answer_statuses", {}).get(r.status, r.status)
            return text + (" " + _("(demodata)") if r.demo else "")

        return Panel(_("Revisionens rekommendationer per nämnd"),
                     _("Som det stod vid slutet av %(year)d: %(done)d av %(total)d svar genomförda. Status och "
                       "åtgärder gäller årets slut; underlaget visas för innevarande år.", year=year, done=done,
                       total=len(rows)),
                     None, Table((_("Nämnd"), _("Rekommendation"), _("Status"), _("Åtgärder klara"),
                                  _("Underlag")),
                                 tuple((r.committee, f"{r.code or ''} {r.text}".strip(), status_text(r),
                                        f"{r.actions_done}/{r.actions}", r.evidence or "–") for r in rows)),
                     "full", links=((_("Rekommendationer och svar"), "/audits/"),))

    @staticmethod
    def _areas(ctx: DashboardContext) -> Panel:
        rows = ctx.reader.initiatives_by_committee_and_area()
        committees = sorted({r.committee for r in rows})
        areas = sorted({r.area for r in rows})
        count = {(r.committee, r.area): r.count for r in rows}
        fig = stacked_by_committee(_("Aktiva initiativ per nämnd och område"), committees, areas, count)
        return Panel(_("Initiativ per prioriterat område och nämnd"),
                     _("%(initiatives)s %(year)d i %(committees)s.",
                       initiatives=ngettext("%(num)d aktivt initiativ", "%(num)d aktiva initiativ",
                                            sum(r.count for r in rows)),
                       year=ctx.filters.year,
                       committees=ngettext("%(num)d nämnd", "%(num)d nämnder", len(committees))),
                     fig, Table((_("Nämnd"), _("Prioriterat område"), _("Aktiva initiativ")),
                                tuple((r.committee, r.area, r.count) for r in rows)), "full")

    @staticmethod
    def _benefits(ctx: DashboardContext) -> Panel:
        year = ctx.filters.year
        lines = ctx.reader.planned_benefit_lines_by_committee()
        planned: dict[str, Decimal] = {}
        for committee in {line[0] for line in lines}:
            totals = planned_totals([line[1:] for line in lines if line[0] == committee])
            planned[committee] = sum((v for (y, _k), v in totals.items() if y == year), Decimal(0))
        realised: dict[str, Decimal] = {}
        for r in ctx.reader.realised_by_committee():
            realised[r.committee] = realised.get(r.committee, Decimal(0)) + (r.amount or Decimal(0))
        names = sorted(set(planned) | set(realised))
        fig = figure(layout=base_layout(_("Planerad och realiserad nytta %(year)d per nämnd", year=year)))
        fig.add_bar(name=_("Planerat"), x=[safe(n) for n in names], y=[float(planned.get(n, 0)) for n in names])
        fig.add_bar(name=_("Realiserat"), x=[safe(n) for n in names], y=[float(realised.get(n, 0)) for n in names],
                    marker_pattern_shape="/")
        fig.update_layout(barmode="group")
        money_axis(fig)
        return Panel(_("Nyttor per nämnd: planerat mot realiserat"),
                     _("%(year)d: planerat %(planned)s kr, realiserat %(realised)s kr (finansiell nytta och "
                       "frigjord tid; frigjord tid är inte en budgetminskning).", year=year,
                       planned=format_number(sum(planned.values())), realised=format_number(sum(realised.values()))),
                     fig, Table((_("Nämnd"), _("Planerat (kr)"), _("Realiserat (kr)")),
                                tuple((n, planned.get(n, Decimal(0)), realised.get(n, Decimal(0))) for n in names)),
                     "full")

    @staticmethod
    def _staffing(ctx: DashboardContext) -> Panel:
        rows = ctx.reader.fte_by_committee()
        fig = figure(go.Bar(x=[float(r.amount or 0) for r in rows], y=[safe(r.committee) for r in rows],
                               orientation="h"),
                        layout=base_layout(_("Personalbehov %(year)d per nämnd", year=ctx.filters.year),
                                           _("Årsarbetare")))
        total = sum((r.amount or Decimal(0) for r in rows), Decimal(0))
        return Panel(_("Personalbehov per nämnd"),
                     _("%(year)d: %(fte)s årsarbetare i initiativen sammanlagt.", year=ctx.filters.year,
                       fte=format_plain(total)),
                     fig, Table((_("Nämnd"), _("Årsarbetare")), tuple((r.committee, r.amount) for r in rows)))

    @staticmethod
    def _risks(ctx: DashboardContext) -> Panel:
        bands = ctx.labels.get("risk_bands") or ()
        rows = ctx.reader.open_risks_by_committee()
        labels = [b.name for b in bands] or [_("Alla")]
        per: dict[tuple[str, str], int] = {}
        unhandled: dict[str, int] = {}
        for r in rows:
            key = (r.committee, band_name(r.score, bands) if bands else labels[0])
            per[key] = per.get(key, 0) + r.count
            unhandled[r.committee] = unhandled.get(r.committee, 0) + r.unhandled
        committees = sorted({r.committee for r in rows})
        fig = stacked_by_committee(_("Öppna risker per nämnd och riskband"), committees, labels, per)
        return Panel(_("Riskbild per nämnd"),
                     _("%(risks)s; %(unhandled)d över acceptabel nivå saknar åtgärd, ägare eller datum.",
                       risks=ngettext("%(num)d öppen risk", "%(num)d öppna risker", sum(r.count for r in rows)),
                       unhandled=sum(unhandled.values())),
                     fig, Table((_("Nämnd"), *labels, _("Utan åtgärd")),
                                tuple((c, *[per.get((c, label), 0) for label in labels], unhandled.get(c, 0))
                                      for c in committees)), "full")


plugin: Plugin = PerCommittee()
