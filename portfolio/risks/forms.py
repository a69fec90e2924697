from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.forms_base import BaseForm
from portfolio.programme.services import current_programme
from portfolio.risks.models import SCALE_MAX, SCALE_MIN, Risk, RiskAssessment, RiskKind, RiskStatus
from portfolio.risks.services import FIELDS, RiskInput

SCALE = NumberRange(SCALE_MIN, SCALE_MAX, _l("Ange ett heltal 1–5."))
LIMITS = Risk.LIMITS
STATUS_LABELS = RiskStatus.labels()      # aliases for older imports
KIND_LABELS = RiskKind.labels()


def _text(max_name: str):
    return [Optional(), Length(max=LIMITS[max_name])]


class RiskForm(BaseForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ange en kort rubrik för risken.")),
                                                  Length(max=LIMITS["title"])])
    kind = SelectField(_l("Typ"), choices=RiskKind.choices())
    category = SelectField(_l("Kategori"))
    cause = TextAreaField(_l("Orsak"), validators=_text("cause"))
    event = TextAreaField(_l("Händelse"), validators=_text("event"))
    consequence_text = TextAreaField(_l("Konsekvens"), validators=_text("consequence_text"))
    probability = IntegerField(_l("Sannolikhet (1–5)"), validators=[
        InputRequired(_l("Ange ett heltal 1–5.")), SCALE])
    consequence = IntegerField(_l("Konsekvens (1–5)"), validators=[
        InputRequired(_l("Ange ett heltal 1–5.")), SCALE])
    mitigation = TextAreaField(_l("Åtgärd"), validators=_text("mitigation"))
    owner = StringField(_l("Riskägare"), validators=_text("owner"))
    due_date = DateField(_l("Åtgärd klar senast"), validators=[Optional()])
    residual_probability = IntegerField(_l("Sannolikhet efter åtgärd"), validators=[Optional(), SCALE])
    residual_consequence = IntegerField(_l("Konsekvens efter åtgärd"), validators=[Optional(), SCALE])
    status = SelectField(_l("Status"), choices=RiskStatus.choices())
    review_date = DateField(_l("Nästa översyn"), validators=[Optional()])
    version = HiddenField()

    def setup(self) -> RiskForm:
        self.category.choices = [(c.code, c.name) for c in current_programme().risk_categories]
        for name in ("probability", "consequence", "residual_probability", "residual_consequence"):
            getattr(self, name).render_kw = {"inputmode": "numeric", "min": 1, "max": 5}
        return self

    def to_input(self) -> RiskInput:
        return RiskInput(**{name: getattr(self, name).data for name in FIELDS})


class NoRisksForm(BaseForm):
    no_significant_risks = BooleanField(_l("Inga väsentliga risker har identifierats"))
    reason = TextAreaField(_l("Motivering"), validators=[
        Optional(), Length(max=RiskAssessment.LIMITS["reason"])])
