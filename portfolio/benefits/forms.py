from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.forms_base import BaseForm, LocalDecimalField

YEAR = NumberRange(2000, 2100, _l("Ange ett år mellan %(min)s och %(max)s."))

COST_CATEGORY_LABELS = {
    "forstudie": _l("Förstudie"), "upphandling": _l("Upphandling"), "utveckling": _l("Utveckling"),
    "inforande": _l("Införande"), "utbildning": _l("Utbildning"), "intern_tid": _l("Intern tid"),
    "drift": _l("Drift"), "licens": _l("Licens"), "forvaltning": _l("Förvaltning"),
    "ovrigt": _l("Övrigt"),
}
BENEFIT_KIND_LABELS = {
    "finansiell": _l("Finansiell (frigör budget)"),
    "omfordelning": _l("Omfördelning (frigjord tid)"),
    "kvalitativ": _l("Kvalitativ (ingen kronor)"),
    "negativ": _l("Negativ nytta"),
}
BENEFICIARY_LABELS = {"invanare": _l("Invånare"), "medarbetare": _l("Medarbetare"),
                      "organisationen": _l("Organisationen"), "samhallet": _l("Samhället")}
DIRECTION_LABELS = {"hogre": _l("Högre är bättre"), "lagre": _l("Lägre är bättre")}
FREQUENCY_LABELS = {"manad": _l("Varje månad"), "kvartal": _l("Varje kvartal"),
                    "halvar": _l("Varje halvår"), "ar": _l("Varje år")}
CERTAINTY_LABELS = {"saker": _l("Säker"), "trolig": _l("Trolig"), "osaker": _l("Osäker")}


class CaseForm(BaseForm):
    start_year = IntegerField(_l("Startår (år 0)"), validators=[InputRequired(_l("Ange startår.")), YEAR])
    horizon = IntegerField(_l("Kalkylperiod (år)"), validators=[
        InputRequired(_l("Ange kalkylperiod.")), NumberRange(1, 30, _l("Ange 1–30 år."))])
    discount_rate = LocalDecimalField(_l("Kalkylränta (%)"), places=2, minimum=0, maximum=50,
                                      validators=[InputRequired(_l("Ange kalkylränta."))])
    hourly_cost = LocalDecimalField(_l("Timkostnad (kr)"), places=2, minimum=0, maximum=100000,
                                    validators=[InputRequired(_l("Ange timkostnad."))])
    version = HiddenField()

    def values(self) -> dict:
        rate = self.discount_rate.data
        return {"start_year": self.start_year.data, "horizon": self.horizon.data,
                "discount_rate": rate / 100 if rate is not None else None,
                "hourly_cost": self.hourly_cost.data}


class CostLineForm(BaseForm):
    category = SelectField(_l("Kategori"), choices=list(COST_CATEGORY_LABELS.items()))
    recurring = RadioField(_l("Engång eller löpande"), choices=[
        ("engang", _l("Engångskostnad (ett år)")), ("lopande", _l("Löpande (varje år i perioden)"))],
        default="engang")
    description = StringField(_l("Beskrivning"), validators=[Optional(), Length(max=300)])
    first_year = IntegerField(_l("År (första år)"), validators=[InputRequired(_l("Ange år.")), YEAR])
    last_year = IntegerField(_l("Sista år (löpande)"), validators=[Optional(), YEAR])
    amount = LocalDecimalField(_l("Belopp per år (kr)"), places=2, minimum=0, maximum=10**11)
    hours = LocalDecimalField(_l("eller timmar per år"), places=2, minimum=0, maximum=10**7)
    hourly_cost = LocalDecimalField(_l("Timkostnad (kr, tomt = kalkylens)"), places=2, minimum=0,
                                    maximum=100000)
    version = HiddenField()

    def values(self) -> dict:
        return {"category": self.category.data, "recurring": self.recurring.data == "lopande",
                "description": self.description.data, "first_year": self.first_year.data,
                "last_year": self.last_year.data, "amount": self.amount.data,
                "hours": self.hours.data, "hourly_cost": self.hourly_cost.data}


class BenefitForm(BaseForm):
    title = StringField(_l("Nytta"), validators=[DataRequired(_l("Ange en rubrik för nyttan.")),
                                                 Length(max=200)])
    kind = SelectField(_l("Typ av nytta"), choices=list(BENEFIT_KIND_LABELS.items()))
    beneficiary = SelectField(_l("Vem får nyttan"), choices=list(BENEFICIARY_LABELS.items()))
    owner = StringField(_l("Nyttoägare (linjechef som äger nyttan efter projektet)"),
                        validators=[Optional(), Length(max=200)])
    indicator = StringField(_l("Indikator"), validators=[Optional(), Length(max=300)])
    unit = StringField(_l("Enhet (t.ex. timmar, ärenden, %)"), validators=[Optional(), Length(max=50)])
    direction = SelectField(_l("Riktning"), choices=list(DIRECTION_LABELS.items()))
    data_source = StringField(_l("Datakälla"), validators=[Optional(), Length(max=300)])
    baseline = LocalDecimalField(_l("Utgångsläge"), places=4, minimum=-10**9, maximum=10**9)
    baseline_date = DateField(_l("Datum för utgångsläge"), validators=[Optional()])
    target = LocalDecimalField(_l("Målvärde"), places=4, minimum=-10**9, maximum=10**9)
    target_date = DateField(_l("Måldatum"), validators=[Optional()])
    frequency = SelectField(_l("Mätfrekvens"), choices=list(FREQUENCY_LABELS.items()), default="ar")
    certainty = SelectField(_l("Säkerhet"), choices=list(CERTAINTY_LABELS.items()), default="trolig")
    first_year = IntegerField(_l("Första år med nytta"), validators=[Optional(), YEAR])
    last_year = IntegerField(_l("Sista år med nytta"), validators=[Optional(), YEAR])
    amount = LocalDecimalField(_l("Belopp per år (kr, finansiell eller negativ)"), places=2,
                               minimum=0, maximum=10**11)
    volume = LocalDecimalField(_l("Volym per år (antal tillfällen)"), places=2, minimum=0,
                               maximum=10**9)
    minutes_saved = LocalDecimalField(_l("Sparade minuter per tillfälle"), places=2, minimum=0,
                                      maximum=10**6)
    hourly_cost = LocalDecimalField(_l("Timkostnad (kr, tomt = kalkylens)"), places=2, minimum=0,
                                    maximum=100000)
    realisation_share = LocalDecimalField(_l("Realiseringsgrad (%)"), places=2, minimum=0,
                                          maximum=100)
    ramp_up = StringField(_l("Upptrappning (% per år, t.ex. 50; 80)"), validators=[Optional(), Length(max=100)])
    comment = TextAreaField(_l("Kommentar"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    FIELDS = ("title", "kind", "beneficiary", "owner", "indicator", "unit", "direction",
              "data_source", "baseline", "baseline_date", "target", "target_date", "frequency",
              "certainty", "first_year", "last_year", "amount", "volume", "minutes_saved",
              "hourly_cost", "realisation_share", "ramp_up", "comment")

    def values(self) -> dict:
        data = {name: getattr(self, name).data for name in self.FIELDS}
        if data["realisation_share"] is None:
            data["realisation_share"] = Decimal(100)
        return data
