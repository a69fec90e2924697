from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portfolio.forms_base import BaseForm, MultiCheckboxField

RESPONSE_STATUS_LABELS = {"ej_paborjad": _l("Ej påbörjad"), "pagar": _l("Pågår"),
                          "genomford": _l("Genomförd"), "ej_aktuell": _l("Ej aktuell")}


class AuditForm(BaseForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Ange granskningens titel.")), Length(max=300)])
    auditor = StringField(_l("Granskare"), validators=[Optional(), Length(max=200)])
    report_date = DateField(_l("Rapportdatum"), validators=[Optional()])
    diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=60)])
    letter_date = DateField(_l("Revisorernas missiv"), validators=[Optional()])
    answer_deadline = DateField(_l("Svar senast"), validators=[Optional()])
    assessment = TextAreaField(_l("Revisionens bedömning"), validators=[Optional(), Length(max=10000)])
    version = HiddenField()

    def values(self) -> dict:
        return {n: getattr(self, n).data for n in ("title", "auditor", "report_date", "diarienummer",
                                                   "letter_date", "answer_deadline", "assessment")}


class RecommendationForm(BaseForm):
    code = StringField(_l("Nummer (valfritt)"), validators=[Optional(), Length(max=20)])
    text = TextAreaField(_l("Rekommendation"), validators=[DataRequired(_l("Skriv rekommendationen.")),
                                                          Length(max=5000)])
    committee_ids = MultiCheckboxField(_l("Riktas till"), coerce=int)
    version = HiddenField()

    def values(self) -> dict:
        return {"code": self.code.data, "text": self.text.data, "committee_ids": self.committee_ids.data}


class ResponseForm(BaseForm):
    answer_paragraph = StringField(_l("Paragraf (§)"), validators=[Optional(), Length(max=30)])
    answer_diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=60)])
    answer_date = DateField(_l("Sammanträdesdatum"), validators=[Optional()])
    answer_summary = TextAreaField(_l("Svarets sammanfattning"), validators=[Optional(), Length(max=10000)])
    status = SelectField(_l("Status"), choices=list(RESPONSE_STATUS_LABELS.items()))
    status_reason = TextAreaField(_l("Motivering (krävs om ej aktuell)"), validators=[Optional(), Length(max=5000)])
    evidence = TextAreaField(_l("Underlag (länk eller text)"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def values(self) -> dict:
        return {n: getattr(self, n).data for n in ("answer_paragraph", "answer_diarienummer",
                                                   "answer_date", "answer_summary", "status",
                                                   "status_reason", "evidence")}


class ActionForm(BaseForm):
    text = TextAreaField(_l("Åtgärd"), validators=[DataRequired(_l("Beskriv åtgärden.")), Length(max=5000)])
    owner = StringField(_l("Ansvarig"), validators=[Optional(), Length(max=200)])
    due_date = DateField(_l("Klar senast"), validators=[Optional()])
    done = BooleanField(_l("Genomförd"))

    def values(self) -> dict:
        return {n: getattr(self, n).data for n in ("text", "owner", "due_date", "done")}
