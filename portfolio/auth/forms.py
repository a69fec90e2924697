from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from portfolio.auth.models import ApiToken, User
from portfolio.auth.tokens import lifetime_message
from portfolio.forms_base import BaseForm


class LoginForm(FlaskForm):
    email = EmailField(_l("E-postadress"), validators=[
        DataRequired(_l("Fyll i din e-postadress.")), Length(max=User.LIMITS["email"])],
        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Lösenord"), validators=[
        DataRequired(_l("Fyll i ditt lösenord.")), Length(max=User.LIMITS["password_max"])],
        render_kw={"autocomplete": "current-password"})
    next = HiddenField()


def _days(value):
    """The posted lifetime as a whole number of days; anything else becomes 0 (no such choice),
    so a tampered value gets our message by the field rather than WTForms' own."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def _lifetime_choices() -> list[tuple[int, str]]:
    return [(days, _l("%(days)d dagar", days=days)) for days in ApiToken.LIFETIMES]


class TokenForm(BaseForm):
    name = StringField(_l("Namn på nyckeln"), validators=[
        DataRequired(_l("Ge nyckeln ett namn, t.ex. vad den ska användas till.")),
        Length(max=ApiToken.LIMITS["name"], message=_l("Högst %(max)d tecken."))])
    lifetime_days = SelectField(_l("Giltighetstid"), coerce=_days, choices=_lifetime_choices(),
                                default=ApiToken.DEFAULT_LIFETIME, validate_choice=False)
    read_only = BooleanField(_l("Endast läsrättighet"))

    def validate_lifetime_days(self, field) -> None:
        if field.data not in ApiToken.LIFETIMES:
            raise ValidationError(lifetime_message())


class RevokeTokenForm(FlaskForm):
    pass
