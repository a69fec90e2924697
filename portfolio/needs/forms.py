from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from portfolio.forms_base import BaseForm
from portfolio.needs.models import Dpia, NeedsAnalysis, YesNo
from portfolio.needs.services import NeedsInput
from portfolio.programme.services import current_programme

TEXT = dict(validators=[Optional(), Length(max=NeedsAnalysis.LIMITS["problem"],
                                           message=_l("Högst %(max)d tecken."))])
YES_NO = YesNo.choices()
_AS_BOOL = {YesNo.YES.value: True, YesNo.NO.value: False}
PLAIN_FIELDS = ("problem", "target_groups", "needs_capture", "involvement_who", "involvement_how",
                "involvement_when", "inclusion_how", "current_state", "desired_state", "alternatives",
                "architecture", "tech_debt", "infosec_class", "dpia_needed")

# The page's sections, in order: the form and the read-only view both follow them.
SECTIONS = (
    (_l("Behov"), ("problem", "target_groups", "needs_capture")),
    (_l("Tidig involvering och digital inkludering"), (
        "involvement_who", "involvement_how", "involvement_when", "inclusion_considered",
        "inclusion_how")),
    (_l("Nuläge, önskat läge och alternativ"), ("current_state", "desired_state", "alternatives")),
    (_l("Tekniska förutsättningar"), (
        "architecture", "tech_debt", "infosec_class", "personal_data", "dpia_needed")),
)
HINTS = {
    "needs_capture": _l("T.ex. intervjuer, workshops, ärendestatistik, synpunkter från "
                        "medarbetare i verksamheten."),
    "alternatives": _l("Även alternativet att inte göra något."),
}


class NeedsAnalysisForm(BaseForm):
    problem = TextAreaField(_l("Problem eller behov"), **TEXT)
    target_groups = TextAreaField(_l("Målgrupper"), **TEXT)
    needs_capture = TextAreaField(_l("Hur behoven har fångats (från golvet)"), **TEXT)
    involvement_who = TextAreaField(_l("Vilka användare, invånare eller elever har involverats tidigt"), **TEXT)
    involvement_how = TextAreaField(_l("Hur de har involverats"), **TEXT)
    involvement_when = DateField(_l("När de involverades"), validators=[Optional()])
    inclusion_considered = RadioField(_l("Har digital inkludering beaktats?"), choices=YES_NO,
                                      validators=[Optional()], validate_choice=True)
    inclusion_how = TextAreaField(_l("Hur digital inkludering har beaktats"), **TEXT)
    current_state = TextAreaField(_l("Nuläge"), **TEXT)
    desired_state = TextAreaField(_l("Önskat läge"), **TEXT)
    alternatives = TextAreaField(_l("Alternativ som har övervägts"), **TEXT)
    architecture = TextAreaField(_l("Arkitektur och integrationer"), **TEXT)
    tech_debt = TextAreaField(_l("Teknisk skuld"), **TEXT)
    infosec_class = SelectField(_l("Informationssäkerhetsklass"), validators=[Optional()])
    personal_data = RadioField(_l("Behandlas personuppgifter?"), choices=YES_NO,
                               validators=[Optional()])
    dpia_needed = SelectField(_l("Behövs en konsekvensbedömning (DPIA)?"), choices=[
        ("", _l("– Välj –")), *Dpia.choices()], validators=[Optional()])
    version = HiddenField()

    def setup(self) -> NeedsAnalysisForm:
        self.infosec_class.choices = [("", _l("– Välj –"))] + [
            (c.code, c.name) for c in current_programme().infosec_classes]
        return self

    def values(self) -> dict:
        """The answers as the service reads them (also what the checklist is judged on)."""
        data = {name: getattr(self, name).data for name in PLAIN_FIELDS}
        data["inclusion_considered"] = _AS_BOOL.get(self.inclusion_considered.data)
        data["personal_data"] = _AS_BOOL.get(self.personal_data.data)
        return data

    def to_input(self) -> NeedsInput:
        return NeedsInput(**self.values())

    @staticmethod
    def from_model(analysis) -> dict:
        if analysis is None:
            return {}
        def yes_no(value):
            return None if value is None else (YesNo.YES.value if value else YesNo.NO.value)
        data = {c: getattr(analysis, c) for c in (*PLAIN_FIELDS, "version")}
        data["inclusion_considered"] = yes_no(analysis.inclusion_considered)
        data["personal_data"] = yes_no(analysis.personal_data)
        return data
