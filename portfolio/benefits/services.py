"""The benefit case (nyttokalkyl), its cost lines and its benefits (register entries).

Each save verb takes a typed input (`CaseInput`, `CostLineInput`, `BenefitInput`: the form's
`to_input()`, the API's loaded body), validates it with every problem at once
(`validate_case`, `validate_cost_line`, `validate_benefit`) and applies it through the one
versioned save; the caller's `transaction()` commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
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
)
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.changelog.versioned import Versioned, check_version, stripped
from portfolio.domain import benefit_calc as calc
from portfolio.extensions import db
from portfolio.inputs import FromValues
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

CASE_FIELDS = ("start_year", "horizon", "discount_rate", "hourly_cost")
COST_FIELDS = ("category", "recurring", "description", "first_year", "last_year", "amount",
               "hours", "hourly_cost")
BENEFIT_FIELDS = ("title", "kind", "beneficiary", "indicator", "unit", "direction", "data_source",
                  "baseline", "baseline_date", "target", "target_date", "frequency", "certainty",
                  "owner", "first_year", "last_year", "amount", "volume", "minutes_saved",
                  "hourly_cost", "realisation_share", "ramp_up", "comment")
BENEFIT_TEXT_LIMITS = {name: Benefit.LIMITS[name] for name in Benefit.TEXTS}   # alias
MAX_MONEY = Decimal(CostLine.LIMITS["amount_max"])
CASE_SAVE = Versioned("benefit_case", CASE_FIELDS)
COST_SAVE = Versioned("cost_line", COST_FIELDS)
BENEFIT_SAVE = Versioned("benefit", BENEFIT_FIELDS)
parse_ramp_up = calc.parse_ramp_up     # the one parser (strict), also for older imports


@dataclass(frozen=True)
class CaseInput(FromValues):
    start_year: int | None = None
    horizon: int | None = None
    discount_rate: Decimal | None = None      # 0.03 = 3 %
    hourly_cost: Decimal | None = None


@dataclass(frozen=True)
class CostLineInput(FromValues):
    category: str | None = None
    recurring: bool | None = None
    description: str | None = None
    first_year: int | None = None
    last_year: int | None = None
    amount: Decimal | None = None
    hours: Decimal | None = None
    hourly_cost: Decimal | None = None

    @property
    def span(self) -> tuple[int | None, int | None]:
        """First and last year: a one-off cost is its first year only."""
        return self.first_year, self.last_year if self.recurring else self.first_year


@dataclass(frozen=True)
class BenefitInput(FromValues):
    title: str | None = None
    kind: str | None = None
    beneficiary: str | None = None
    indicator: str | None = None
    unit: str | None = None
    direction: str | None = None
    data_source: str | None = None
    baseline: Decimal | None = None
    baseline_date: date | None = None
    target: Decimal | None = None
    target_date: date | None = None
    frequency: str | None = None
    certainty: str | None = None
    owner: str | None = None
    first_year: int | None = None
    last_year: int | None = None
    amount: Decimal | None = None
    volume: Decimal | None = None
    minutes_saved: Decimal | None = None
    hourly_cost: Decimal | None = None
    realisation_share: Decimal | None = None    # per cent; none given means 100
    ramp_up: str | None = None
    comment: str | None = None

    @classmethod
    def of(cls, values) -> BenefitInput:
        data = super().of(values)
        return data if data.realisation_share is not None else replace(data, realisation_share=Decimal(100))

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in BENEFIT_FIELDS}


def get_case(initiative_id: int) -> BenefitCase | None:
    return db.session.scalar(db.select(BenefitCase).where(
        BenefitCase.initiative_id == initiative_id))


def _require_edit(ini, actor) -> None:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()


def _save_event(versioned: Versioned, row, **kwargs):
    """The case, cost lines and benefits count every save as a new version (as they always
    have), while the change log records only what changed."""
    return versioned.save(row, always_bump=True, log_unchanged=False, **kwargs)


def _raise(errors: dict) -> None:
    if errors:
        raise ServiceValidationError(errors)


# --- the case -------------------------------------------------------------------------------

def case_defaults(ini) -> dict:
    programme = current_programme()
    start = ini.start_date.year if ini.start_date else now().year
    return {"start_year": start, "horizon": programme.defaults.benefit_horizon_years,
            "discount_rate": programme.defaults.discount_rate,
            "hourly_cost": programme.defaults.hourly_cost_sek}


def validate_case(data: CaseInput | Mapping, case: BenefitCase | None = None) -> None:
    """Every rule of the case's basic figures at once; with the stored `case`, also that its
    lines still fit the new period."""
    data, limits = CaseInput.of(data), BenefitCase.LIMITS
    errors: dict[str, str] = {}
    start, horizon = data.start_year, data.horizon
    if not isinstance(start, int) or not limits["year_min"] <= start <= limits["year_max"]:
        errors["start_year"] = _("Ange ett startår mellan 2000 och 2100.")
    if not isinstance(horizon, int) or not 1 <= horizon <= limits["horizon_max"]:
        errors["horizon"] = _("Ange en kalkylperiod på 1–%(max)d år.", max=limits["horizon_max"])
    rate = data.discount_rate
    if not isinstance(rate, Decimal) or not 0 <= rate <= Decimal(limits["discount_rate_percent_max"]) / 100:
        errors["discount_rate"] = _("Ange en kalkylränta mellan 0 och 50 %.")
    hourly = data.hourly_cost
    if not isinstance(hourly, Decimal) or not 0 <= hourly <= limits["hourly_cost_max"]:
        errors["hourly_cost"] = _("Ange en timkostnad mellan 0 och 100 000 kr.")
    # (no errors: start and horizon are ints; the isinstance checks repeat that for the checker)
    if not errors and case is not None and isinstance(start, int) and isinstance(horizon, int):
        lines: list[CostLine | Benefit] = [*case.cost_lines, *case.benefits]
        outside = [line for line in lines
                   if line.first_year is not None
                   and (line.first_year < start or (line.last_year or line.first_year) > start + horizon - 1)]
        if outside:
            errors["horizon"] = _("%(n)d rader ligger utanför den nya perioden %(a)d–%(b)d. Ändra "
                                  "eller ta bort dem först.", n=len(outside), a=start,
                                  b=start + horizon - 1)
    _raise(errors)


def save_case(ini, data: CaseInput | Mapping, actor, *, expected_version=None) -> BenefitCase:
    _require_edit(ini, actor)
    data, case = CaseInput.of(data), get_case(ini.id)
    return _save_event(
        CASE_SAVE, case, actor=actor, expected_version=expected_version, initiative_id=ini.id,
        create=lambda: BenefitCase(initiative_id=ini.id),
        validate=lambda: validate_case(data, case),
        apply={name: getattr(data, name) for name in CASE_FIELDS})


def _years_errors(case: BenefitCase, first, last, errors: dict, required: bool = True) -> None:
    if first is None and last is None and not required:
        return
    if not isinstance(first, int):
        errors["first_year"] = _("Ange första år.")
        return
    last = first if last is None else last
    if not case.start_year <= first <= case.last_year:
        errors["first_year"] = _("År %(y)d ligger utanför kalkylens period %(a)d–%(b)d.", y=first,
                                 a=case.start_year, b=case.last_year)
    if not isinstance(last, int) or not case.start_year <= last <= case.last_year:
        errors["last_year"] = _("År %(y)s ligger utanför kalkylens period %(a)d–%(b)d.", y=last,
                                a=case.start_year, b=case.last_year)
    elif last < first:
        errors["last_year"] = _("Sista år kan inte vara före första år.")


def _money_error(value, name: str, errors: dict, label: str) -> None:
    if value is not None and (value < 0 or value > MAX_MONEY):
        errors[name] = _("%(label)s ska vara mellan 0 och 100 miljarder.", label=label)


def _case_for_line(ini, key: str) -> BenefitCase:
    """The case a cost line or benefit is added to; saving its basic figures comes first."""
    case = get_case(ini.id)
    if case is None:
        raise ServiceValidationError({key: _("Spara kalkylens grunduppgifter först.")})
    return case


# --- cost lines -----------------------------------------------------------------------------

def validate_cost_line(data: CostLineInput | Mapping, case: BenefitCase) -> None:
    data = CostLineInput.of(data)
    errors: dict[str, str] = {}
    check_texts({"description": data.description}, {"description": CostLine.LIMITS["description"]}, errors)
    if data.category not in CostCategory.values():
        errors["category"] = _("Välj kostnadskategori.")
    _years_errors(case, *data.span, errors)
    amount, hours = data.amount, data.hours
    if (amount is None) == (hours is None):
        errors["amount"] = _("Ange antingen belopp per år eller timmar per år.")
    _money_error(amount, "amount", errors, _("Beloppet"))
    if hours is not None and not 0 <= hours <= CostLine.LIMITS["hours_max"]:
        errors["hours"] = _("Antalet timmar kan inte vara negativt.")
    _raise(errors)


def save_cost_line(ini, data: CostLineInput | Mapping, actor, *, line: CostLine | None = None,
                   expected_version=None) -> CostLine:
    _require_edit(ini, actor)
    case = _case_for_line(ini, "category")
    if line is not None and line.case_id != case.id:
        raise PermissionDenied()
    data = CostLineInput.of(data)
    first, last = data.span
    return _save_event(
        COST_SAVE, line, actor=actor, expected_version=expected_version, initiative_id=ini.id,
        create=lambda: CostLine(case=case), validate=lambda: validate_cost_line(data, case),
        apply={"category": data.category, "recurring": bool(data.recurring),
               "description": (data.description or "").strip() or None,
               "first_year": first, "last_year": last, "amount": data.amount, "hours": data.hours,
               "hourly_cost": (data.hourly_cost or case.hourly_cost) if data.hours is not None else None})


def remove_cost_line(ini, line: CostLine, actor, *, expected_version) -> None:
    _require_edit(ini, actor)
    case = get_case(ini.id)
    if case is None or line.case_id != case.id:
        raise PermissionDenied()
    check_version(line.version, expected_version, ("cost_line", line.id))
    before = fields_snapshot(line, COST_FIELDS)
    record_changes(entity_type="cost_line", entity_id=line.id, initiative_id=ini.id,
                   action="remove", before=before, after=dict.fromkeys(COST_FIELDS),
                   user_id=actor.id)
    db.session.delete(line)
    db.session.flush()


# --- benefits -------------------------------------------------------------------------------

def validate_benefit(data: BenefitInput | Mapping, case: BenefitCase) -> None:
    """Every rule of a benefit at once (writes nothing); raises ServiceValidationError."""
    data = BenefitInput.of(data)
    errors: dict[str, str] = {}
    check_texts(data.as_dict(), BENEFIT_TEXT_LIMITS, errors)
    kind = data.kind
    if not (data.title or "").strip():
        errors["title"] = _("Ange en rubrik för nyttan.")
    if kind not in BenefitKind.values():
        errors["kind"] = _("Välj typ av nytta.")
    for name, allowed, message in (
            ("beneficiary", Beneficiary, _("Välj vem nyttan kommer till del.")),
            ("direction", Direction, _("Välj om högre eller lägre är bättre.")),
            ("frequency", Frequency, _("Välj mätfrekvens.")),
            ("certainty", Certainty, _("Välj säkerhet."))):
        if getattr(data, name) not in allowed.values():
            errors[name] = message
    if kind == calc.QUALITATIVE:
        if not (data.indicator or "").strip():
            errors["indicator"] = _("En kvalitativ nytta behöver en indikator.")
        _years_errors(case, data.first_year, data.last_year, errors, required=False)
    else:
        _years_errors(case, data.first_year, data.last_year, errors)
    if kind in (calc.FINANCIAL, calc.NEGATIVE) and data.amount is None:
        errors["amount"] = _("Ange belopp per år.")
    _money_error(data.amount, "amount", errors, _("Beloppet"))
    if kind == calc.REALLOCATION:
        for name, message in (("volume", _("Ange volym per år (antal ärenden, tillfällen …).")),
                              ("minutes_saved", _("Ange sparade minuter per tillfälle."))):
            value = getattr(data, name)
            if value is None:
                errors[name] = message
            elif value < 0:
                errors[name] = _("Värdet kan inte vara negativt.")
    share = data.realisation_share
    assert share is not None    # BenefitInput.of defaults it to 100
    if not 0 <= share <= Benefit.LIMITS["share_percent_max"]:
        errors["realisation_share"] = _("Realiseringsgraden ska vara 0–100 %.")
    try:
        parse_ramp_up(data.ramp_up)
    except (ValueError, ArithmeticError):
        errors["ramp_up"] = _("Skriv andelar i procent 0–100 åtskilda med semikolon, t.ex. 50; 80.")
    if data.baseline_date and data.target_date and data.target_date < data.baseline_date:
        errors["target_date"] = _("Måldatum kan inte vara före datum för utgångsläget.")
    _raise(errors)


def _benefit_values(data: BenefitInput, case: BenefitCase) -> dict:
    """The stored values: text trimmed, the last year defaulting to the first, and only the
    figures the kind of benefit is calculated from."""
    values = stripped(data.as_dict(), BENEFIT_FIELDS)
    if values["last_year"] is None and values["first_year"] is not None:
        values["last_year"] = values["first_year"]
    if data.kind == calc.REALLOCATION and values["hourly_cost"] is None:
        values["hourly_cost"] = case.hourly_cost
    if data.kind not in (calc.FINANCIAL, calc.NEGATIVE):
        values["amount"] = None
    if data.kind != calc.REALLOCATION:
        values["volume"] = values["minutes_saved"] = values["hourly_cost"] = None
    return values


def save_benefit(ini, data: BenefitInput | Mapping, actor, *, benefit: Benefit | None = None,
                 expected_version=None) -> Benefit:
    _require_edit(ini, actor)
    case = _case_for_line(ini, "title")
    if benefit is not None and benefit.initiative_id != ini.id:
        raise PermissionDenied()
    data, moment = BenefitInput.of(data), now()
    return _save_event(
        BENEFIT_SAVE, benefit, actor=actor, expected_version=expected_version, initiative_id=ini.id,
        at=moment, create=lambda: Benefit(initiative_id=ini.id, case=case, created_at=moment),
        validate=lambda: validate_benefit(data, case), apply=_benefit_values(data, case))


# --- the calculation ------------------------------------------------------------------------

def calculate(case: BenefitCase) -> calc.CaseResult:
    """Run the pure calculation on a stored case."""
    t0 = case.start_year
    costs = [calc.CostLine(first=c.first_year - t0, last=c.last_year - t0, amount=c.amount,
                           hours=c.hours, hourly_cost=c.hourly_cost) for c in case.cost_lines]
    benefits = [calc.BenefitLine(
        kind=b.kind, first=b.first_year - t0, last=(b.last_year or b.first_year) - t0,
        amount=b.amount, volume=b.volume, minutes_saved=b.minutes_saved,
        hourly_cost=b.hourly_cost, realisation_share=b.realisation_share / 100,
        ramp_up=parse_ramp_up(b.ramp_up))
        for b in case.benefits if b.first_year is not None and b.kind != calc.QUALITATIVE]
    return calc.calculate(case.horizon, case.discount_rate, costs, benefits)


def planned_per_year(benefit: Benefit, case: BenefitCase) -> dict[int, Decimal]:
    """Planned kronor per calendar year of one benefit (for the register and follow-up)."""
    if benefit.first_year is None or benefit.kind == calc.QUALITATIVE:
        return {}
    line = calc.BenefitLine(
        kind=benefit.kind, first=benefit.first_year, last=benefit.last_year or benefit.first_year,
        amount=benefit.amount, volume=benefit.volume, minutes_saved=benefit.minutes_saved,
        hourly_cost=benefit.hourly_cost, realisation_share=benefit.realisation_share / 100,
        ramp_up=parse_ramp_up(benefit.ramp_up))
    return {y: line.value_in(y) for y in range(line.first, line.last + 1)}
