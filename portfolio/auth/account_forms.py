"""Forms for the user's own account: change the password, set it from a reset link, choose the
e-mail digest.

Passwords are taken as typed: unlike other text fields they are not stripped of spaces at the
ends (the login form does not strip them either)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from portfolio.auth.models import User
from portfolio.auth.passwords import password_problem
from portfolio.forms_base import BaseForm

_MAX = User.LIMITS["password_max"]


def _new_password():
    return PasswordField(_l("Nytt lösenord"), validators=[
        DataRequired(_l("Fyll i ett nytt lösenord.")),
        Length(max=_MAX, message=_l("Högst %(max)d tecken."))],
        render_kw={"autocomplete": "new-password"})


def _repeat():
    return PasswordField(_l("Upprepa det nya lösenordet"), validators=[
        DataRequired(_l("Skriv det nya lösenordet en gång till.")),
        EqualTo("new_password", message=_l("Lösenorden är inte likadana. Skriv samma lösenord i båda fälten."))],
        render_kw={"autocomplete": "new-password"})


class _PasswordForm(BaseForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            return unbound_field.bind(form=form, **options)   # no strip filter on passwords

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_new_password(self, field) -> None:
        """The policy by the field at once (the service checks it again when it saves)."""
        problem = password_problem(field.data, email=getattr(self._user, "email", None),
                                   name=getattr(self._user, "name", None))
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(_PasswordForm):
    current_password = PasswordField(_l("Nuvarande lösenord"), validators=[
        DataRequired(_l("Fyll i ditt nuvarande lösenord.")), Length(max=_MAX)],
        render_kw={"autocomplete": "current-password"})
    new_password = _new_password()
    new_password_repeat = _repeat()


class ResetPasswordForm(_PasswordForm):
    new_password = _new_password()
    new_password_repeat = _repeat()
