"""Forms for ideas and triage. They parse and check types; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portfolio.forms_base import BaseForm
from portfolio.ideas.models import SCORES, Idea
from portfolio.ideas.services import ACCEPT_PHASES, IdeaInput
from portfolio.labels import PHASE_LABELS
from portfolio.programme import queries as ref

LIMITS = Idea.LIMITS


def _long(max_name: str):
    return Length(max=LIMITS[max_name], message=_l("Högst %(max)d tecken."))


class IdeaForm(BaseForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ge idén en kort rubrik.")), _long("title")])
    need = TextAreaField(_l("Vilket behov finns?"), validators=[DataRequired(_l("Beskriv behovet.")),
                                                                 _long("need")])
    who = TextAreaField(_l("Vem har behovet?"), validators=[Optional(), _long("who")])
    today = TextAreaField(_l("Hur görs det i dag?"), validators=[Optional(), _long("today")])
    benefit = TextAreaField(_l("Vad skulle det ge? (ungefär)"), validators=[Optional(), _long("benefit")])
    unit = SelectField(_l("Din enhet"), coerce=int, validators=[InputRequired(_l("Välj din enhet."))])
    version = HiddenField()

    def setup(self, user=None) -> IdeaForm:
        self.unit.choices = [(-1, _l("– Välj enhet –"))] + [(u.id, u.label) for u in ref.org_units()]
        if user is not None and not self.is_submitted() and self.unit.data in (None, -1) and user.units:
            self.unit.data = user.units[0].id
        return self

    def to_input(self) -> IdeaInput:
        return IdeaInput(title=self.title.data or "", need=self.need.data or "", who=self.who.data or "",
                         today=self.today.data or "", benefit=self.benefit.data or "",
                         unit_id=self.unit.data if self.unit.data != -1 else None)


SCORE_CHOICES = [("", _l("Inte bedömd"))] + [(str(s), str(s)) for s in SCORES]


class ScoreForm(BaseForm):
    need_score = SelectField(_l("Behov (1–5)"), choices=SCORE_CHOICES, id="need_score")
    feasibility_score = SelectField(_l("Genomförbarhet (1–5)"), choices=SCORE_CHOICES, id="feasibility_score")
    version = HiddenField(id="score-version")

    @staticmethod
    def as_int(value) -> int | None:
        return int(value) if value not in (None, "") else None


class AcceptForm(BaseForm):
    phase = RadioField(_l("Fas för det nya initiativet"), id="accept-phase",
                       choices=[(p, PHASE_LABELS[p]) for p in ACCEPT_PHASES], default=ACCEPT_PHASES[0],
                       validators=[InputRequired(_l("Välj idé eller behovsanalys."))])
    owning_unit = SelectField(_l("Ägande enhet"), coerce=int, id="owning_unit",
                              validators=[InputRequired(_l("Välj ägande enhet."))])
    primary_area = SelectField(_l("Primärt prioriterat område"), coerce=int, id="primary_area",
                               validators=[InputRequired(_l("Välj ett prioriterat område."))])
    version = HiddenField(id="accept-version")

    def setup(self, idea: Idea) -> AcceptForm:
        self.owning_unit.choices = [(-1, _l("– Välj enhet –"))] + [(u.id, u.label) for u in ref.org_units()]
        self.primary_area.choices = [(-1, _l("– Välj område –"))] + [(a.id, a.name) for a in ref.areas()]
        if not self.is_submitted() and self.owning_unit.data in (None, -1):
            self.owning_unit.data = idea.unit_id
        return self


class MergeForm(BaseForm):
    initiative = SelectField(_l("Initiativ att slå samman med"), coerce=int, id="initiative",
                             validators=[InputRequired(_l("Välj ett initiativ att slå samman idén med."))])
    message = TextAreaField(_l("Meddelande till den som lämnade idén (frivilligt)"), id="merge-message",
                            validators=[Optional(), _long("message")])
    version = HiddenField(id="merge-version")

    def setup(self, similar, initiatives) -> MergeForm:
        first = [(s.id, f"{s.ref} {s.title} ({s.committee})") for s in similar]
        seen = {s.id for s in similar}
        rest = [(i.id, f"{i.ref} {i.title}") for i in initiatives if i.id not in seen]
        self.initiative.choices = [(-1, _l("– Välj initiativ –"))] + first + rest
        return self


class QuestionForm(BaseForm):
    question = TextAreaField(_l("Vad behöver projektkontoret veta?"), id="question",
                             validators=[DataRequired(_l("Skriv vad du behöver veta.")), _long("message")])
    version = HiddenField(id="question-version")


class DeclineForm(BaseForm):
    reason = TextAreaField(_l("Skäl (visas för den som lämnade idén)"), id="reason",
                           validators=[DataRequired(_l("Ange varför idén avslås.")), _long("message")])
    version = HiddenField(id="decline-version")


class MarkForm(BaseForm):
    """One button: mark a pair (keys posted as hidden fields)."""

    key_a = HiddenField()
    key_b = HiddenField()
    kind = HiddenField()
    next = HiddenField()
