from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portfolio.benefits.models import BenefitStatus
from portfolio.followups.models import Evaluation, FollowUp, FollowUpStatus, GoalsMet, Measurement
from portfolio.followups.services import (
    REASON_MAX,
    BenefitStatusInput,
    EvaluationInput,
    FollowUpInput,
    MeasurementInput,
)
from portfolio.forms_base import BaseForm, LocalDecimalField
from portfolio.inputs import form_input
from portfolio.programme.services import current_programme

STATUS_LABELS = FollowUpStatus.labels()       # aliases for older imports
GOALS_LABELS = GoalsMet.labels()
# TODO(h1): from portfolio.benefits.models.BenefitStatus once it carries these labels.
BENEFIT_STATUS_LABELS = BenefitStatus.labels()     # alias for older imports



class MeasurementForm(BaseForm):
    measured_on = DateField(_l("Mätdatum"), validators=[InputRequired(_l("Ange mätdatum."))])
    value = LocalDecimalField(_l("Uppmätt värde"), places=4, minimum=-10**11, maximum=10**11,
                              validators=[InputRequired(_l("Ange uppmätt värde som ett tal."))])
    realised_amount = LocalDecimalField(_l("Realiserat belopp sedan förra mätningen (kr, valfritt)"),
                                        places=2, minimum=0, maximum=10**11)
    comment = TextAreaField(_l("Kommentar"),
                            validators=[Optional(), Length(max=Measurement.LIMITS["comment"])])

    def to_input(self) -> MeasurementInput:
        return form_input(self, MeasurementInput)


class BenefitStatusForm(BaseForm):
    status = SelectField(_l("Status"), choices=BenefitStatus.choices())
    reason = TextAreaField(_l("Motivering (krävs vid avskrivning)"),
                           validators=[Optional(), Length(max=REASON_MAX)])

    def to_input(self) -> BenefitStatusInput:
        return form_input(self, BenefitStatusInput)


class FollowUpForm(BaseForm):
    year = IntegerField(_l("År"), validators=[InputRequired(_l("Ange år.")),
                                              NumberRange(2000, 2100, _l("Ange ett rimligt år."))])
    period = SelectField(_l("Period"))
    status = RadioField(_l("Status"), choices=FollowUpStatus.choices(),
                        validators=[InputRequired(_l("Välj status."))])
    comment = TextAreaField(_l("Kommentar (krävs om status inte är grön)"),
                            validators=[Optional(), Length(max=FollowUp.LIMITS["comment"])])
    progress = IntegerField(_l("Färdigt (%)"), validators=[
        InputRequired(_l("Ange hur långt arbetet har kommit, 0–100 %.")),
        NumberRange(0, 100, _l("Ange 0–100 %%."))])
    cost_to_date = LocalDecimalField(_l("Kostnad hittills (kr)"), places=2, minimum=0, maximum=10**11)
    achievements = TextAreaField(_l("Vad har uppnåtts"), validators=[
        Optional(), Length(max=FollowUp.LIMITS["achievements"])])
    next_steps = TextAreaField(_l("Nästa steg"), validators=[
        Optional(), Length(max=FollowUp.LIMITS["next_steps"])])
    version = HiddenField()

    def setup(self) -> FollowUpForm:
        self.period.choices = [(p.code, p.name) for p in current_programme().followup_periods]
        self.progress.render_kw = {"inputmode": "numeric"}
        return self

    def to_input(self) -> FollowUpInput:
        return form_input(self, FollowUpInput)


class EvaluationForm(BaseForm):
    goals_met = RadioField(_l("Har initiativets mål uppnåtts?"), choices=GoalsMet.choices(),
                           validators=[InputRequired(_l("Ange om målen har uppnåtts."))])
    goals_comment = TextAreaField(_l("Kommentar om målen"), validators=[
        Optional(), Length(max=Evaluation.LIMITS["goals_comment"])])
    benefits_realised = TextAreaField(_l("Nyttor som har realiserats hittills"), validators=[
        Optional(), Length(max=Evaluation.LIMITS["benefits_realised"])])
    measured_after = TextAreaField(_l("Vad mäts efter avslut, och av vem"), validators=[
        Optional(), Length(max=Evaluation.LIMITS["measured_after"])])
    lessons_learned = TextAreaField(_l("Lärdomar (erfarenheter för andra)"), validators=[
        Optional(), Length(max=Evaluation.LIMITS["lessons_learned"])])
    evaluated_on = DateField(_l("Datum för utvärderingen"), validators=[Optional()])
    version = HiddenField()

    def to_input(self) -> EvaluationInput:
        return form_input(self, EvaluationInput)
