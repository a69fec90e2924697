"""Administration of accounts: confirm buttons, and the roles-and-scopes form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField

from portfolio.auth.roles import Role
from portfolio.forms_base import BaseForm, MultiCheckboxField


class ConfirmForm(FlaskForm):
    """A button that does one thing (the CSRF token is its only field)."""


class AccessForm(BaseForm):
    """The roles and scopes an account should have. Posted once to review the change, then
    again with `confirmed` set to make it."""

    roles = MultiCheckboxField(_l("Roller"), choices=Role.choices())
    areas = MultiCheckboxField(_l("Prioriterade områden (för programledare)"))
    units = MultiCheckboxField(_l("Enheter (för redigerare)"))
    confirmed = HiddenField()

    def set_choices(self, areas: list[tuple[str, str]], units: list[tuple[str, str]]) -> None:
        self.areas.choices = areas
        self.units.choices = units
