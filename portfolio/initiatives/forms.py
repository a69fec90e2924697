"""Forms for the initiative register. They parse and check types; the service checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.auth import permissions
from portfolio.domain import phases as P
from portfolio.forms_base import BaseForm, LocalDecimalField, MultiCheckboxField, positive_int
from portfolio.initiatives.models import FundingLine, Initiative, StaffingLine
from portfolio.initiatives.queries import SORTS, RegisterFilter, search_text
from portfolio.initiatives.services import FundingInput, InitiativeInput, StaffingInput
from portfolio.labels import PHASE_LABELS
from portfolio.programme import queries as ref

YEAR_MIN, YEAR_MAX = FundingLine.LIMITS["year_min"], FundingLine.LIMITS["year_max"]
EMPTY_ROWS = 2
LIMITS = Initiative.LIMITS


class FundingRowForm(BaseForm):
    class Meta:
        csrf = False

    year = IntegerField(_l("År"), validators=[Optional(), NumberRange(YEAR_MIN, YEAR_MAX,
                        _l("Ange ett år mellan %(min)s och %(max)s."))])
    source = SelectField(_l("Källa"), coerce=int, validate_choice=False)
    amount = LocalDecimalField(_l("Belopp (kr)"), places=2, minimum=0, maximum=FundingLine.LIMITS["amount_max"])


class StaffingRowForm(BaseForm):
    class Meta:
        csrf = False

    year = IntegerField(_l("År"), validators=[Optional(), NumberRange(YEAR_MIN, YEAR_MAX,
                        _l("Ange ett år mellan %(min)s och %(max)s."))])
    fte = LocalDecimalField(_l("Årsarbetare"), places=2, minimum=0, maximum=StaffingLine.LIMITS["fte_max"])


def _optional_name(label, name: str):
    return StringField(label, validators=[Optional(), Length(max=LIMITS[name])])


class InitiativeForm(BaseForm):
    title = StringField(_l("Titel"), validators=[
        DataRequired(_l("Ange en titel.")),
        Length(max=LIMITS["title"], message=_l("Titeln får vara högst %(max)d tecken."))])
    description = TextAreaField(_l("Beskrivning"), validators=[
        Optional(), Length(max=LIMITS["description"], message=_l("Beskrivningen får vara högst %(max)d tecken."))])
    owning_unit = SelectField(_l("Ägande enhet"), coerce=int, validators=[
        InputRequired(_l("Välj ägande enhet."))])
    participating_units = MultiCheckboxField(_l("Deltagande enheter (samverkan)"), coerce=int)
    primary_area = SelectField(_l("Primärt prioriterat område"), coerce=int, validators=[
        InputRequired(_l("Välj ett prioriterat område."))])
    secondary_areas = MultiCheckboxField(_l("Sekundära prioriterade områden"), coerce=int)
    principles = MultiCheckboxField(_l("Möjliggörande principer"), coerce=int)
    phase = SelectField(_l("Fas"), validate_choice=True)
    start_date = DateField(_l("Startdatum"), validators=[Optional()])
    end_date = DateField(_l("Slutdatum"), validators=[Optional()])
    need_owner = _optional_name(_l("Behovsägare"), "need_owner")
    project_lead = _optional_name(_l("Projektledare"), "project_lead")
    benefit_owner = _optional_name(_l("Nyttoägare"), "benefit_owner")
    funding = FieldList(FormField(FundingRowForm), label=_l("Finansiering"), min_entries=0)
    staffing = FieldList(FormField(StaffingRowForm), label=_l("Personalbehov"), min_entries=0)
    version = HiddenField()

    def setup(self, *, creating: bool, actor=None) -> InitiativeForm:
        units = ref.org_units()
        areas = ref.areas()
        unit_choices = [(u.id, u.label) for u in units]
        owning = unit_choices
        if actor is not None and not actor.is_office and not permissions.editable_area_ids(actor):
            own = permissions.editable_unit_ids(actor)     # an editor registers for their own units
            current = self.owning_unit.data
            owning = [(i, label) for i, label in unit_choices if i in own or (not creating and i == current)]
        self.owning_unit.choices = [(-1, _l("– Välj enhet –"))] + owning
        self.participating_units.choices = unit_choices
        self.primary_area.choices = [(-1, _l("– Välj område –"))] + [(a.id, a.name) for a in areas]
        self.secondary_areas.choices = [(a.id, a.name) for a in areas]
        self.principles.choices = [(p.id, p.name) for p in ref.principles()]
        if creating:
            self.phase.choices = [(p, PHASE_LABELS[p]) for p in (P.IDE, P.BEHOVSANALYS)]
        else:
            del self.phase
        sources = [(-1, _l("– Välj källa –"))] + [(s.id, s.name) for s in ref.funding_sources()]
        while len([e for e in self.funding.entries if _filled(e)]) + EMPTY_ROWS > len(self.funding.entries):
            self.funding.append_entry()
        while len([e for e in self.staffing.entries if _filled(e)]) + EMPTY_ROWS > len(self.staffing.entries):
            self.staffing.append_entry()
        for entry in self.funding.entries:
            entry.form.source.choices = sources
        return self

    def to_input(self) -> InitiativeInput:
        return InitiativeInput(
            title=self.title.data,
            description=self.description.data or "",
            owning_unit_id=self.owning_unit.data,
            participating_unit_ids=list(self.participating_units.data or []),
            primary_area_id=self.primary_area.data,
            secondary_area_ids=list(self.secondary_areas.data or []),
            principle_ids=list(self.principles.data or []),
            phase=self.phase.data if "phase" in self else None,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            need_owner=self.need_owner.data or None,
            project_lead=self.project_lead.data or None,
            benefit_owner=self.benefit_owner.data or None,
            funding=[FundingInput(e.form.year.data, e.form.source.data, e.form.amount.data, i)
                     for i, e in enumerate(self.funding.entries) if _filled(e)],
            staffing=[StaffingInput(e.form.year.data, e.form.fte.data, i)
                      for i, e in enumerate(self.staffing.entries) if _filled(e)],
        )


def _filled(entry) -> bool:
    """A list row counts when any of its inputs holds something (blank rows are ignored)."""
    for field in entry.form:
        raw = field.raw_data
        if raw and str(raw[0]).strip() not in ("", "-1"):
            return True
        if not raw and field.data not in (None, "", -1):
            return True
    return False


class PhaseForm(BaseForm):
    phase = SelectField(_l("Ny fas"), validate_choice=False)
    reason = TextAreaField(_l("Skäl"), validators=[Optional(), Length(max=LIMITS["reason"])])
    override = BooleanField(_l("Gör undantag från fasgrinden (endast projektkontoret)"))
    version = HiddenField()
    gate_missing: list[str] = []


class RestoreForm(BaseForm):
    version = HiddenField()


class ArchiveForm(BaseForm):
    reason = TextAreaField(_l("Skäl till arkivering"), id="archive-reason", validators=[
        DataRequired(_l("Ange varför initiativet arkiveras.")), Length(max=LIMITS["reason"])])
    version = HiddenField()


def register_filter_from_args(args) -> tuple[RegisterFilter, int]:
    """Read the register's filters from the query string; unknown values are ignored."""
    phase = args.get("phase")
    sort = args.get("sort", "updated")
    flt = RegisterFilter(
        q=search_text(args.get("q")), area=positive_int(args.get("area")), unit=positive_int(args.get("unit")),
        phase=phase if phase in P.ALL_PHASES else None, source=positive_int(args.get("source")),
        archived=args.get("archived") == "1", sort=sort if sort in SORTS else "updated",
        basis=args.get("basis") if args.get("basis") in ("now", "next") else None)
    return flt, positive_int(args.get("page")) or 1
