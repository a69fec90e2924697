from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.benefits.models import (
    Beneficiary,
    Benefit,
    BenefitCase,
    BenefitKind,
    Certainty,
    CostCategory,
    CostLine,
    Direction,
    Frequency,
    Recurrence,
)
from portfolio.benefits.services import BENEFIT_FIELDS, BenefitInput, CaseInput, CostLineInput
from portfolio.forms_base import BaseForm, LocalDecimalField

CASE, COST, BENEFIT = BenefitCase.LIMITS, CostLine.LIMITS, Benefit.LIMITS
YEAR = NumberRange(CASE["year_min"], CASE["year_max"], _l("Ange ett år mellan %(min)s och %(max)s."))

# Aliases for older imports (templates get the labels from here through the views).
COST_CATEGORY_LABELS = CostCategory.labels()
BENEFIT_KIND_LABELS = BenefitKind.labels()
BENEFICIARY_LABELS = Beneficiary.labels()
DIRECTION_LABELS = Direction.labels()
FREQUENCY_LABELS = Frequency.labels()
CERTAINTY_LABELS = Certainty.labels()


def _text(name: str):
    return [Optional(), Length(max=BENEFIT[name])]


class CaseForm(BaseForm):
    start_year = IntegerField(_l("Startår (år 0)"), validators=[InputRequired(_l("Ange startår.")), YEAR])
    horizon = IntegerField(_l("Kalkylperiod (år)"), validators=[
        InputRequired(_l("Ange kalkylperiod.")), NumberRange(1, CASE["horizon_max"], _l("Ange 1–30 år."))])
    discount_rate = LocalDecimalField(_l("Kalkylränta (%)"), places=2, minimum=0,
                                      maximum=CASE["discount_rate_percent_max"],
                                      validators=[InputRequired(_l("Ange kalkylränta."))])
    hourly_cost = LocalDecimalField(_l("Timkostnad (kr)"), places=2, minimum=0, maximum=CASE["hourly_cost_max"],
                                    validators=[InputRequired(_l("Ange timkostnad."))])
    version = HiddenField()

    def to_input(self) -> CaseInput:
        rate = self.discount_rate.data
        return CaseInput(start_year=self.start_year.data, horizon=self.horizon.data,
                         discount_rate=rate / 100 if rate is not None else None,
                         hourly_cost=self.hourly_cost.data)


class CostLineForm(BaseForm):
    category = SelectField(_l("Kategori"), choices=CostCategory.choices())
    recurring = RadioField(_l("Engång eller löpande"), choices=Recurrence.choices(),
                           default=Recurrence.ONCE.value)
    description = StringField(_l("Beskrivning"), validators=[Optional(), Length(max=COST["description"])])
    first_year = IntegerField(_l("År (första år)"), validators=[InputRequired(_l("Ange år.")), YEAR])
    last_year = IntegerField(_l("Sista år (löpande)"), validators=[Optional(), YEAR])
    amount = LocalDecimalField(_l("Belopp per år (kr)"), places=2, minimum=0, maximum=COST["amount_max"])
    hours = LocalDecimalField(_l("eller timmar per år"), places=2, minimum=0, maximum=COST["hours_max"])
    hourly_cost = LocalDecimalField(_l("Timkostnad (kr, tomt = kalkylens)"), places=2, minimum=0,
                                    maximum=COST["hourly_cost_max"])
    version = HiddenField()

    @staticmethod
    def from_model(line: CostLine) -> dict:
        data = {name: getattr(line, name) for name in (
            "category", "description", "first_year", "last_year", "amount", "hours", "hourly_cost", "version")}
        data["recurring"] = (Recurrence.RECURRING if line.recurring else Recurrence.ONCE).value
        return data

    def to_input(self) -> CostLineInput:
        return CostLineInput(
            category=self.category.data, recurring=self.recurring.data == Recurrence.RECURRING,
            description=self.description.data, first_year=self.first_year.data,
            last_year=self.last_year.data, amount=self.amount.data, hours=self.hours.data,
            hourly_cost=self.hourly_cost.data)


class BenefitForm(BaseForm):
    title = StringField(_l("Nytta"), validators=[DataRequired(_l("Ange en rubrik för nyttan.")),
                                                 Length(max=BENEFIT["title"])])
    kind = SelectField(_l("Typ av nytta"), choices=BenefitKind.choices())
    beneficiary = SelectField(_l("Vem får nyttan"), choices=Beneficiary.choices())
    owner = StringField(_l("Nyttoägare (linjechef som äger nyttan efter projektet)"), validators=_text("owner"))
    indicator = StringField(_l("Indikator"), validators=_text("indicator"))
    unit = StringField(_l("Enhet (t.ex. timmar, ärenden, %)"), validators=_text("unit"))
    direction = SelectField(_l("Riktning"), choices=Direction.choices())
    data_source = StringField(_l("Datakälla"), validators=_text("data_source"))
    baseline = LocalDecimalField(_l("Utgångsläge"), places=4, minimum=-BENEFIT["measure_max"],
                                 maximum=BENEFIT["measure_max"])
    baseline_date = DateField(_l("Datum för utgångsläge"), validators=[Optional()])
    target = LocalDecimalField(_l("Målvärde"), places=4, minimum=-BENEFIT["measure_max"],
                               maximum=BENEFIT["measure_max"])
    target_date = DateField(_l("Måldatum"), validators=[Optional()])
    frequency = SelectField(_l("Mätfrekvens"), choices=Frequency.choices(), default=Frequency.YEARLY.value)
    certainty = SelectField(_l("Säkerhet"), choices=Certainty.choices(), default=Certainty.LIKELY.value)
    first_year = IntegerField(_l("Första år med nytta"), validators=[Optional(), YEAR])
    last_year = IntegerField(_l("Sista år med nytta"), validators=[Optional(), YEAR])
    amount = LocalDecimalField(_l("Belopp per år (kr, finansiell eller negativ)"), places=2,
                               minimum=0, maximum=BENEFIT["amount_max"])
    volume = LocalDecimalField(_l("Volym per år (antal tillfällen)"), places=2, minimum=0,
                               maximum=BENEFIT["volume_max"])
    minutes_saved = LocalDecimalField(_l("Sparade minuter per tillfälle"), places=2, minimum=0,
                                      maximum=BENEFIT["minutes_saved_max"])
    hourly_cost = LocalDecimalField(_l("Timkostnad (kr, tomt = kalkylens)"), places=2, minimum=0,
                                    maximum=BENEFIT["hourly_cost_max"])
    realisation_share = LocalDecimalField(_l("Realiseringsgrad (%)"), places=2, minimum=0,
                                          maximum=BENEFIT["share_percent_max"])
    ramp_up = StringField(_l("Upptrappning (% per år, t.ex. 50; 80)"), validators=_text("ramp_up"))
    comment = TextAreaField(_l("Kommentar"), validators=_text("comment"))
    version = HiddenField()

    FIELDS = BENEFIT_FIELDS

    def to_input(self) -> BenefitInput:
        """(An empty realisation share counts as 100 %.)"""
        return BenefitInput.of({name: getattr(self, name).data for name in self.FIELDS})
