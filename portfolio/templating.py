"""Helpers every template can use: navigation, role names, labels, number formats."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portfolio.auth.roles import Role
from portfolio.clock import today
from portfolio.labels import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS, phase_label
from portfolio.numbers import format_cell, format_kronor
from portfolio.numbers import format_plain as format_decimal

ROLE_LABELS = Role.labels()   # one source: the Role codes

# (endpoint, label); features add their entry here as they land.
NAV = [
    ("initiatives.index", _l("Initiativ")),
    ("ideas.index", _l("Idéer")),
    ("followups.todo", _l("Att göra")),
    ("prioritisation.index", _l("Prioritering")),
    ("plans.index", _l("Planer")),
    ("dashboards.index", _l("Uppföljning KS")),
    ("audits.index", _l("Revision")),
    ("followups.lessons", _l("Erfarenheter")),
]


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def helpers():
        return {
            "main_nav": lambda: NAV,
            "role_names": lambda user: ", ".join(Role.label_of(r) for r in sorted(user.roles)),
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
