"""The project office's forms for the open data (publish, withdraw) on the initiative page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from portfolio.forms_base import BaseForm
from portfolio.initiatives.models import Initiative


class PublishForm(BaseForm):
    confirm = BooleanField(_l("Jag har granskat texten och den får publiceras som öppna data"),
                           id="publish-confirm")
    version = HiddenField(id="publish-version")
    findings: list = []      # what the personal-data check found (set when the service refused)


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Skäl (frivilligt)"), id="withdraw-reason", validators=[
        Optional(), Length(max=Initiative.LIMITS["reason"])])
    version = HiddenField(id="withdraw-version")
