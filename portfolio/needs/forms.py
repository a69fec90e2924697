from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from portfolio.forms_base import BaseForm
from portfolio.programme.services import current_programme

TEXT = dict(validators=[Optional(), Length(max=10000, message=_l("Högst %(max)d tecken."))])
YES_NO = [("ja", _l("Ja")), ("nej", _l("Nej"))]

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
        ("", _l("– Välj –")), ("ja", _l("Ja")), ("nej", _l("Nej")), ("utreds", _l("Utreds"))],
        validators=[Optional()])
    version = HiddenField()

    def setup(self) -> NeedsAnalysisForm:
        self.infosec_class.choices = [("", _l("– Välj –"))] + [
            (c.code, c.name) for c in current_programme().infosec_classes]
        return self

    def values(self) -> dict:
        def yes_no(field):
            return {"ja": True, "nej": False}.get(field.data)
        data = {name: getattr(self, name).data for name in (
            "problem", "target_groups", "needs_capture", "involvement_who", "involvement_how",
            "involvement_when", "inclusion_how", "current_state", "desired_state", "alternatives",
            "architecture", "tech_debt", "infosec_class", "dpia_needed")}
        data["inclusion_considered"] = yes_no(self.inclusion_considered)
        data["personal_data"] = yes_no(self.personal_data)
        return data

    @staticmethod
    def from_model(analysis) -> dict:
        if analysis is None:
            return {}
        def yes_no(value):
            return None if value is None else ("ja" if value else "nej")
        data = {c: getattr(analysis, c) for c in (
            "problem", "target_groups", "needs_capture", "involvement_who", "involvement_how",
            "involvement_when", "inclusion_how", "current_state", "desired_state", "alternatives",
            "architecture", "tech_debt", "infosec_class", "dpia_needed", "version")}
        data["inclusion_considered"] = yes_no(analysis.inclusion_considered)
        data["personal_data"] = yes_no(analysis.personal_data)
        return data
