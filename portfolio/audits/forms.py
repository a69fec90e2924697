from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portfolio.forms_base import BaseForm, MultiCheckboxField

RESPONSE_STATUS_LABELS = {"ej_paborjad": _l("Ej påbörjad"), "pagar": _l("Pågår"),
                          "genomford": _l("Genomförd"), "ej_aktuell": _l("Ej aktuell")}
# Every status a response can read as on a given day (not answered yet is not a choice).
STATUS_LABELS_AS_OF = {"ej_besvarad": _l("Ej besvarad"), **RESPONSE_STATUS_LABELS}


class AuditForm(BaseForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Ange granskningens titel.")), Length(max=300)])
    auditor = StringField(_l("Granskare"), validators=[Optional(), Length(max=200)])
    audit_year = IntegerField(_l("Revisionsår"), validators=[Optional(), NumberRange(
        1990, 2100, _l("Ange ett år mellan %(min)s och %(max)s."))])
    report_date = DateField(_l("Rapportdatum"), validators=[Optional()])
    diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=60)])
    letter_date = DateField(_l("Revisorernas missiv"), validators=[Optional()])
    answer_deadline = DateField(_l("Svar senast"), validators=[Optional()])
    assessment = TextAreaField(_l("Revisionens bedömning"), validators=[Optional(), Length(max=10000)])
    committee_ids = MultiCheckboxField(_l("Granskningen omfattar"), coerce=int)
    version = HiddenField()

    def values(self) -> dict:
        return {n: getattr(self, n).data for n in ("title", "auditor", "audit_year", "report_date",
                                                   "diarienummer", "letter_date", "answer_deadline",
                                                   "assessment", "committee_ids")}


class QuestionForm(BaseForm):
    number = IntegerField(_l("Nummer"), validators=[DataRequired(_l("Ange frågans nummer (1–50).")),
                                                    NumberRange(1, 50, _l("Ange frågans nummer (1–50)."))])
    label = StringField(_l("Kort rubrik"), validators=[DataRequired(_l("Ange en kort rubrik för frågan.")),
                                                       Length(max=200)])
    wording = TextAreaField(_l("Frågan i granskningens lydelse"), validators=[
        DataRequired(_l("Skriv frågan som granskningen formulerar den.")), Length(max=5000)])

    def values(self) -> dict:
        return {"number": self.number.data, "label": self.label.data, "wording": self.wording.data}


class RecommendationForm(BaseForm):
    code = StringField(_l("Nummer (valfritt)"), validators=[Optional(), Length(max=20)])
    text = TextAreaField(_l("Rekommendation"), validators=[DataRequired(_l("Skriv rekommendationen.")),
                                                          Length(max=5000)])
    committee_ids = MultiCheckboxField(_l("Riktas till"), coerce=int)
    version = HiddenField()

    def values(self) -> dict:
        return {"code": self.code.data, "text": self.text.data, "committee_ids": self.committee_ids.data}


class ResponseForm(BaseForm):
    """The office also sees the committee's own answer deadline; the view removes that field for
    committee editors (so their saves leave it as it is)."""

    answer_paragraph = StringField(_l("Paragraf (§)"), validators=[Optional(), Length(max=30)])
    answer_diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=60)])
    answer_date = DateField(_l("Sammanträdesdatum"), validators=[Optional()])
    answer_deadline = DateField(_l("Förlängd svarstid till"), validators=[Optional()])
    answer_summary = TextAreaField(_l("Svarets sammanfattning"), validators=[Optional(), Length(max=10000)])
    status = SelectField(_l("Status"), choices=list(RESPONSE_STATUS_LABELS.items()))
    status_date = DateField(_l("Gäller från"), validators=[Optional()])
    status_reason = TextAreaField(_l("Motivering (krävs om ej aktuell)"), validators=[Optional(), Length(max=5000)])
    evidence = TextAreaField(_l("Underlag (länk eller text)"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def values(self) -> dict:
        names = ("answer_paragraph", "answer_diarienummer", "answer_date", "answer_deadline", "answer_summary",
                 "status", "status_date", "status_reason", "evidence")
        return {n: getattr(self, n).data for n in names if n in self}


class ActionForm(BaseForm):
    text = TextAreaField(_l("Åtgärd"), validators=[DataRequired(_l("Beskriv åtgärden.")), Length(max=5000)])
    owner = StringField(_l("Ansvarig"), validators=[Optional(), Length(max=200)])
    due_date = DateField(_l("Klar senast"), validators=[Optional()])
    done = BooleanField(_l("Genomförd"))

    def values(self) -> dict:
        return {n: getattr(self, n).data for n in ("text", "owner", "due_date", "done")}
