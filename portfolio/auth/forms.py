from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-postadress"), validators=[
        DataRequired(_l("Fyll i din e-postadress.")), Length(max=254)],
        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Lösenord"), validators=[
        DataRequired(_l("Fyll i ditt lösenord.")), Length(max=500)],
        render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class TokenForm(FlaskForm):
    name = StringField(_l("Namn på nyckeln"), validators=[
        DataRequired(_l("Ge nyckeln ett namn, t.ex. vad den ska användas till.")),
        Length(max=100, message=_l("Högst %(max)d tecken."))])


class RevokeTokenForm(FlaskForm):
    pass
