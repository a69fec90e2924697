from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portfolio.forms_base import BaseForm, MultiCheckboxField

BODY_LABELS = {"projektkontor": _l("Projektkontoret"), "portfoljrad": _l("Portföljrådet"),
               "ks": _l("Kommunstyrelsen")}
DECISION_LABELS = {"prioriterad": _l("Prioriterad"), "avvaktar": _l("Avvaktar"),
                   "avslag": _l("Avslag"), "avbryt": _l("Avbryt")}


def parse_amount(text: str | None) -> Decimal | None:
    """'15 000 000' or '15000000,50' → Decimal; '' → None; raises ValueError otherwise."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) >= Decimal(10) ** 13:
        raise ValueError(text)
    return value


class DecisionForm(BaseForm):
    initiative_ids = MultiCheckboxField(_l("Initiativ som beslutet gäller"), coerce=int)
    body = SelectField(_l("Beslutande organ"), choices=list(BODY_LABELS.items()))
    decided_on = DateField(_l("Beslutsdatum"), validators=[InputRequired(_l("Ange beslutsdatum."))])
    decision = SelectField(_l("Beslut"), choices=list(DECISION_LABELS.items()))
    reason = TextAreaField(_l("Skäl (visas för alla)"), validators=[Optional(), Length(max=5000)])
    diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=60)])
    corrects_id = SelectField(_l("Rättar ett tidigare beslut (valfritt)"), coerce=int, default=0)
    move = BooleanField(_l("Flytta initiativen genom fasgrindarna när beslutet registreras"), default=True)
    override_reason = TextAreaField(_l("Motivering för undantag från fasgrindarna (endast om det behövs)"),
                                    validators=[Optional(), Length(max=2000)])

    def values(self, year: int) -> dict:
        return {"year": year, "initiative_ids": self.initiative_ids.data, "body": self.body.data,
                "move": bool(self.move.data), "override_reason": self.override_reason.data,
                "decided_on": self.decided_on.data, "decision": self.decision.data,
                "reason": self.reason.data, "diarienummer": self.diarienummer.data,
                "corrects_id": self.corrects_id.data if self.corrects_id.data and self.corrects_id.data > 0 else None}


class CopySetForm(BaseForm):
    year = IntegerField(_l("Nytt år"), validators=[InputRequired(_l("Ange år.")),
                                                  NumberRange(2000, 2100, _l("Ange ett rimligt år."))])
