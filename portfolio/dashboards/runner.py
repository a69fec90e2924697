"""Run plugins in isolation: any exception or garbage becomes an error panel."""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass

from flask_babel import gettext as _

from portfolio.dashboards.contract import DashboardContext, Panel, validate_panels

log = logging.getLogger("portfolio.dashboards")


@dataclass(frozen=True)
class RunResult:
    panels: list[Panel]
    seconds: float
    failed: bool


def run(plugin, ctx: DashboardContext) -> RunResult:
    started = time.perf_counter()
    try:
        panels = validate_panels(plugin.build(ctx))
        failed = False
    except Exception as exc:  # noqa: BLE001 - isolation is the point
        log.exception("dashboard plugin %s failed", getattr(plugin, "id", "?"))
        panels = [Panel(title=getattr(plugin, "title", "?"),
                        summary=_("Den här panelen kunde inte byggas. Övriga paneler påverkas inte."),
                        error=str(exc) or type(exc).__name__, details=traceback.format_exc(),
                        width="full")]
        failed = True
    return RunResult(panels, time.perf_counter() - started, failed)
