"""Helpers every template can use: navigation, role names, labels, number formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portfolio.initiatives.labels import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS, phase_label

ROLE_LABELS = {
    "admin": _l("administratör"),
    "portfolio_office": _l("projektkontoret"),
    "programme_manager": _l("programledare"),
    "editor": _l("redigerare"),
    "viewer": _l("läsare"),
}

# (endpoint, label); features add their entry here as they land.
NAV = [
    ("initiatives.index", _l("Initiativ")),
    ("followups.todo", _l("Att göra")),
    ("prioritisation.index", _l("Prioritering")),
    ("plans.index", _l("Planer")),
    ("dashboards.index", _l("Uppföljning KS")),
    ("audits.index", _l("Revision")),
    ("followups.lessons", _l("Erfarenheter")),
]


def format_kronor(value: Decimal | int | None, decimals: bool = False) -> str:
    """1234567.5 → "1 234 568 kr" (or "1 234 567,50 kr"), with non-breaking spaces."""
    if value is None:
        return "–"
    text = f"{Decimal(value):,.2f}" if decimals else f"{Decimal(value):,.0f}"
    return text.replace(",", "\u00a0").replace(".", ",") + "\u00a0kr"


def format_decimal(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def format_cell(value) -> str:
    """A table cell: Swedish number format (thousands with spaces, decimal comma), dates ISO."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        number = Decimal(str(value))
        if abs(number) >= 1000 or number == number.to_integral_value():
            return f"{number:,.0f}".replace(",", "\u00a0")
        return format(number.quantize(Decimal("0.01")).normalize(), "f").replace(".", ",")
    return str(value)


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def helpers():
        return {
            "main_nav": lambda: NAV,
            "role_names": lambda user: ", ".join(str(ROLE_LABELS[r]) for r in sorted(user.roles)),
            "programme_name": lambda: current_app.extensions["portfolio.programme"].name,
            "current_locale": lambda: str(get_locale() or "sv"),
            "phase_label": phase_label,
            "field_label": lambda name: FIELD_LABELS.get(name, name),
            "action_label": lambda name: ACTION_LABELS.get(name, name),
            "entity_label": lambda name: ENTITY_LABELS.get(name, name),
            "now_date": lambda: date.today().isoformat(),
        }

    app.add_template_filter(format_kronor, "kronor")
    app.add_template_filter(format_decimal, "decimal")
    app.add_template_filter(format_cell, "cell")
