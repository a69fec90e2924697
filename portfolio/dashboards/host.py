"""Build a plugin's context and run the visible dashboards for a user."""

from __future__ import annotations

from flask import current_app

from portfolio.clock import today
from portfolio.dashboards import runner
from portfolio.dashboards.contract import DashboardContext, Filters, RiskBandLabel
from portfolio.dashboards.data import DashboardReader
from portfolio.programme.services import current_programme


def plugins() -> dict[str, object]:
    return current_app.extensions.get("portfolio.dashboards", {})


def visible_to(user) -> list[object]:
    return [p for p in plugins().values() if p.audience == "alla" or user.is_office]


def context(filters: Filters) -> DashboardContext:
    from portfolio.prioritisation.services import get_set

    programme = current_programme()
    criteria_set = get_set(filters.year)
    return DashboardContext(
        reader=DashboardReader(filters, programme.risk.acceptable_max_score, today()),
        filters=filters,
        labels={"ceiling_source": programme.prioritisation.ceiling_source or "centrala-medel",
                "ceiling": criteria_set.budget_ceiling if criteria_set else None,
                "thresholds": programme.question_thresholds,
                "funding_frames": funding_frames(programme, filters.year),
                "risk_bands": tuple(RiskBandLabel(b.name, b.min, b.max) for b in programme.risk.bands)})


def funding_frames(programme, year: int) -> tuple:
    """The programme file's funding frames that cover `year`, as plain values for plugins."""
    from portfolio.dashboards.contract import FundingFrame

    names = {s.code: s.name for s in programme.funding_sources}
    return tuple(FundingFrame(f.code, f.name, f.funding_source, names.get(f.funding_source, f.funding_source),
                              f.first_year, f.last_year, f.amount, f.reference or "")
                 for f in programme.funding_frames if f.covers(year))


def run_dashboard(plugin, filters: Filters) -> runner.RunResult:
    return runner.run(plugin, context(filters))


def evidence(filters: Filters, metric: str, phases: tuple[str, ...]) -> tuple:
    """The initiatives behind one share of the audit questions (read through the same reader)."""
    return context(filters).reader.share_members(metric, phases)


def demo_share(filters: Filters) -> tuple[int, int]:
    """(demo, total) initiatives behind a dashboard or report of these filters."""
    return context(filters).reader.demo_initiatives()
