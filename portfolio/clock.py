"""Today's date for the application. Tests freeze it with the FROZEN_TODAY setting."""

from __future__ import annotations

from datetime import date

from flask import current_app, has_app_context


def today() -> date:
    if has_app_context() and current_app.config.get("FROZEN_TODAY"):
        frozen = current_app.config["FROZEN_TODAY"]
        return frozen if isinstance(frozen, date) else date.fromisoformat(frozen)
    return date.today()
