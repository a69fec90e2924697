"""Helpers every template can use: navigation, role names, labels, number formats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portfolio.clock import today
from portfolio.labels import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS, phase_label

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


MINUS = "\u2212"          # a real minus sign, not a hyphen
NBSP = "\u00a0"           # thousands separator that never breaks a number over two lines
ORE = Decimal("0.01")


def _signed(number: Decimal, digits: str) -> str:
    """`digits` (already without sign) with a real minus sign when the number is negative;
    a value that rounds to zero never gets a sign ("0", not "−0")."""
    return MINUS + digits if number < 0 and digits.strip("0,\u00a0") else digits


def _grouped(number: Decimal, places: int) -> str:
    """abs(number) with non-breaking spaces between thousands and a decimal comma."""
    return f"{abs(number):,.{places}f}".replace(",", NBSP).replace(".", ",")


def format_kronor(value: Decimal | int | None, decimals: bool | None = None) -> str:
    """Kronor with non-breaking spaces: öre are shown when there are öre (1234.5 →
    "1 234,50 kr"), not when the amount is whole (1234.00 → "1 234 kr"); negative amounts
    with a real minus sign ("−1 234 kr"). decimals=True always shows öre, False rounds to
    whole kronor."""
    if value is None:
        return "–"
    amount = Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)
    if decimals is None:
        decimals = amount != amount.to_integral_value()
    if not decimals:
        amount = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _signed(amount, _grouped(amount, 2 if decimals else 0)) + NBSP + "kr"


def format_decimal(value: Decimal | None) -> str:
    """1.50 → "1,5", −2 → "−2" (decimal comma, real minus sign, no trailing zeros)."""
    if value is None:
        return "–"
    number = Decimal(value).normalize()
    return _signed(number, format(abs(number), "f").replace(".", ","))


def format_cell(value) -> str:
    """A table cell: Swedish number format (thousands with non-breaking spaces, decimal comma,
    real minus sign), dates ISO."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, Decimal, float)):
        number = Decimal(str(value))
        if abs(number) >= 1000 or number == number.to_integral_value():
            return _signed(number, _grouped(number, 0))
        digits = format(abs(number).quantize(ORE).normalize(), "f").replace(".", ",")
        return _signed(number, digits)
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
            "now_date": lambda: today().isoformat(),
        }

    app.add_template_filter(format_kronor, "kronor")
    app.add_template_filter(format_decimal, "decimal")
    app.add_template_filter(format_cell, "cell")
