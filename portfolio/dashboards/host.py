"""Build a plugin's context and run the visible dashboards for a user."""

from __future__ import annotations

from flask import current_app

from portfolio.clock import today
from portfolio.dashboards import runner
from portfolio.dashboards.contract import DashboardContext, Filters
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
                "thresholds": programme.question_thresholds})


def run_dashboard(plugin, filters: Filters) -> runner.RunResult:
    return runner.run(plugin, context(filters))
