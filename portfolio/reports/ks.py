"""Build the yearly KS report: the eight questions, key figures against the previous year, every
dashboard's panels and per-committee tables, as one self-contained HTML file."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from portfolio.cache import result_cache
from portfolio.clock import local_now, today
from portfolio.dashboards import host
from portfolio.dashboards.contract import Filters, Plugin, Share, plugin_order
from portfolio.dashboards.runner import RunResult
from portfolio.decision_basis.labels import REQUIREMENT_LABELS
from portfolio.initiatives.queries import overrides
from portfolio.plotting import figure_dict

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: object
    previous: object
    unit: str = ""


def key_figures(year: int) -> list[KeyFigure]:
    """A few headline numbers for the year and the year before, from the same readers as the
    dashboards (cached like them, per year, language and data version)."""
    return result_cache().get_or_build(("report-key-figures", year, str(get_locale() or "sv")),
                                       lambda: _key_figures(year))


def _key_figures(year: int) -> list[KeyFigure]:
    figures = []
    now, before = host.context(Filters(year=year)).reader, host.context(Filters(year=year - 1)).reader
    for label, get, unit in (
        (_("Nämnder med beslutad plan"), lambda r: sum(p.status == "beslutad" for p in r.plan_states()), ""),
        (_("Aktiva initiativ med komplett behovsanalys och nyttokalkyl"),
         lambda r: _pct(r.shares_by_committee("needs_and_case")), "%"),
        (_("Aktiva initiativ med riskanalys"), lambda r: _pct(r.shares_by_committee("risk_analysis")), "%"),
        (_("Avslutade initiativ som är utvärderade"),
         lambda r: _pct(r.shares_by_committee("evaluation", ("avslutad",))), "%"),
        (_("Centrala digitaliseringsmedel"), lambda r: r.funding_from_source("centrala-medel"), "kr"),
    ):
        figures.append(KeyFigure(str(label), get(now), get(before), unit))
    return figures


def _pct(rows: tuple[Share, ...]) -> int | None:
    matching, total = sum(r.matching for r in rows), sum(r.total for r in rows)
    return round(100 * matching / total) if total else None


# The report's own section on phase-gate overrides has this place on the plugins' `order` scale:
# the dashboards ordered before it open the report as the audit's eight questions (the
# audit-questions plugin, order 10); every other dashboard follows it, lowest order first.
OVERRIDES_ORDER = 12


@dataclass
class ReportEntry:
    plugin: Plugin
    result: RunResult
    figures: dict[int, dict[str, Any]]
    svgs: dict[int, str] = field(default_factory=dict)


def build_report(year: int, *, standalone: bool, for_pdf: bool = False) -> str:
    """The report as HTML. standalone=True inlines plotly.js and the CSS (opens from disk with no
    network); for_pdf=True puts the charts in as SVG images instead (WeasyPrint runs no
    JavaScript)."""
    with host.shared_contexts():     # one reader per year: each read once per report
        return _build_report(year, standalone=standalone, for_pdf=for_pdf)


def _build_report(year: int, *, standalone: bool, for_pdf: bool) -> str:
    questions: list[ReportEntry] = []
    dashboards: list[ReportEntry] = []
    for plugin in host.in_report_order():
        if plugin.audience != "alla":
            continue
        result = host.run_dashboard(plugin, Filters(year=year))
        entry = ReportEntry(plugin, result, {i: figure_dict(p.figure) for i, p in enumerate(result.panels)
                                             if p.figure is not None})
        (questions if plugin_order(plugin) < OVERRIDES_ORDER else dashboards).append(entry)
    if for_pdf:
        from portfolio.reports.pdf import figures_to_svg

        entries = questions + dashboards
        keys = [(n, i) for n, entry in enumerate(entries) for i in entry.figures]
        svgs = dict(zip(keys, figures_to_svg([entries[n].figures[i] for n, i in keys]), strict=True))
        for n, entry in enumerate(entries):
            entry.svgs = {i: svgs[(n, i)] for i in entry.figures}
    plotly_js = (files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8") \
        if standalone and not for_pdf else None
    css = CSS_PATH.read_text(encoding="utf-8") if standalone else None
    return render_template(
        "reports/ks.html", year=year, questions=questions, dashboards=dashboards,
        figures=key_figures(year), generated=local_now().strftime("%Y-%m-%d %H:%M"),
        as_of=min(today(), today().replace(year=year, month=12, day=31)), standalone=standalone,
        plotly_js=plotly_js, css=css, for_pdf=for_pdf, overrides=overrides(year=year),
        demo=host.demo_share(Filters(year=year)),
        labels=REQUIREMENT_LABELS)


def build_pdf(year: int) -> bytes:
    from portfolio.reports.pdf import check_available, html_to_pdf

    check_available()
    return html_to_pdf(build_report(year, standalone=True, for_pdf=True))
