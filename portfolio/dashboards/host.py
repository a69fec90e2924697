"""Build a plugin's context and run the visible dashboards for a user.

A dashboard's result (its panels: figures as JSON data, tables, summaries) is cached per
dashboard, filters and language under the data version (`portfolio.cache`): the second reader
pays nothing and any write anywhere makes the next reader build it again. The result does not
depend on who reads it (plugins see only the filters; which dashboards a user may open is
decided before), so readers share it. A failed build is never kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from flask import current_app, g
from flask_babel import get_locale
from flask_babel.speaklater import LazyString

from portfolio.cache import result_cache
from portfolio.clock import today
from portfolio.dashboards import runner
from portfolio.dashboards.contract import (
    DashboardContext,
    Filters,
    FundingFrame,
    Labels,
    Link,
    Panel,
    Plugin,
    RiskBandLabel,
    ShareMemberRow,
    Table,
    in_order,
)
from portfolio.dashboards.data import DashboardReader
from portfolio.programme.services import current_programme

if TYPE_CHECKING:
    from portfolio.programme.loader import Programme


class Viewer(Protocol):
    @property
    def is_office(self) -> bool: ...


def plugins() -> dict[str, Plugin]:
    """The accepted plugins by id, in discovery order (the dashboard list's order)."""
    found: dict[str, Plugin] = current_app.extensions.get("portfolio.dashboards", {})
    return found


def visible_to(user: Viewer) -> list[Plugin]:
    return [p for p in plugins().values() if p.audience == "alla" or user.is_office]


def in_report_order() -> list[Plugin]:
    """Every accepted plugin by its `order` (then id): the yearly report's sequence."""
    return in_order(plugins().values())


_SHARED_KEY = "portfolio.dashboards.shared_contexts"


@contextmanager
def shared_contexts() -> Iterator[None]:
    """Within the block, one context (and so one reader, whose reads are memoised) per filters:
    the yearly report runs every dashboard and the key figures for a year on one reader, so each
    read happens once per report. Only for work that writes nothing meanwhile."""
    outer = g.get(_SHARED_KEY)
    if outer is None:
        setattr(g, _SHARED_KEY, {})
    try:
        yield
    finally:
        if outer is None:
            g.pop(_SHARED_KEY, None)


def context(filters: Filters) -> DashboardContext:
    shared: dict[Filters, DashboardContext] | None = g.get(_SHARED_KEY)
    if shared is None:
        return _new_context(filters)
    if filters not in shared:
        shared[filters] = _new_context(filters)
    return shared[filters]


def _new_context(filters: Filters) -> DashboardContext:
    from portfolio.prioritisation.services import get_set

    programme = current_programme()
    criteria_set = get_set(filters.year)
    phases, plan_statuses, answer_statuses = code_names()
    return DashboardContext(
        reader=DashboardReader(filters, programme.risk.acceptable_max_score, today()),
        filters=filters,
        labels=Labels(ceiling_source= programme.prioritisation.ceiling_source or "centrala-medel",
                      ceiling=criteria_set.budget_ceiling if criteria_set else None,
                      thresholds=programme.question_thresholds,
                      funding_frames=funding_frames(programme, filters.year),
                      risk_bands=tuple(RiskBandLabel(b.name, b.min, b.max) for b in programme.risk.bands),
                      phases=phases, plan_statuses=plan_statuses, answer_statuses=answer_statuses))


def code_names() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The names of the codes plugins show (phases, plan statuses, answer statuses), from where
    each code list is declared."""
    from portfolio.audits.models import NOT_ANSWERED, NOT_ANSWERED_LABEL, ResponseStatus
    from portfolio.labels import PHASE_LABELS
    from portfolio.plans.models import PlanStatus

    def names(labels) -> dict[str, str]:
        return {str(code): str(label) for code, label in labels.items()}
    return (names(PHASE_LABELS), names(PlanStatus.labels()),
            names(ResponseStatus.labels() | {NOT_ANSWERED: NOT_ANSWERED_LABEL}))


def funding_frames(programme: Programme, year: int) -> tuple[FundingFrame, ...]:
    """The programme file's funding frames that cover `year`, as plain values for plugins."""
    names = {s.code: s.name for s in programme.funding_sources}
    return tuple(FundingFrame(f.code, f.name, f.funding_source, names.get(f.funding_source, f.funding_source),
                              f.first_year, f.last_year, f.amount, f.reference or "")
                 for f in programme.funding_frames if f.covers(year))


def _locale() -> str:
    return str(get_locale() or "sv")


def run_dashboard(plugin: Plugin, filters: Filters) -> runner.RunResult:
    """The plugin's result for these filters: cached, built (in isolation) when missing."""
    return result_cache().get_or_build(
        ("dashboard", plugin.id, filters.year, filters.committee_id, filters.area_id, _locale()),
        lambda: _plain_result(runner.run(plugin, context(filters))), keep=lambda result: not result.failed)


def _plain(value: object) -> object:
    """A lazily translated text as the text (translated now: the key holds the language)."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, Link) and isinstance(value.text, LazyString):
        return value._replace(text=str(value.text))
    return value


def _plain_result(result: runner.RunResult) -> runner.RunResult:
    """The result with every lazily translated text made a plain one, so it can be kept."""
    def panel(p: Panel) -> Panel:
        table = p.table and Table(tuple(str(c) for c in p.table.columns),
                                  tuple(tuple(_plain(cell) for cell in row) for row in p.table.rows),
                                  str(p.table.caption))
        return replace(p, title=str(p.title), summary=str(p.summary), table=table,
                       links=tuple((str(label), href) for label, href in p.links))
    return replace(result, panels=[panel(p) for p in result.panels])


def evidence(filters: Filters, metric: str, phases: tuple[str, ...]) -> tuple[ShareMemberRow, ...]:
    """The initiatives behind one share of the audit questions (read through the same reader)."""
    return context(filters).reader.share_members(metric, phases)


def demo_share(filters: Filters) -> tuple[int, int]:
    """(demo, total) initiatives behind a dashboard or report of these filters."""
    return result_cache().get_or_build(("demo-share", filters.year, filters.committee_id, filters.area_id),
                                       lambda: context(filters).reader.demo_initiatives())


def checked_filters(year: int | None, committee: int | None, area: int | None) -> tuple[Filters, dict[str, str]]:
    """The one validator of dashboard filters (the pages and the API): a year from 2000 to five
    years ahead, a committee (nämnd, not an administration) and a priority area that exist.
    Returns filters with every bad value left out, and the Swedish message for each."""
    from flask_babel import gettext as _

    from portfolio.plans.queries import committees
    from portfolio.programme import queries as ref

    errors: dict[str, str] = {}
    last = today().year + 5
    if year is not None and not 2000 <= year <= last:
        errors["year"] = _("Ange ett år mellan 2000 och %(max)d.", max=last)
        year = None
    if committee is not None and committee not in {c.id for c in committees()}:
        errors["committee"] = _("Nämnden finns inte.")
        committee = None
    if area is not None and area not in {a.id for a in ref.areas()}:
        errors["area"] = _("Området finns inte.")
        area = None
    return Filters(year=year if year is not None else today().year, committee_id=committee, area_id=area), errors
