"""Discover dashboard plugins through entry points (group portfolio.dashboards), keep the
allowlisted valid ones, and log a clear line for every refused plugin."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from flask import Flask

from portfolio.dashboards.contract import Plugin, validate_plugin

GROUP = "portfolio.dashboards"
log = logging.getLogger("portfolio.dashboards")


def discover(allowlist: list[str] | None = None, extra: Mapping[str, Any] | None = None) -> dict[str, Plugin]:
    """id → plugin, in discovery order (entry points, then `extra`): the order of the dashboard
    list. `extra` (name → plugin) lets tests add plugins without installing them. Anything that
    passes `validate_plugin` is kept (an API v1 plugin may leave out `order`)."""
    found: list[tuple[str, Any]] = []
    for ep in entry_points(group=GROUP):
        try:
            found.append((ep.name, ep.load()))
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the app
            log.error("dashboard plugin %s refused: could not be loaded: %s", ep.name, exc)
    found.extend((extra or {}).items())
    plugins: dict[str, Plugin] = {}
    for name, plugin in found:
        if allowlist is not None and name not in allowlist:
            log.info("dashboard plugin %s skipped: not in DASHBOARD_PLUGINS", name)
            continue
        problem = validate_plugin(plugin, name)
        if problem is None and name in plugins:
            problem = "id används redan av en annan plugin"
        if problem:
            log.error("dashboard plugin %s refused: %s", name, problem)
            continue
        plugins[name] = plugin
    return plugins


def init_dashboards(app: Flask) -> None:
    app.extensions["portfolio.dashboards"] = discover(
        app.config.get("DASHBOARD_PLUGINS"), app.config.get("DASHBOARD_EXTRA_PLUGINS"))
