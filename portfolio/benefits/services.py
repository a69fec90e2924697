"""The benefit case (nyttokalkyl), its cost lines and its benefits (register entries)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.benefits.models import (
    BENEFICIARIES,
    CERTAINTIES,
    COST_CATEGORIES,
    DIRECTIONS,
    FREQUENCIES,
    Benefit,
    BenefitCase,
    CostLine,
)
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.domain import benefit_calc as calc
from portfolio.extensions import db
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts, check_version
from portfolio.validation import PermissionDenied, ServiceValidationError

CASE_FIELDS = ("start_year", "horizon", "discount_rate", "hourly_cost")
COST_FIELDS = ("category", "recurring", "description", "first_year", "last_year", "amount",
               "hours", "hourly_cost")
BENEFIT_FIELDS = ("title", "kind", "beneficiary", "indicator", "unit", "direction", "data_source",
                  "baseline", "baseline_date", "target", "target_date", "frequency", "certainty",
                  "owner", "first_year", "last_year", "amount", "volume", "minutes_saved",
                  "hourly_cost", "realisation_share", "ramp_up", "comment")
BENEFIT_TEXT_LIMITS = {"title": 200, "indicator": 300, "unit": 50, "data_source": 300,
                       "owner": 200, "ramp_up": 100, "comment": 5000}
MAX_MONEY = Decimal(10) ** 11


def get_case(initiative_id: int) -> BenefitCase | None:
    return db.session.scalar(db.select(BenefitCase).where(
        BenefitCase.initiative_id == initiative_id))


def _require_edit(ini, actor) -> None:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()


def _log(entity: str, obj, ini, before, fields, actor, action=None) -> None:
    after = fields_snapshot(obj, fields)
    if after == before:
        return
    db.session.flush()
    record_changes(entity_type=entity, entity_id=obj.id, initiative_id=ini.id,
                   action=action or ("update" if any(before.values()) else "create"),
                   before=before, after=after, user_id=actor.id)


# --- the case -------------------------------------------------------------------------------

def case_defaults(ini) -> dict:
    programme = current_programme()
    start = ini.start_date.year if ini.start_date else now().year
    return {"start_year": start, "horizon": programme.defaults.benefit_horizon_years,
            "discount_rate": programme.defaults.discount_rate,
            "hourly_cost": programme.defaults.hourly_cost_sek}


def save_case(ini, values: dict, actor, *, expected_version=None) -> BenefitCase:
    _require_edit(ini, actor)
    case = get_case(ini.id)
    if case is not None:
        check_version(case.version, expected_version, ("benefit_case", case.id))
    errors: dict[str, str] = {}
    start, horizon = values.get("start_year"), values.get("horizon")
    if not isinstance(start, int) or not 2000 <= start <= 2100:
        errors["start_year"] = _("Ange ett startår mellan 2000 och 2100.")
    if not isinstance(horizon, int) or not 1 <= horizon <= calc.MAX_HORIZON:
        errors["horizon"] = _("Ange en kalkylperiod på 1–%(max)d år.", max=calc.MAX_HORIZON)
    rate = values.get("discount_rate")
    if not isinstance(rate, Decimal) or not Decimal(0) <= rate <= Decimal("0.5"):
        errors["discount_rate"] = _("Ange en kalkylränta mellan 0 och 50 %.")
    hourly = values.get("hourly_cost")
    if not isinstance(hourly, Decimal) or not Decimal(0) <= hourly <= Decimal(100000):
        errors["hourly_cost"] = _("Ange en timkostnad mellan 0 och 100 000 kr.")
    if not errors and case is not None:
        outside = [line for line in [*case.cost_lines, *case.benefits]
                   if line.first_year is not None
                   and (line.first_year < start or line.last_year > start + horizon - 1)]
        if outside:
            errors["horizon"] = _("%(n)d rader ligger utanför den nya perioden %(a)d–%(b)d. Ändra "
                                  "eller ta bort dem först.", n=len(outside), a=start,
                                  b=start + horizon - 1)
    if errors:
        raise ServiceValidationError(errors)
    before = fields_snapshot(case, CASE_FIELDS)
    if case is None:
        case = BenefitCase(initiative_id=ini.id, version=0)
        db.session.add(case)
    case.start_year, case.horizon, case.discount_rate, case.hourly_cost = start, horizon, rate, hourly
    case.version += 1
    case.updated_at = now()
    _log("benefit_case", case, ini, before, CASE_FIELDS, actor)
    db.session.flush()
    return case


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


# --- cost lines -----------------------------------------------------------------------------

def save_cost_line(ini, values: dict, actor, *, line: CostLine | None = None,
                   expected_version=None) -> CostLine:
    _require_edit(ini, actor)
    case = get_case(ini.id)
    if case is None:
        raise ServiceValidationError({"category": _("Spara kalkylens grunduppgifter först.")})
    if line is not None and line.case_id != case.id:
        raise PermissionDenied()
    if line is not None:
        check_version(line.version, expected_version, ("cost_line", line.id))
    errors: dict[str, str] = {}
    check_texts(values, {"description": 300}, errors)
    if values.get("category") not in COST_CATEGORIES:
        errors["category"] = _("Välj kostnadskategori.")
    first = values.get("first_year")
    last = values.get("last_year") if values.get("recurring") else first
    _years_errors(case, first, last, errors)
    amount, hours = values.get("amount"), values.get("hours")
    if (amount is None) == (hours is None):
        errors["amount"] = _("Ange antingen belopp per år eller timmar per år.")
    _money_error(amount, "amount", errors, _("Beloppet"))
    if hours is not None and not Decimal(0) <= hours <= Decimal(10**7):
        errors["hours"] = _("Antalet timmar kan inte vara negativt.")
    if errors:
        raise ServiceValidationError(errors)
    before = fields_snapshot(line, COST_FIELDS)
    if line is None:
        line = CostLine(case=case, version=0)
        db.session.add(line)
    line.version += 1
    line.category, line.recurring = values["category"], bool(values.get("recurring"))
    line.description = (values.get("description") or "").strip() or None
    line.first_year, line.last_year = first, last
    line.amount, line.hours = amount, hours
    line.hourly_cost = (values.get("hourly_cost") or case.hourly_cost) if hours is not None else None
    _log("cost_line", line, ini, before, COST_FIELDS, actor)
    db.session.flush()
    return line


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

def parse_ramp_up(text: str | None) -> tuple[Decimal, ...]:
    """"50; 80" → (0.5, 0.8). Raises ValueError on anything else."""
    if not text or not text.strip():
        return ()
    shares = []
    for part in text.replace(",", ".").replace(" ", "").split(";"):
        if not part:
            continue
        value = Decimal(part.rstrip("%"))
        if not Decimal(0) <= value <= Decimal(100):
            raise ValueError(part)
        shares.append(value / 100)
    return tuple(shares)


def save_benefit(ini, values: dict, actor, *, benefit: Benefit | None = None,
                 expected_version=None) -> Benefit:
    _require_edit(ini, actor)
    case = get_case(ini.id)
    if case is None:
        raise ServiceValidationError({"title": _("Spara kalkylens grunduppgifter först.")})
    if benefit is not None:
        if benefit.initiative_id != ini.id:
            raise PermissionDenied()
        check_version(benefit.version, expected_version, ("benefit", benefit.id))
    errors: dict[str, str] = {}
    check_texts(values, BENEFIT_TEXT_LIMITS, errors)
    kind = values.get("kind")
    if not (values.get("title") or "").strip():
        errors["title"] = _("Ange en rubrik för nyttan.")
    if kind not in calc.BENEFIT_TYPES:
        errors["kind"] = _("Välj typ av nytta.")
    for name, allowed, message in (
            ("beneficiary", BENEFICIARIES, _("Välj vem nyttan kommer till del.")),
            ("direction", DIRECTIONS, _("Välj om högre eller lägre är bättre.")),
            ("frequency", FREQUENCIES, _("Välj mätfrekvens.")),
            ("certainty", CERTAINTIES, _("Välj säkerhet."))):
        if values.get(name) not in allowed:
            errors[name] = message
    if kind == calc.QUALITATIVE:
        if not (values.get("indicator") or "").strip():
            errors["indicator"] = _("En kvalitativ nytta behöver en indikator.")
        _years_errors(case, values.get("first_year"), values.get("last_year"), errors,
                      required=False)
    else:
        _years_errors(case, values.get("first_year"), values.get("last_year"), errors)
    if kind in (calc.FINANCIAL, calc.NEGATIVE) and values.get("amount") is None:
        errors["amount"] = _("Ange belopp per år.")
    _money_error(values.get("amount"), "amount", errors, _("Beloppet"))
    if kind == calc.REALLOCATION:
        for name, message in (("volume", _("Ange volym per år (antal ärenden, tillfällen …).")),
                              ("minutes_saved", _("Ange sparade minuter per tillfälle."))):
            value = values.get(name)
            if value is None:
                errors[name] = message
            elif value < 0:
                errors[name] = _("Värdet kan inte vara negativt.")
    share = values.get("realisation_share")
    if share is None:
        values["realisation_share"] = share = Decimal(100)
    if not Decimal(0) <= share <= Decimal(100):
        errors["realisation_share"] = _("Realiseringsgraden ska vara 0–100 %.")
    try:
        parse_ramp_up(values.get("ramp_up"))
    except (ValueError, ArithmeticError):
        errors["ramp_up"] = _("Skriv andelar i procent 0–100 åtskilda med semikolon, t.ex. 50; 80.")
    if (values.get("baseline_date") and values.get("target_date")
            and values["target_date"] < values["baseline_date"]):
        errors["target_date"] = _("Måldatum kan inte vara före datum för utgångsläget.")
    if errors:
        raise ServiceValidationError(errors)
    before = fields_snapshot(benefit, BENEFIT_FIELDS)
    moment = now()
    if benefit is None:
        benefit = Benefit(initiative_id=ini.id, case=case, version=0, created_at=moment)
        db.session.add(benefit)
    for name in BENEFIT_FIELDS:
        value = values.get(name)
        setattr(benefit, name, (value.strip() or None) if isinstance(value, str) else value)
    if benefit.last_year is None and benefit.first_year is not None:
        benefit.last_year = benefit.first_year
    if kind == calc.REALLOCATION and benefit.hourly_cost is None:
        benefit.hourly_cost = case.hourly_cost
    if kind not in (calc.FINANCIAL, calc.NEGATIVE):
        benefit.amount = None
    if kind != calc.REALLOCATION:
        benefit.volume = benefit.minutes_saved = benefit.hourly_cost = None
    benefit.version += 1
    benefit.updated_at = moment
    _log("benefit", benefit, ini, before, BENEFIT_FIELDS, actor)
    db.session.flush()
    return benefit


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
