"""The contract between the host and dashboard plugins (API version 1).

A plugin is any object with (see `Plugin`):
    id           kebab-case, equal to its entry-point name (group ``portfolio.dashboards``)
    title        Swedish title
    description  one or two sentences
    audience     "alla" (every logged-in user) or "projektkontoret" (office and admin)
    api_version  must equal API_VERSION
    order        its place in the yearly report, lower first (DEFAULT_ORDER when left out)
    build(ctx)   returns a list of Panel

It never gets the Flask app, the request or the database session: only `ctx`, whose `reader`
(`ReaderV1`) returns frozen rows aggregated in SQL and whose `filters` are already validated.
Everything a plugin may read is declared here; the concrete reader lives in `data.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple, Protocol, TypedDict, runtime_checkable

from portfolio.dashboards.rows import (
    ActionCountRow,
    AnswerRow,
    AreaBenefitPlanLine,
    AreaPhase,
    AuditQuestionRow,
    AuditScopeRow,
    BenefitPlanLine,
    Cell,
    CommitteeAmount,
    CommitteeArea,
    CommitteeBenefitPlanLine,
    CommitteeKindAmount,
    CommitteeRiskScore,
    FrameInitiativesRow,
    FrameYearRow,
    Money3,
    Named,
    NamedAmount,
    PlanStateRow,
    ResponseCountRow,
    Share,
    ShareMemberRow,
    Span,
    Systematics,
    YearMoney,
    YearValue,
)
from portfolio.domain import phases as P
from portfolio.plotting import FigureLike

__all__ = [
    "ACTIVE_PHASES",
    "API_VERSION",
    "AUDIENCES",
    "ActionCountRow",
    "AnswerRow",
    "AreaBenefitPlanLine",
    "AreaPhase",
    "AuditQuestionRow",
    "AuditScopeRow",
    "BenefitPlanLine",
    "Cell",
    "CommitteeAmount",
    "CommitteeArea",
    "CommitteeBenefitPlanLine",
    "CommitteeKindAmount",
    "CommitteeRiskScore",
    "DEFAULT_ORDER",
    "DashboardContext",
    "Filters",
    "FrameInitiativesRow",
    "FrameYearRow",
    "FundingFrame",
    "ID_RE",
    "Labels",
    "Link",
    "Money3",
    "Named",
    "NamedAmount",
    "Panel",
    "PlanStateRow",
    "Plugin",
    "ReaderV1",
    "ResponseCountRow",
    "RiskBandLabel",
    "Share",
    "ShareMemberRow",
    "Span",
    "Systematics",
    "Table",
    "WIDTHS",
    "YearMoney",
    "YearValue",
    "in_order",
    "is_local",
    "plugin_order",
    "validate_panels",
    "validate_plugin",
]

API_VERSION = 1
AUDIENCES = ("alla", "projektkontoret")
WIDTHS = ("half", "full")
ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# The place in the yearly report of a plugin that gives no `order` (API v1 made it optional).
DEFAULT_ORDER = 100
# The phases whose initiatives count as active (the default for the reader's shares).
ACTIVE_PHASES = (P.BEHOVSANALYS, P.PRIORITERAD, P.PLANERING, P.GENOMFORANDE, P.UPPFOLJNING)



class Link(NamedTuple):
    """A table cell that links to the records behind it (a local path, like Panel.links): shown
    as a link on the page and in the report, as {"text", "href"} in the API."""

    text: str | int
    href: str


def is_local(href: str) -> bool:
    return isinstance(href, str) and href.startswith("/") and not href.startswith("//") and "\\" not in href


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


class Labels(TypedDict, total=False):
    """What the programme file says that plugins may need (every key may be missing)."""

    ceiling_source: str                      # funding source code of the central funds' ceiling
    ceiling: Decimal | None                  # the year's budget ceiling, if any
    thresholds: tuple[int, int]              # green and yellow limits (%) for the audit questions
    funding_frames: tuple[FundingFrame, ...]  # the frames that cover the year read
    risk_bands: tuple[RiskBandLabel, ...]
    # Names of the stored codes, from the one place each code list is declared (code → name in
    # the reader's language): phases, plan statuses and answer statuses (incl. "ej_besvarad").
    phases: dict[str, str]
    plan_statuses: dict[str, str]
    answer_statuses: dict[str, str]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]      # cells: text, numbers, dates, None or a Link
    caption: str = ""


@dataclass(frozen=True)
class Panel:
    """A plotly figure (a plotly Figure or its JSON dict) and/or a table, with a one-sentence
    summary for people who cannot see the chart. A figure always needs a table too."""

    title: str
    summary: str
    figure: FigureLike | dict[str, Any] | None = None   # a plotly graph_objects.Figure or its JSON dict
    table: Table | None = None
    width: str = "half"
    links: tuple[tuple[str, str], ...] = ()   # (label, local path) to the evidence
    error: str | None = None          # set by the host for a failed plugin
    details: str | None = None        # error details, shown to admins only


@runtime_checkable
class ReaderV1(Protocol):
    """Everything a plugin may read (API version 1). Every method aggregates in SQL for the
    context's filters (year, committee, priority area; past years as they stood on 31 December)
    and returns immutable rows. `portfolio.dashboards.data.DashboardReader` implements it."""

    # -- portfolio ----------------------------------------------------------------------------
    def count_by_area_phase(self) -> tuple[AreaPhase, ...]: ...

    def count_by_committee(self) -> tuple[Named, ...]: ...

    def active_timeline(self) -> tuple[Span, ...]:
        """Active initiatives with a start date, by start date."""
        ...

    def possible_duplicates(self, limit: int = 200) -> tuple[tuple[str, str, str], ...]:
        """(titles, refs, committees) for groups of active initiatives of different committees
        whose texts are similar (identical titles included; pairs the office marked "not similar"
        left out), most similar first."""
        ...

    def demo_initiatives(self) -> tuple[int, int]:
        """(demo, total) initiatives in scope."""
        ...

    # -- funding and staffing -------------------------------------------------------------------
    def funding_by_area_and_source(self) -> tuple[Money3, ...]: ...

    def funding_by_committee_and_source(self) -> tuple[Money3, ...]: ...

    def funding_from_source(self, source_code: str) -> Decimal:
        """Kronor from one funding source (its code) in the year read."""
        ...

    def frame_use_per_year(self, source_code: str, first_year: int, last_year: int) -> tuple[FrameYearRow, ...]:
        """Per year of a funding frame (all filters but the year ignored: a frame is programme-wide)."""
        ...

    def frame_initiatives(self, source_code: str, first_year: int, last_year: int) -> FrameInitiativesRow: ...

    def fte_per_year(self) -> tuple[YearValue[Decimal], ...]: ...

    def cost_to_date(self, by: Literal["committee", "area"]) -> tuple[NamedAmount, ...]:
        """Cost to date from each initiative's latest follow-up, per committee or priority area."""
        ...

    def funding_to_year(self, by: Literal["committee", "area"]) -> tuple[NamedAmount, ...]:
        """Funding (budget, all sources) of the years up to and including the year read, per
        committee or primary priority area: the period `cost_to_date` covers (an addition to API
        version 1; no existing method changed)."""
        ...

    # -- systematics and the audit's questions ----------------------------------------------------
    def systematics_by_committee(self) -> tuple[Systematics, ...]: ...

    def systematics_by_start_year(self) -> tuple[YearValue[int], ...]:
        """Per start year, the share (%) with a complete decision basis."""
        ...

    def shares_by_committee(self, metric: str, phases: tuple[str, ...] = ACTIVE_PHASES) -> tuple[Share, ...]:
        """Per committee: initiatives in `phases` meeting `metric` (a named condition), and all."""
        ...

    def share_members(self, metric: str, phases: tuple[str, ...] = ACTIVE_PHASES) -> tuple[ShareMemberRow, ...]:
        """The initiatives behind `shares_by_committee`, each with whether it meets the metric."""
        ...

    # -- risks -------------------------------------------------------------------------------------
    def risk_matrix(self, residual: bool) -> tuple[Cell, ...]: ...

    def unhandled_risks_by_committee(self) -> tuple[Named, ...]: ...

    def unhandled_risk_count(self) -> int: ...

    # -- benefits ----------------------------------------------------------------------------------
    def realised_per_year(self) -> tuple[YearMoney, ...]: ...

    def planned_benefit_lines(self) -> tuple[BenefitPlanLine, ...]: ...

    def realised_by_area(self) -> tuple[Money3, ...]:
        """Realised kronor per priority area (group) and benefit kind (source)."""
        ...

    def planned_benefit_lines_by_area(self) -> tuple[AreaBenefitPlanLine, ...]: ...

    def benefits_due_for_measurement(self) -> tuple[Named, ...]: ...

    def benefits_awaiting_verification(self) -> tuple[Named, ...]: ...

    # -- per committee (nämnd) ---------------------------------------------------------------------
    def initiatives_by_committee_and_area(self) -> tuple[CommitteeArea, ...]: ...

    def fte_by_committee(self) -> tuple[CommitteeAmount, ...]: ...

    def realised_by_committee(self) -> tuple[CommitteeKindAmount, ...]: ...

    def planned_benefit_lines_by_committee(self) -> tuple[CommitteeBenefitPlanLine, ...]: ...

    def open_risks_by_committee(self) -> tuple[CommitteeRiskScore, ...]: ...

    # -- plans, audits and recommendations ---------------------------------------------------------
    def audit_scope(self) -> AuditScopeRow | None:
        """The committees the audit(s) of the year read cover, or None."""
        ...

    def audit_questions(self) -> tuple[AuditQuestionRow, ...]: ...

    def plan_states(self) -> tuple[PlanStateRow, ...]: ...

    def response_counts(self) -> tuple[ResponseCountRow, ...]: ...

    def recommendation_answers(self) -> tuple[AnswerRow, ...]: ...

    def action_counts(self) -> tuple[ActionCountRow, ...]: ...

    def overdue_actions(self) -> int: ...


@dataclass(frozen=True)
class DashboardContext:
    reader: ReaderV1
    filters: Filters
    api_version: int = API_VERSION
    labels: Labels = field(default_factory=Labels)


@runtime_checkable
class Plugin(Protocol):
    """A dashboard plugin (API version 1). Text attributes may be lazy strings
    (flask_babel.lazy_gettext): the host turns them into text when it shows them."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def audience(self) -> str: ...

    @property
    def api_version(self) -> int: ...

    @property
    def order(self) -> int:
        """The place in the yearly report, lower first; the built-in plugins all give one."""
        ...

    def build(self, ctx: DashboardContext) -> list[Panel]: ...


def plugin_order(plugin: Plugin) -> int:
    """`plugin.order`, or DEFAULT_ORDER for an API v1 plugin that gives none."""
    order = getattr(plugin, "order", DEFAULT_ORDER)
    return order if isinstance(order, int) and not isinstance(order, bool) else DEFAULT_ORDER


def in_order(plugins: Iterable[Plugin]) -> list[Plugin]:
    """Plugins sorted by their order, then id (the yearly report's sequence)."""
    return sorted(plugins, key=lambda p: (plugin_order(p), p.id))


def validate_plugin(plugin: Any, name: str) -> str | None:
    """Why a plugin (any object, from an entry point) is refused, or None when it is valid."""
    for attr in ("id", "title", "description", "audience", "api_version", "build"):
        if not hasattr(plugin, attr):
            return f"saknar attributet {attr}"
    api_version = plugin.api_version
    plugin_id = plugin.id
    audience = plugin.audience
    order = getattr(plugin, "order", DEFAULT_ORDER)
    if api_version != API_VERSION:
        return f"api_version {api_version!r} stöds inte (värden: {API_VERSION})"
    if not isinstance(plugin_id, str) or not ID_RE.match(plugin_id):
        return f"id {plugin_id!r} är inte kebab-case"
    if plugin_id != name:
        return f"id {plugin_id!r} är inte samma som entry point-namnet {name!r}"
    if audience not in AUDIENCES:
        return f"audience {audience!r} ska vara en av {', '.join(AUDIENCES)}"
    if not isinstance(order, int) or isinstance(order, bool):
        return f"order {order!r} är inte ett heltal"
    if not callable(plugin.build):
        return "build är inte anropbar"
    return None


def validate_panels(result: object) -> list[Panel]:
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
