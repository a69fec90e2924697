from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.followups.models import FollowUpStatus
from portfolio.forms_base import BaseForm, LocalDecimalField
from portfolio.inputs import form_input
from portfolio.plans.models import CommitteePlan, GoalFollowUp, PlanGoal, PlanStatus
from portfolio.plans.services import GoalFollowUpInput, GoalInput, PlanInput
from portfolio.programme.queries import areas

PLAN_STATUS_LABELS = PlanStatus.labels()      # alias for older imports
YEAR = NumberRange(2000, 2100, _l("Ange ett år mellan %(min)s och %(max)s."))



class PlanForm(BaseForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Ange planens titel.")),
                                                 Length(max=CommitteePlan.LIMITS["title"])])
    status = SelectField(_l("Status"), choices=[c for c in PlanStatus.choices() if c[0] != PlanStatus.ERSATT])
    period_start = IntegerField(_l("Period från (år)"), validators=[Optional(), YEAR])
    period_end = IntegerField(_l("Period till (år)"), validators=[Optional(), YEAR])
    started_on = DateField(_l("Arbetet påbörjat"), validators=[Optional()])
    decided_on = DateField(_l("Beslutsdatum"), validators=[Optional()])
    decided_by = StringField(_l("Beslutat av (organ)"), validators=[
        Optional(), Length(max=CommitteePlan.LIMITS["decided_by"])])
    diarienummer = StringField(_l("Diarienummer"), validators=[
        Optional(), Length(max=CommitteePlan.LIMITS["diarienummer"])])
    document_url = StringField(_l("Länk till dokumentet"), validators=[
        Optional(), Length(max=CommitteePlan.LIMITS["document_url"])])
    revision_month = IntegerField(_l("Revideras årligen i månad (1–12)"),
                                  validators=[Optional(), NumberRange(1, 12, _l("Ange en månad 1–12."))])
    next_revision = DateField(_l("Nästa revision"), validators=[Optional()])
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=CommitteePlan.LIMITS["note"])])
    version = HiddenField()

    def to_input(self) -> PlanInput:
        return form_input(self, PlanInput)


class GoalForm(BaseForm):
    text = TextAreaField(_l("Mål"), validators=[DataRequired(_l("Skriv målet.")),
                                                Length(max=PlanGoal.LIMITS["text"])])
    area_id = SelectField(_l("Prioriterat område"), coerce=int)
    indicator = StringField(_l("Indikator"), validators=[Optional(), Length(max=PlanGoal.LIMITS["indicator"])])
    baseline = LocalDecimalField(_l("Utgångsläge"), places=4, minimum=-10**9, maximum=10**9)
    target = LocalDecimalField(_l("Målvärde"), places=4, minimum=-10**9, maximum=10**9)
    target_date = DateField(_l("Måldatum"), validators=[Optional()])
    interim_followup_on = DateField(_l("Delårsuppföljning"), validators=[Optional()])
    annual_followup_on = DateField(_l("Helårsuppföljning"), validators=[Optional()])

    def setup(self) -> GoalForm:
        self.area_id.choices = [(-1, _l("– Inget område –"))] + [(a.id, a.name) for a in areas()]
        return self

    def to_input(self) -> GoalInput:
        return form_input(self, GoalInput, area_id=None if self.area_id.data == -1 else self.area_id.data)


class GoalFollowUpForm(BaseForm):
    followed_on = DateField(_l("Datum"), validators=[InputRequired(_l("Ange datum."))])
    value = LocalDecimalField(_l("Värde"), places=4, minimum=-10**9, maximum=10**9)
    status = RadioField(_l("Status"), choices=FollowUpStatus.choices(),
                        validators=[InputRequired(_l("Välj status."))])
    comment = TextAreaField(_l("Kommentar"), validators=[Optional(), Length(max=GoalFollowUp.LIMITS["comment"])])

    def to_input(self) -> GoalFollowUpInput:
        return form_input(self, GoalFollowUpInput)


class GoalLinkForm(BaseForm):
    goal = SelectField(_l("Mål i en nämnds plan"), coerce=int)
