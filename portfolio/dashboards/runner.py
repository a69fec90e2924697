"""Run plugins in isolation: any exception or garbage becomes an error panel."""

from __future__ import annotations

import json
import logging
import time
import traceback
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _

from portfolio.dashboards.contract import DashboardContext, Panel, Plugin, validate_panels
from portfolio.plotting import FigureLike, figure_dict

log = logging.getLogger("portfolio.dashboards")


def _as_json(figure: FigureLike | dict[str, Any]) -> dict[str, Any]:
    data = figure_dict(figure)
    if not isinstance(data, dict) or not isinstance(data.get("data", []), list):
        raise ValueError("figuren har inget giltigt plotly-format")
    json.dumps(data)
    return data


@dataclass(frozen=True)
class RunResult:
    panels: list[Panel]
    seconds: float
    failed: bool


def run(plugin: Plugin, ctx: DashboardContext) -> RunResult:
    started = time.perf_counter()
    try:
        # Figures become plain JSON data here, inside the isolation: a figure that cannot be
        # serialised fails this plugin only.
        panels = [replace(p, figure=_as_json(p.figure)) if p.figure is not None else p
                  for p in validate_panels(plugin.build(ctx))]
        failed = False
    except Exception as exc:  # noqa: BLE001 - isolation is the point
        log.exception("dashboard plugin %s failed", getattr(plugin, "id", "?"))
        panels = [Panel(title=getattr(plugin, "title", "?"),
                        summary=_("Den här panelen kunde inte byggas. Övriga paneler påverkas inte."),
                        error=str(exc) or type(exc).__name__, details=traceback.format_exc(),
                        width="full")]
        failed = True
    return RunResult(panels, time.perf_counter() - started, failed)
