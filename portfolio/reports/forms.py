"""The publish form: the KS case number, the meeting date and (for a new version) the reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portfolio.forms_base import BaseForm
from portfolio.reports.models import PublishedReport
from portfolio.reports.publishing import PublishInput


class PublishForm(BaseForm):
    case_number = StringField(_l("Kommunstyrelsens diarienummer"), validators=[
        InputRequired(_l("Ange kommunstyrelsens diarienummer för ärendet.")),
        Length(max=PublishedReport.LIMITS["case_number"],
               message=_l("Diarienumret får vara högst %(max)d tecken."))])
    meeting_date = DateField(_l("Sammanträdesdatum"), validators=[
        InputRequired(_l("Ange datumet för kommunstyrelsens sammanträde."))],
        invalid_value_message=_l("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-15."))
    reason = TextAreaField(_l("Skäl till ny version"), validators=[
        Optional(), Length(max=PublishedReport.LIMITS["reason"],
                           message=_l("Skälet får vara högst %(max)d tecken."))])

    def to_input(self) -> PublishInput:
        return PublishInput(case_number=self.case_number.data, meeting_date=self.meeting_date.data,
                            reason=self.reason.data)
