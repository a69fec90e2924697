"""The decision basis as the register needs it: whether an initiative meets each requirement (for
the phase gates), the summary on its page and the SQL condition behind the "underlag saknas"
filter.

The decision basis sits above the register (its requirements read risks, benefits, needs,
follow-ups and portfolio decisions, all of which belong to an initiative), so this package never
imports it: `portfolio.decision_basis` provides its readers when its blueprint is registered
(`provide`), and the register asks for them here (`readers`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app

if TYPE_CHECKING:
    from flask.sansio.app import App

_KEY = "portfolio.decision_basis"


@dataclass(frozen=True)
class BasisReaders:
    requirement_status: Callable[[int], dict[str, bool]]    # initiative id → code → met
    summary: Callable[[Any], Any]                          # initiative → BasisSummary
    missing_condition: Callable[..., Any]                  # (gates, acceptable_max, *, ahead) → SQL


def provide(app: App, basis: BasisReaders) -> None:
    app.extensions[_KEY] = basis


def readers() -> BasisReaders:
    return current_app.extensions[_KEY]
