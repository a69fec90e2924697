"""The user's choice of e-mail digest, and the project office's confirmation of a one-off
period reminder."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField
from wtforms.validators import InputRequired, NumberRange

from portfolio.forms_base import BaseForm


class PeriodReminderForm(BaseForm):
    year = IntegerField(_l("År"), validators=[InputRequired(), NumberRange(2000, 2100)])
    period = HiddenField(_l("Period"), validators=[InputRequired()])


DIGEST_CHOICES = (("daily", _l("Dagligen")),
                  ("weekly", _l("Varje vecka (måndag morgon)")),
                  ("never", _l("Aldrig")))
DIGEST_LOCALE_CHOICES = (("sv", _l("Svenska")), ("en", _l("Engelska (English)")))


class DigestForm(BaseForm):
    """How often the user gets the e-mail digest of what is due, and in which language."""

    frequency = RadioField(_l("E-postsammanfattning av det som ska göras"), choices=DIGEST_CHOICES,
                           validators=[InputRequired(_l("Välj hur ofta du vill få sammanfattningen."))])
    locale = RadioField(_l("Språk i e-posten"), choices=DIGEST_LOCALE_CHOICES,
                        validators=[InputRequired(_l("Välj språk för e-posten."))])
