from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portfolio.audits import models as M
from portfolio.audits.services import (
    YEARS,
    ActionInput,
    AuditInput,
    QuestionInput,
    RecommendationInput,
    ResponseInput,
)
from portfolio.forms_base import BaseForm, MultiCheckboxField
from portfolio.inputs import form_input

RESPONSE_STATUS_LABELS = M.ResponseStatus.labels()      # alias for older imports



def _length(model, name: str) -> list:
    return [Optional(), Length(max=model.LIMITS[name])]


class AuditForm(BaseForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Ange granskningens titel.")),
                                                 Length(max=M.Audit.LIMITS["title"])])
    auditor = StringField(_l("Granskare"), validators=_length(M.Audit, "auditor"))
    audit_year = IntegerField(_l("Revisionsår"), validators=[Optional(), NumberRange(
        *YEARS, _l("Ange ett år mellan %(min)s och %(max)s."))])
    report_date = DateField(_l("Rapportdatum"), validators=[Optional()])
    diarienummer = StringField(_l("Diarienummer"), validators=_length(M.Audit, "diarienummer"))
    letter_date = DateField(_l("Revisorernas missiv"), validators=[Optional()])
    answer_deadline = DateField(_l("Svar senast"), validators=[Optional()])
    assessment = TextAreaField(_l("Revisionens bedömning"), validators=_length(M.Audit, "assessment"))
    committee_ids = MultiCheckboxField(_l("Granskningen omfattar"), coerce=int)
    version = HiddenField()

    def to_input(self) -> AuditInput:
        return form_input(self, AuditInput)


class QuestionForm(BaseForm):
    number = IntegerField(_l("Nummer"), validators=[DataRequired(_l("Ange frågans nummer (1–50).")),
                                                    NumberRange(1, 50, _l("Ange frågans nummer (1–50)."))])
    label = StringField(_l("Kort rubrik"), validators=[DataRequired(_l("Ange en kort rubrik för frågan.")),
                                                       Length(max=M.AuditQuestion.LIMITS["label"])])
    wording = TextAreaField(_l("Frågan i granskningens lydelse"), validators=[
        DataRequired(_l("Skriv frågan som granskningen formulerar den.")),
        Length(max=M.AuditQuestion.LIMITS["wording"])])

    def to_input(self) -> QuestionInput:
        return form_input(self, QuestionInput)


class RecommendationForm(BaseForm):
    code = StringField(_l("Nummer (valfritt)"), validators=_length(M.Recommendation, "code"))
    text = TextAreaField(_l("Rekommendation"), validators=[DataRequired(_l("Skriv rekommendationen.")),
                                                          Length(max=M.Recommendation.LIMITS["text"])])
    committee_ids = MultiCheckboxField(_l("Riktas till"), coerce=int)
    version = HiddenField()

    def to_input(self) -> RecommendationInput:
        return form_input(self, RecommendationInput)


class ResponseForm(BaseForm):
    """The office also sees the committee's own answer deadline; the view removes that field for
    committee editors (so their saves leave it as it is)."""

    answer_paragraph = StringField(_l("Paragraf (§)"), validators=_length(M.RecommendationResponse, "answer_paragraph"))
    answer_diarienummer = StringField(_l("Diarienummer"),
                                      validators=_length(M.RecommendationResponse, "answer_diarienummer"))
    answer_date = DateField(_l("Sammanträdesdatum"), validators=[Optional()])
    answer_deadline = DateField(_l("Förlängd svarstid till"), validators=[Optional()])
    answer_summary = TextAreaField(_l("Svarets sammanfattning"),
                                   validators=_length(M.RecommendationResponse, "answer_summary"))
    status = SelectField(_l("Status"), choices=M.ResponseStatus.choices())
    status_date = DateField(_l("Gäller från"), validators=[Optional()])
    status_reason = TextAreaField(_l("Motivering (krävs om ej aktuell)"),
                                  validators=_length(M.RecommendationResponse, "status_reason"))
    evidence = TextAreaField(_l("Underlag (länk eller text)"), validators=_length(M.RecommendationResponse, "evidence"))
    version = HiddenField()

    def to_input(self) -> ResponseInput:
        return form_input(self, ResponseInput, sets_deadline="answer_deadline" in self)


class ActionForm(BaseForm):
    text = TextAreaField(_l("Åtgärd"), validators=[DataRequired(_l("Beskriv åtgärden.")),
                                                   Length(max=M.ResponseAction.LIMITS["text"])])
    owner = StringField(_l("Ansvarig"), validators=_length(M.ResponseAction, "owner"))
    due_date = DateField(_l("Klar senast"), validators=[Optional()])
    done = BooleanField(_l("Genomförd"))

    def to_input(self) -> ActionInput:
        return form_input(self, ActionInput)
