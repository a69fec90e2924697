from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portfolio.auth.models import ApiToken, User


class LoginForm(FlaskForm):
    email = EmailField(_l("E-postadress"), validators=[
        DataRequired(_l("Fyll i din e-postadress.")), Length(max=User.LIMITS["email"])],
        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Lösenord"), validators=[
        DataRequired(_l("Fyll i ditt lösenord.")), Length(max=User.LIMITS["password_max"])],
        render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class TokenForm(FlaskForm):
    name = StringField(_l("Namn på nyckeln"), validators=[
        DataRequired(_l("Ge nyckeln ett namn, t.ex. vad den ska användas till.")),
        Length(max=ApiToken.LIMITS["name"], message=_l("Högst %(max)d tecken."))])


class RevokeTokenForm(FlaskForm):
    pass
