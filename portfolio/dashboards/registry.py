"""Discover dashboard plugins through entry points (group portfolio.dashboards), keep the
allowlisted valid ones, and log a clear line for every refused plugin."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from portfolio.dashboards.contract import validate_plugin

GROUP = "portfolio.dashboards"
log = logging.getLogger("portfolio.dashboards")


def discover(allowlist: list[str] | None = None, extra: dict | None = None) -> dict[str, object]:
    """id → plugin. `extra` (name → plugin) lets tests add plugins without installing them."""
    found: list[tuple[str, object]] = []
    for ep in entry_points(group=GROUP):
        try:
            found.append((ep.name, ep.load()))
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the app
            log.error("dashboard plugin %s refused: could not be loaded: %s", ep.name, exc)
    found.extend((extra or {}).items())
    plugins: dict[str, object] = {}
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


def init_dashboards(app) -> None:
    app.extensions["portfolio.dashboards"] = discover(
        app.config.get("DASHBOARD_PLUGINS"), app.config.get("DASHBOARD_EXTRA_PLUGINS"))
