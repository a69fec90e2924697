"""Build the yearly KS report: the eight questions, key figures against the previous year, every
dashboard's panels and per-committee tables.

The data is read once per report (`collect`) and rendered in one of three modes:
- "web": the body inside the app's page (site header, charts drawn by static/js/charts.js);
- "standalone": one self-contained HTML file that opens from disk with no network (plotly.js
  once, gzip-compressed and unpacked by the browser; the CSS inlined);
- "print": the PDF's input (WeasyPrint), charts as placeholders that become vector SVG, long
  tables cut to what KS needs (the full tables stay in the HTML and the exports).

An `Edition` says whether the text is the live draft (marked "utkast" on every page) or a
published version (its KS case number, meeting and publisher, frozen into the files)."""

from __future__ import annotations

import base64
import gzip
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portfolio.cache import result_cache
from portfolio.clock import local_now, today
from portfolio.dashboards import host
from portfolio.dashboards.contract import Filters, Plugin, Share, plugin_order
from portfolio.dashboards.runner import RunResult
from portfolio.decision_basis.labels import REQUIREMENT_LABELS
from portfolio.initiatives.queries import overrides
from portfolio.numbers import format_cell
from portfolio.plotting import compact_figure, figure_dict

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"
BODY_START, BODY_END = "<!-- report-body -->", "<!-- /report-body -->"
PRINT_POINTS = 3000       # a chart with more data points than this is not drawn in the PDF
PRINT_ROWS = 25          # rows of a table the PDF shows; the HTML has them all
FIGURE_SRC = "report-figure:"

Mode = Literal["web", "standalone", "print"]


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: object
    previous: object
    unit: str = ""

    @property
    def change(self) -> object:
        if isinstance(self.value, (int, Decimal)) and isinstance(self.previous, (int, Decimal)):
            return self.value - self.previous
        return None


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
    numbers: dict[int, int] = field(default_factory=dict)     # panel index → figure number (print)


@dataclass(frozen=True)
class Edition:
    """The live draft, or a published version (what its files say about it)."""

    draft: bool = True
    version: int | None = None
    case_number: str | None = None
    meeting_date: date | None = None
    published_at: str | None = None
    published_by: str | None = None
    reason: str | None = None


DRAFT = Edition()


@dataclass
class ReportData:
    year: int
    questions: list[ReportEntry]
    dashboards: list[ReportEntry]
    figures: list[KeyFigure]
    overrides: Any
    demo: Any
    as_of: date
    generated: str

    @property
    def entries(self) -> list[ReportEntry]:
        return self.questions + self.dashboards

    def all_figures(self) -> list[tuple[dict[str, Any], str]]:
        """Every chart the PDF shows, in print order with its text alternative; numbers the
        entries' panels. A chart of more points than a page can show (a timeline of thousands
        of initiatives) is left to the HTML version."""
        found: list[tuple[dict[str, Any], str]] = []
        for entry in self.entries:
            for index, figure in entry.figures.items():
                if figure_points(figure) > PRINT_POINTS:
                    continue
                panel = entry.result.panels[index]
                entry.numbers[index] = len(found)
                found.append((figure, chart_alt(panel.title, panel.summary)))
        return found


@dataclass(frozen=True)
class Light:
    number: int
    status: str          # green, yellow, red or "" (no data)
    text: str


def traffic_lights(data: ReportData) -> tuple[list[int], list[tuple[str, dict[int, Light]]], list[str]]:
    """The audit questions as a traffic-light row per committee, from the question panels'
    tables (the committee first, the status last; question 2 by plan status), and the three
    things KS should note: the questions furthest from their targets."""
    numbers: list[int] = []
    rows: dict[str, dict[int, Light]] = {}
    totals: list[tuple[int, int, str, str]] = []
    for entry in data.questions:
        for panel in entry.result.panels:
            head = str(panel.title).split(".", 1)
            if not head[0].strip().isdigit() or panel.table is None or not panel.table.rows:
                continue
            number = int(head[0])
            columns = [str(c).lower() for c in panel.table.columns]
            for row in panel.table.rows:
                committee = str(getattr(row[0], "text", row[0]))
                if "status" in columns[-1]:
                    word = str(row[-1] or "")
                elif len(columns) > 1 and "status" in columns[1]:
                    word = {"beslutad": "grön", "under arbete": "gul"}.get(
                        str(row[1]).split(" (")[0].strip(), "röd")
                else:
                    continue
                light = Light(number, STATUS_CLASSES.get(word.strip().lower(), ""), word)
                if committee.lower() in ("totalt", "total"):
                    pct = row[3] if len(row) > 3 and isinstance(row[3], int) else -1
                    totals.append((pct, number, str(panel.title), word))
                else:
                    rows.setdefault(committee, {})[number] = light
            if number not in numbers:
                numbers.append(number)
    numbers.sort()
    notes = [_("%(question)s %(pct)s %% (%(status)s).", question=title,
               pct=pct if pct >= 0 else "–", status=word)
             for pct, _n, title, word in sorted(t for t in totals if t[0] >= 0)[:3]]
    return numbers, sorted(rows.items()), notes


def figure_points(figure: dict[str, Any]) -> int:
    return sum(max((len(trace.get(axis) or ()) for axis in ("x", "y", "z")), default=0)
               for trace in figure.get("data") or ())


def chart_alt(title: object, summary: object) -> str:
    return _("Diagram: %(title)s. %(summary)s", title=title, summary=summary or "").strip()


def collect(year: int) -> ReportData:
    """Everything the report shows for `year`, read once (one reader per year)."""
    with host.shared_contexts():
        questions: list[ReportEntry] = []
        dashboards: list[ReportEntry] = []
        for plugin in host.in_report_order():
            if plugin.audience != "alla":
                continue
            result = host.run_dashboard(plugin, Filters(year=year))
            entry = ReportEntry(plugin, result, {i: compact_figure(figure_dict(p.figure))
                                                 for i, p in enumerate(result.panels)
                                                 if p.figure is not None})
            (questions if plugin_order(plugin) < OVERRIDES_ORDER else dashboards).append(entry)
        return ReportData(
            year=year, questions=questions, dashboards=dashboards, figures=key_figures(year),
            overrides=overrides(year=year), demo=host.demo_share(Filters(year=year)),
            as_of=min(today(), today().replace(year=year, month=12, day=31)),
            generated=local_now().strftime("%Y-%m-%d %H:%M"))


def _context(data: ReportData, mode: Mode, edition: Edition) -> dict[str, Any]:
    return dict(data=data, year=data.year, mode=mode, edition=edition, figures=data.figures,
                questions=data.questions, dashboards=data.dashboards, overrides=data.overrides,
                demo=data.demo, as_of=data.as_of, generated=data.generated,
                labels=REQUIREMENT_LABELS, print_rows=PRINT_ROWS, figure_src=FIGURE_SRC,
                author=author(), report_cell=report_cell, table_rows=table_rows, lights=traffic_lights(data))


def author() -> str:
    programme = current_app.extensions.get("portfolio.programme")
    return str(getattr(programme, "municipality", "") or getattr(programme, "name", "") or "")


def render_body(data: ReportData, *, mode: Mode, edition: Edition = DRAFT) -> Markup:
    return Markup(render_template("reports/_body.html", **_context(data, mode, edition)))


def render_document(data: ReportData, *, mode: Literal["standalone", "print"],
                    edition: Edition = DRAFT) -> str:
    """A whole HTML document: the stand-alone file, or the PDF's input."""
    context = _context(data, mode, edition)
    body = render_template("reports/_body.html", **context)
    return render_template(
        "reports/document.html", body=Markup(body), body_start=Markup(BODY_START),
        body_end=Markup(BODY_END), css=CSS_PATH.read_text(encoding="utf-8") if mode == "standalone" else "",
        plotly_gz=plotly_gzip_base64() if mode == "standalone" else None, **context)


def body_of(document: str) -> Markup:
    """The report body inside a stored stand-alone document (to show it in the app's page: the
    document is ours, rendered with escaping when it was published)."""
    start, end = document.find(BODY_START), document.rfind(BODY_END)
    if start < 0 or end < start:
        raise ValueError("not a report document")
    return Markup(document[start + len(BODY_START):end])


@lru_cache(maxsize=1)
def plotly_gzip_base64() -> str:
    """plotly.min.js gzip-compressed as base64 (4.8 MB → about 1.9 MB), unpacked in the browser
    with DecompressionStream: the stand-alone file stays small and still needs no network."""
    source = (files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    return base64.b64encode(gzip.compress(source, compresslevel=9, mtime=0)).decode("ascii")


def print_source(data: ReportData, edition: Edition = DRAFT) -> dict[str, Any]:
    """The PDF's frozen input: the print HTML with placeholders and the charts as JSON."""
    charts = data.all_figures()
    html = render_document(data, mode="print", edition=edition)
    return {"html": html, "figures": [figure for figure, _alt in charts],
            "alts": [alt for _figure, alt in charts]}


def report_cell(value: object, column: object = "", *, year_column: bool | None = None) -> tuple[str, str]:
    """A table cell as (text, CSS class): numbers right-aligned in Swedish format, years as
    plain digits, a traffic-light status with its symbol as well as its colour. `year_column`:
    whether `column` is a column of years, when the caller already knows."""
    if isinstance(value, bool) or value is None:
        return format_cell(value), ""
    if isinstance(value, int) and 1900 <= value <= 2100 and (
            _is_year_column(column) if year_column is None else year_column):
        return str(value), "num"
    if isinstance(value, (int, float, Decimal)):
        return format_cell(value), "num"
    text = str(value)
    status = STATUS_CLASSES.get(text.strip().lower())
    if status:
        return text, f"rag rag--{status}"
    if NUMBER_TEXT.fullmatch(text.strip()):      # "100 %", "1 500 kr": a number as text
        return text, "num"
    return text, ""


def table_rows(columns: tuple, rows: tuple, *, linked: bool) -> Markup:
    """A report table's body rows as HTML, every cell through `report_cell` and escaped; a
    linked cell (one with .text and .href) as a link on the web, as text in print. In Python
    rather than in the template: the timeline's table has a row per active initiative."""
    year_column = [_is_year_column(c) for c in columns]
    out: list[str] = []
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            column = columns[i] if i < len(columns) else ""
            href = getattr(cell, "href", None)
            text, css = report_cell(cell.text if href is not None else cell, column,
                                    year_column=year_column[i] if i < len(columns) else False)
            attr = f' class="{css}"' if css else ""
            shown = escape(text)
            if href is not None and linked:
                shown = Markup(f'<a href="{escape(href)}">{shown}</a>')
            elif href is None and "rag" in css:
                shown = Markup(f'<span class="{css}">{shown}</span>')
            out.append(f"<td{attr}>{shown}</td>")
        out.append("</tr>")
    return Markup("".join(out))


NUMBER_TEXT = re.compile(r"[−-]?\d{1,3}(?:[\s\u00a0\u202f]\d{3})*(?:,\d+)?(?:[\s\u00a0]?(?:%|kr|tkr|mnkr))?")


STATUS_CLASSES = {"grön": "green", "gul": "yellow", "röd": "red",
                  "green": "green", "yellow": "yellow", "red": "red"}


def _is_year_column(column: object) -> bool:
    text = str(column or "").strip().lower()
    return text in ("år", "year", "budgetår", "startår", "slutår") or text.endswith("år") or "year" in text


# --- the old entry points (CLI, views) ---------------------------------------------------------

def build_report(year: int, *, standalone: bool, for_pdf: bool = False) -> str:
    """The live draft as HTML: the stand-alone document, or (standalone=False) the body for the
    app's page. for_pdf=True: the PDF's input with the charts as SVG (slow: renders them)."""
    data = collect(year)
    if for_pdf:
        from portfolio.reports.pdf import fill_figures

        return fill_figures(print_source(data))
    if standalone:
        return render_document(data, mode="standalone")
    return render_body(data, mode="web")


def build_pdf(year: int) -> bytes:
    from portfolio.reports.pdf import check_available, pdf_from_source

    check_available()
    return pdf_from_source(print_source(collect(year)))


def local_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    from datetime import UTC

    from portfolio.clock import TIME_ZONE

    return moment.replace(tzinfo=UTC).astimezone(TIME_ZONE).strftime("%Y-%m-%d %H:%M")
