"""Forms for prioritisation: criteria weights and the budget ceiling, scores per criterion, portfolio
decisions and copying a year's criteria. They parse and check types; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from portfolio.forms_base import BaseForm, MultiCheckboxField, positive_int
from portfolio.numbers import format_plain, parse_decimal
from portfolio.prioritisation.models import CriteriaSet, Decision, DecisionBody, PortfolioDecision, Score
from portfolio.prioritisation.services import DecisionInput, ScoreEntry, ScoresInput, WeightsInput

AMOUNT_MAX = 10**13 - 1          # kronor (the widest number a weight or ceiling may be)


class AmountField(Field):
    """A weight or an amount in kronor, typed the Swedish way ("15 000 000", "2,5"); at most two
    decimals. Missing or empty is None (the service says whether that is allowed). `message`:
    what to say when the text is not such a number."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, message, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.message = message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_plain(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        try:
            self.data = parse_decimal(valuelist[0] if valuelist else None, places=2,
                                      minimum=-AMOUNT_MAX, maximum=AMOUNT_MAX)
        except ValueError:
            raise ValueError(self.message) from None


def weight_field(label) -> AmountField:
    return AmountField(label, message=_l("Ange vikten som ett tal."))


def ceiling_field() -> AmountField:
    return AmountField(_l("Budgettak för centrala digitaliseringsmedel (kr)"),
                       message=_l("Budgettaket måste vara ett belopp i kronor, t.ex. 15 000 000."))


class ScoreField(Field):
    """A score 1–5 from the select; empty leaves the criterion unscored."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw:
            self.data = positive_int(raw, upper=Score.LIMITS["score_max"] + 1)
            if self.data is None:
                raise ValueError(_l("Poängen ska vara ett heltal 1–5."))


class _PerCriterionForm(BaseForm):
    """A form with fields named by criterion id (`weight-<id>`, `score-<id>`, …), built for one
    criteria set: `for_set(criteria_set)` returns the form class for it."""

    @classmethod
    def for_set(cls, criteria_set: CriteriaSet):
        fields = {}
        for c in criteria_set.criteria:
            fields.update(cls.criterion_fields(c))
        fields.update(cls.trailing_fields())      # after the criteria, as on the page
        return type(f"{cls.__name__}{criteria_set.id}", (cls,), fields)

    @classmethod
    def criterion_fields(cls, criterion) -> dict:
        raise NotImplementedError

    @classmethod
    def trailing_fields(cls) -> dict:
        return {}

    def per_criterion(self, prefix: str, criteria_set: CriteriaSet) -> dict:
        return {c.id: self[f"{prefix}-{c.id}"].data for c in criteria_set.criteria}

    def errors_by_name(self) -> dict[str, str]:
        """The first message per field by its name, then the form's own (the pages list them so)."""
        errors = {f.name: str(f.errors[0]) for f in self if f.errors and f.type != "CSRFTokenField"}
        for n, message in enumerate(self.form_errors):
            errors["form" if n == 0 else f"form-{n}"] = str(message)
        return errors


class WeightsForm(_PerCriterionForm):
    @classmethod
    def criterion_fields(cls, criterion) -> dict:
        return {f"weight-{criterion.id}": weight_field(criterion.name)}

    @classmethod
    def trailing_fields(cls) -> dict:
        return {"ceiling": ceiling_field()}

    def to_input(self, criteria_set: CriteriaSet) -> WeightsInput:
        return WeightsInput(weights=self.per_criterion("weight", criteria_set), ceiling=self["ceiling"].data)


class ScoresForm(_PerCriterionForm):
    @classmethod
    def criterion_fields(cls, criterion) -> dict:
        return {f"score-{criterion.id}": ScoreField(criterion.name),
                f"motivation-{criterion.id}": StringField(criterion.name)}

    def to_input(self, criteria_set: CriteriaSet) -> ScoresInput:
        return ScoresInput({c.id: ScoreEntry(self[f"score-{c.id}"].data, self[f"motivation-{c.id}"].data or "")
                            for c in criteria_set.criteria})


LIMITS = PortfolioDecision.LIMITS


class DecisionForm(BaseForm):
    initiative_ids = MultiCheckboxField(_l("Initiativ som beslutet gäller"), coerce=int)
    body = SelectField(_l("Beslutande organ"), choices=DecisionBody.choices())
    decided_on = DateField(_l("Beslutsdatum"), validators=[InputRequired(_l("Ange beslutsdatum."))])
    decision = SelectField(_l("Beslut"), choices=Decision.choices())
    reason = TextAreaField(_l("Skäl (visas för alla)"), validators=[Optional(), Length(max=LIMITS["reason"])])
    diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=LIMITS["diarienummer"])])
    corrects_id = SelectField(_l("Rättar ett tidigare beslut (valfritt)"), coerce=int, default=0)
    move = BooleanField(_l("Flytta initiativen genom fasgrindarna när beslutet registreras"), default=True)
    override_reason = TextAreaField(_l("Motivering för undantag från fasgrindarna (endast om det behövs)"),
                                    validators=[Optional(), Length(max=LIMITS["override_reason"])])

    def to_input(self, year: int) -> DecisionInput:
        return DecisionInput(
            year=year, initiative_ids=list(self.initiative_ids.data or []), body=self.body.data,
            decided_on=self.decided_on.data, decision=self.decision.data, reason=self.reason.data,
            diarienummer=self.diarienummer.data,
            corrects_id=self.corrects_id.data if self.corrects_id.data and self.corrects_id.data > 0 else None,
            move=bool(self.move.data), override_reason=self.override_reason.data)


class CopySetForm(BaseForm):
    year = IntegerField(_l("Nytt år"), validators=[
        InputRequired(_l("Ange år.")),
        NumberRange(CriteriaSet.LIMITS["year_min"], CriteriaSet.LIMITS["year_max"], _l("Ange ett rimligt år."))])
