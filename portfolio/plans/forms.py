from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.followups.forms import STATUS_LABELS
from portfolio.forms_base import BaseForm, LocalDecimalField
from portfolio.programme.queries import areas

PLAN_STATUS_LABELS = {"saknas": _l("Saknas"), "under_arbete": _l("Under arbete"),
                      "beslutad": _l("Beslutad"), "ersatt": _l("Ersatt")}
YEAR = NumberRange(2000, 2100, _l("Ange ett år mellan %(min)s och %(max)s."))


class PlanForm(BaseForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Ange planens titel.")), Length(max=300)])
    status = SelectField(_l("Status"), choices=[(k, v) for k, v in PLAN_STATUS_LABELS.items() if k != "ersatt"])
    period_start = IntegerField(_l("Period från (år)"), validators=[Optional(), YEAR])
    period_end = IntegerField(_l("Period till (år)"), validators=[Optional(), YEAR])
    started_on = DateField(_l("Arbetet påbörjat"), validators=[Optional()])
    decided_on = DateField(_l("Beslutsdatum"), validators=[Optional()])
    decided_by = StringField(_l("Beslutat av (organ)"), validators=[Optional(), Length(max=200)])
    diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=60)])
    document_url = StringField(_l("Länk till dokumentet"), validators=[Optional(), Length(max=500)])
    revision_month = IntegerField(_l("Revideras årligen i månad (1–12)"),
                                  validators=[Optional(), NumberRange(1, 12, _l("Ange en månad 1–12."))])
    next_revision = DateField(_l("Nästa revision"), validators=[Optional()])
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    FIELDS = ("title", "status", "period_start", "period_end", "started_on", "decided_on",
              "decided_by", "diarienummer", "document_url", "revision_month", "next_revision", "note")

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class GoalForm(BaseForm):
    text = TextAreaField(_l("Mål"), validators=[DataRequired(_l("Skriv målet.")), Length(max=5000)])
    area_id = SelectField(_l("Prioriterat område"), coerce=int)
    indicator = StringField(_l("Indikator"), validators=[Optional(), Length(max=300)])
    baseline = LocalDecimalField(_l("Utgångsläge"), places=4, minimum=-10**9, maximum=10**9)
    target = LocalDecimalField(_l("Målvärde"), places=4, minimum=-10**9, maximum=10**9)
    target_date = DateField(_l("Måldatum"), validators=[Optional()])
    interim_followup_on = DateField(_l("Delårsuppföljning"), validators=[Optional()])
    annual_followup_on = DateField(_l("Helårsuppföljning"), validators=[Optional()])

    def setup(self) -> GoalForm:
        self.area_id.choices = [(-1, _l("– Inget område –"))] + [(a.id, a.name) for a in areas()]
        return self

    def values(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "text", "area_id", "indicator", "baseline", "target", "target_date",
            "interim_followup_on", "annual_followup_on")}
        if data["area_id"] == -1:
            data["area_id"] = None
        return data


class GoalFollowUpForm(BaseForm):
    followed_on = DateField(_l("Datum"), validators=[InputRequired(_l("Ange datum."))])
    value = LocalDecimalField(_l("Värde"), places=4, minimum=-10**9, maximum=10**9)
    status = RadioField(_l("Status"), choices=list(STATUS_LABELS.items()),
                        validators=[InputRequired(_l("Välj status."))])
    comment = TextAreaField(_l("Kommentar"), validators=[Optional(), Length(max=5000)])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("followed_on", "value", "status", "comment")}


class GoalLinkForm(BaseForm):
    goal = SelectField(_l("Mål i en nämnds plan"), coerce=int)
