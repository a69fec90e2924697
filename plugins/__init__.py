"""Built-in dashboard plugins. Each package ends with `plugin = ...` and is registered in
pyproject.toml under the entry-point group `portfolio.dashboards`, like any third-party plugin."""
