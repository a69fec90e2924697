"""The contract between the host and dashboard plugins (API version 1).

A plugin is any object with:
    id           kebab-case, equal to its entry-point name (group ``portfolio.dashboards``)
    title        Swedish title
    description  one or two sentences
    audience     "alla" (every logged-in user) or "projektkontoret" (office and admin)
    api_version  must equal API_VERSION
    build(ctx)   returns a list of Panel

It never gets the Flask app, the request or the database session: only `ctx`, whose `reader`
returns frozen rows aggregated in SQL and whose `filters` are already validated.
"""

from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

API_VERSION = 1
AUDIENCES = ("alla", "projektkontoret")
WIDTHS = ("half", "full")
ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


# A table cell that links to the records behind it (a local path, like Panel.links): shown as a
# link on the page and in the report, as {"text", "href"} in the API.
Link = namedtuple("Link", "text href")


def is_local(href: str) -> bool:
    return isinstance(href, str) and href.startswith("/") and not href.startswith("//") and "\\" not in href


# Rows the reader returns about plans, audits and recommendations (frozen named tuples).
# A committee's plan as of the year read; is_demo: the plan is invented demo data.
PlanStateRow = namedtuple("PlanStateRow", "committee status title decided_on diarienummer next_revision "
                                          "overdue is_demo committee_id plan_id")
# An initiative counted for one of the audit questions' shares, and whether it meets the metric.
ShareMemberRow = namedtuple("ShareMemberRow", "committee_id committee initiative_id ref title phase matches")
# Responses per committee and status as of the year read (status "ej_besvarad": not yet answered);
# demo: how many of them have that status from an invented (demo) status change.
ResponseCountRow = namedtuple("ResponseCountRow", "committee status count demo")
# The committees' actions as of the year read; demo: done-marks that are invented.
ActionCountRow = namedtuple("ActionCountRow", "committee total done overdue demo")
# The audit(s) of the year read: which committees they cover (a fact of the audit).
AuditScopeRow = namedtuple("AuditScopeRow", "year audits committees committee_ids")
# A committee's answer to one recommendation as of the year read, with its actions then.
AnswerRow = namedtuple("AnswerRow", "committee_id committee code text status demo actions actions_done evidence")
# One of the audit's questions: number, short label and the audit's own wording.
AuditQuestionRow = namedtuple("AuditQuestionRow", "number label wording audit")
# A funding frame's use, per year of the frame: kronor from the frame's source registered on
# initiatives that year, and cumulative from the frame's first year to that year.
FrameYearRow = namedtuple("FrameYearRow", "year registered cumulative")
# How many initiatives have funding lines counted against a frame; demo: how many of them are demo data.
FrameInitiativesRow = namedtuple("FrameInitiativesRow", "initiatives demo")


@dataclass(frozen=True)
class FundingFrame:
    """A funding frame from the programme file (a total sum in kronor for a period from one
    funding source), given to plugins in ``ctx.labels["funding_frames"]``: the frames that cover
    the year read. Every value is as the programme file (and its source) gives it."""

    code: str
    name: str
    source_code: str
    source_name: str
    first_year: int
    last_year: int
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class RiskBandLabel:
    """A risk band from the programme file, given to plugins in ``ctx.labels["risk_bands"]``."""

    name: str
    min: int
    max: int


@dataclass(frozen=True)
class Filters:
    year: int
    committee_id: int | None = None
    area_id: int | None = None


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Panel:
    """A plotly figure (a plotly Figure or its JSON dict) and/or a table, with a one-sentence
    summary for people who cannot see the chart. A figure always needs a table too."""

    title: str
    summary: str
    figure: Any = None
    table: Table | None = None
    width: str = "half"
    links: tuple[tuple[str, str], ...] = ()   # (label, local path) to the evidence
    error: str | None = None          # set by the host for a failed plugin
    details: str | None = None        # error details, shown to admins only


@dataclass(frozen=True)
class DashboardContext:
    reader: Any
    filters: Filters
    api_version: int = API_VERSION
    labels: dict = field(default_factory=dict)


class Plugin(Protocol):
    id: str
    title: str
    description: str
    audience: str
    api_version: int

    def build(self, ctx: DashboardContext) -> list[Panel]: ...


def validate_plugin(plugin, name: str) -> str | None:
    """Why a plugin is refused, or None when it is valid."""
    for attr in ("id", "title", "description", "audience", "api_version", "build"):
        if not hasattr(plugin, attr):
            return f"saknar attributet {attr}"
    if plugin.api_version != API_VERSION:
        return f"api_version {plugin.api_version!r} stöds inte (värden: {API_VERSION})"
    if not isinstance(plugin.id, str) or not ID_RE.match(plugin.id):
        return f"id {plugin.id!r} är inte kebab-case"
    if plugin.id != name:
        return f"id {plugin.id!r} är inte samma som entry point-namnet {name!r}"
    if plugin.audience not in AUDIENCES:
        return f"audience {plugin.audience!r} ska vara en av {', '.join(AUDIENCES)}"
    if not callable(plugin.build):
        return "build är inte anropbar"
    return None


def validate_panels(result) -> list[Panel]:
    """The plugin's return value as panels, or ValueError describing the garbage."""
    if not isinstance(result, (list, tuple)):
        raise ValueError(f"build() gav {type(result).__name__}, inte en lista med paneler")
    panels = []
    for i, panel in enumerate(result):
        if not isinstance(panel, Panel):
            raise ValueError(f"panel {i} är {type(panel).__name__}, inte Panel")
        if not panel.title or not panel.summary:
            raise ValueError(f"panel {i} saknar titel eller sammanfattning")
        if panel.figure is None and panel.table is None:
            raise ValueError(f"panel {i} har varken diagram eller tabell")
        if panel.figure is not None and not (isinstance(panel.figure, dict) or hasattr(panel.figure, "to_json")):
            raise ValueError(f"panel {i}: figure är varken en plotly-figur eller en dict")
        if panel.figure is not None and panel.table is None:
            raise ValueError(f"panel {i} har ett diagram utan tabell")
        if panel.width not in WIDTHS:
            raise ValueError(f"panel {i} har okänd bredd {panel.width!r}")
        if any(not is_local(href) for _, href in panel.links) or (panel.table is not None and any(
                isinstance(cell, Link) and not is_local(cell.href) for row in panel.table.rows for cell in row)):
            raise ValueError(f"panel {i}: länkar måste vara lokala sökvägar")
        if panel.table is not None and any(len(r) != len(panel.table.columns) for r in panel.table.rows):
            raise ValueError(f"panel {i}: tabellraderna har fel antal kolumner")
        panels.append(panel)
    return panels
