from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.forms_base import BaseForm
from portfolio.programme.services import current_programme

SCALE = NumberRange(1, 5, _l("Ange ett heltal 1–5."))
STATUS_LABELS = {"oppen": _l("Öppen"), "hanterad": _l("Hanterad (åtgärdad)"),
                 "intraffad": _l("Inträffad"), "stangd": _l("Stängd")}
KIND_LABELS = {"risk": _l("Risk"), "mojlighet": _l("Möjlighet")}


class RiskForm(BaseForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ange en kort rubrik för risken.")),
                                                  Length(max=200)])
    kind = SelectField(_l("Typ"), choices=list(KIND_LABELS.items()))
    category = SelectField(_l("Kategori"))
    cause = TextAreaField(_l("Orsak"), validators=[Optional(), Length(max=5000)])
    event = TextAreaField(_l("Händelse"), validators=[Optional(), Length(max=5000)])
    consequence_text = TextAreaField(_l("Konsekvens"), validators=[Optional(), Length(max=5000)])
    probability = IntegerField(_l("Sannolikhet (1–5)"), validators=[
        InputRequired(_l("Ange ett heltal 1–5.")), SCALE])
    consequence = IntegerField(_l("Konsekvens (1–5)"), validators=[
        InputRequired(_l("Ange ett heltal 1–5.")), SCALE])
    mitigation = TextAreaField(_l("Åtgärd"), validators=[Optional(), Length(max=5000)])
    owner = StringField(_l("Riskägare"), validators=[Optional(), Length(max=200)])
    due_date = DateField(_l("Åtgärd klar senast"), validators=[Optional()])
    residual_probability = IntegerField(_l("Sannolikhet efter åtgärd"), validators=[Optional(), SCALE])
    residual_consequence = IntegerField(_l("Konsekvens efter åtgärd"), validators=[Optional(), SCALE])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()))
    review_date = DateField(_l("Nästa översyn"), validators=[Optional()])
    version = HiddenField()

    def setup(self) -> RiskForm:
        self.category.choices = [(c.code, c.name) for c in current_programme().risk_categories]
        for name in ("probability", "consequence", "residual_probability", "residual_consequence"):
            getattr(self, name).render_kw = {"inputmode": "numeric", "min": 1, "max": 5}
        return self

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "kind", "category", "cause", "event", "consequence_text", "probability",
            "consequence", "mitigation", "owner", "due_date", "residual_probability",
            "residual_consequence", "status", "review_date")}


class NoRisksForm(BaseForm):
    no_significant_risks = BooleanField(_l("Inga väsentliga risker har identifierats"))
    reason = TextAreaField(_l("Motivering"), validators=[Optional(), Length(max=5000)])
