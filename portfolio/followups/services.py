"""Log measurements, period follow-ups and evaluations; verify or write off benefits.

Each verb takes a typed input (built by the form's `to_input()`, the API resource or, as a
plain dict, by the demo loader and tests), validates all of it at once, then applies it; the
caller's transaction commits."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portfolio.auth import permissions
from portfolio.benefits.models import BENEFIT_STATUSES, Benefit, BenefitStatus
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.changelog.versioned import Versioned, stripped
from portfolio.clock import today
from portfolio.domain import schedule
from portfolio.extensions import db
from portfolio.followups import queries
from portfolio.followups.models import Evaluation, FollowUp, FollowUpStatus, GoalsMet, Measurement
from portfolio.inputs import as_input
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

MEASUREMENT_FIELDS = ("measured_on", "value", "realised_amount", "comment")
FOLLOWUP_FIELDS = ("year", "period", "status", "comment", "progress", "cost_to_date",
                   "achievements", "next_steps")
EVALUATION_FIELDS = ("goals_met", "goals_comment", "benefits_realised", "measured_after",
                     "lessons_learned", "evaluated_on")
VALUE_LIMIT = Decimal(10) ** 12
# The benefit's status reason is the benefits package's field (its LIMITS once declared there).
REASON_MAX = getattr(Benefit, "LIMITS", {}).get("status_reason", 5000)

FOLLOWUP = Versioned("follow_up", FOLLOWUP_FIELDS, created_when_empty="period")
EVALUATION = Versioned("evaluation", EVALUATION_FIELDS, created_when_empty="goals_met")
BENEFIT_STATUS = Versioned("benefit", ("status", "status_reason"))



def _require_edit(ini, actor) -> None:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()


# --- measurements ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasurementInput:
    measured_on: date | None = None
    value: Decimal | None = None
    realised_amount: Decimal | None = None
    comment: str | None = None


def validate_measurement(benefit: Benefit, data: MeasurementInput) -> None:
    errors: dict[str, str] = {}
    check_texts({"comment": data.comment}, Measurement.LIMITS, errors)
    if not isinstance(data.measured_on, date):
        errors["measured_on"] = _("Ange mätdatum.")
    elif data.measured_on > today():
        errors["measured_on"] = _("Mätdatum kan inte ligga i framtiden.")
    if not isinstance(data.value, Decimal):
        errors["value"] = _("Ange uppmätt värde som ett tal.")
    elif abs(data.value) >= VALUE_LIMIT:
        errors["value"] = _("Värdet är orimligt stort.")
    amount = data.realised_amount
    if amount is not None and not Decimal(0) <= amount < VALUE_LIMIT:
        errors["realised_amount"] = _("Beloppet ska vara 0 eller mer.")
    if benefit.status != BenefitStatus.ACTIVE:
        errors["value"] = _("Nyttan är redan verifierad eller avskriven; den mäts inte längre.")
    if errors:
        raise ServiceValidationError(errors)


def log_measurement(ini, benefit: Benefit, data: MeasurementInput | dict, actor) -> Measurement:
    """A measurement is a fact as measured: created, never edited (no version)."""
    data = as_input(MeasurementInput, data)
    _require_edit(ini, actor)
    if benefit.initiative_id != ini.id:
        raise PermissionDenied()
    validate_measurement(benefit, data)
    moment = now()
    row = Measurement(benefit_id=benefit.id, user_id=actor.id, created_at=moment,
                      **stripped(dataclasses.asdict(data), MEASUREMENT_FIELDS))
    db.session.add(row)
    db.session.flush()
    record_changes(entity_type="measurement", entity_id=row.id, initiative_id=ini.id,
                   action="create", before={}, after=fields_snapshot(row, MEASUREMENT_FIELDS)
                   | {"benefit": benefit.title}, user_id=actor.id, at=moment)
    return row


# --- period follow-ups ----------------------------------------------------------------------

def period_codes() -> list[str]:
    return [p.code for p in current_programme().followup_periods]


def first_open_period(done: set[tuple[int, str]], definitions, current: schedule.Period
                      ) -> schedule.Period:
    """The first period, in date order, without a follow-up: counted from the first period
    that has one (gaps are proposed first); with none yet, the current period."""
    codes = {d.code for d in definitions}
    followed = [p for year in sorted({y for y, code in done if code in codes})
                for p in schedule.periods_for_year(year, definitions) if (p.year, p.code) in done]
    if not followed:
        return current
    start = min(followed, key=lambda p: p.ends)
    year = start.year
    while True:  # ends: the year after the last follow-up has none
        for period in schedule.periods_for_year(year, definitions):
            if period.ends >= start.ends and (period.year, period.code) not in done:
                return period
        year += 1


def proposed_period(initiative_id: int, on: date) -> schedule.Period:
    """The period "Ny uppföljning" proposes for an initiative."""
    definitions = current_programme().followup_periods
    return first_open_period(queries.followed_periods(initiative_id), definitions,
                             schedule.current_period(on, definitions))


@dataclass(frozen=True)
class FollowUpInput:
    year: int | None = None
    period: str | None = None
    status: str | None = None
    comment: str | None = None
    progress: int | None = None
    cost_to_date: Decimal | None = None
    achievements: str | None = None
    next_steps: str | None = None


def validate_followup(ini, data: FollowUpInput, followup: FollowUp | None = None) -> None:
    """Every rule of a period follow-up at once (one per initiative and period)."""
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), FollowUp.LIMITS, errors)
    year, period = data.year, data.period
    if not isinstance(year, int) or not 2000 <= year <= today().year + 1:
        errors["year"] = _("Ange ett år mellan 2000 och %(max)d.", max=today().year + 1)
    if period not in period_codes():
        errors["period"] = _("Välj period.")
    if data.status not in FollowUpStatus.values():
        errors["status"] = _("Välj status.")
    elif data.status != FollowUpStatus.GRON and not (data.comment or "").strip():
        errors["comment"] = _("Förklara varför statusen inte är grön.")
    if not isinstance(data.progress, int) or not 0 <= data.progress <= 100:
        errors["progress"] = _("Ange hur långt arbetet har kommit, 0–100 %.")
    cost = data.cost_to_date
    if cost is not None and not Decimal(0) <= cost < VALUE_LIMIT:
        errors["cost_to_date"] = _("Kostnaden ska vara 0 eller mer.")
    # (no errors: year is an int and period one of the codes; the checks repeat it for the checker)
    if not errors and isinstance(year, int) and period is not None:
        if queries.period_taken(ini.id, year, period, but=followup.id if followup else None):
            errors["period"] = _("Det finns redan en uppföljning för den perioden. Öppna den och "
                                 "ändra i stället.")
    if errors:
        raise ServiceValidationError(errors)


def save_followup(ini, data: FollowUpInput | dict, actor, *, followup: FollowUp | None = None,
                  expected_version=None) -> FollowUp:
    """Create the follow-up of a period, or update it (one per initiative and period). Every
    save is an event: the version goes up even when nothing changed."""
    data = as_input(FollowUpInput, data)
    _require_edit(ini, actor)
    if followup is not None and followup.initiative_id != ini.id:
        raise PermissionDenied()

    def apply(row: FollowUp) -> None:
        for name, value in stripped(dataclasses.asdict(data), FOLLOWUP_FIELDS).items():
            setattr(row, name, value)
        row.user_id = actor.id

    moment = now()
    try:
        return FOLLOWUP.save(
            followup, actor=actor, expected_version=expected_version, initiative_id=ini.id,
            validate=lambda: validate_followup(ini, data, followup), apply=apply, always_bump=True,
            create=lambda: FollowUp(initiative_id=ini.id, created_at=moment), at=moment)
    except IntegrityError:
        # A concurrent save of the same period (checked first, so only in a race); the caller's
        # transaction rolls back.
        raise ServiceValidationError(
            {"period": _("Det finns redan en uppföljning för den perioden.")}) from None


# --- evaluation -----------------------------------------------------------------------------

def get_evaluation(initiative_id: int) -> Evaluation | None:
    return queries.evaluation_of(initiative_id)


@dataclass(frozen=True)
class EvaluationInput:
    goals_met: str | None = None
    goals_comment: str | None = None
    benefits_realised: str | None = None
    measured_after: str | None = None
    lessons_learned: str | None = None
    evaluated_on: date | None = None       # default today


def validate_evaluation(data: EvaluationInput) -> None:
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), Evaluation.LIMITS, errors)
    if data.goals_met not in GoalsMet.values():
        errors["goals_met"] = _("Ange om målen har uppnåtts.")
    for name, message in (("benefits_realised", _("Beskriv vilka nyttor som har realiserats hittills.")),
                          ("measured_after", _("Ange vad som ska mätas efter avslut och av vem.")),
                          ("lessons_learned", _("Skriv ned lärdomarna – de blir sökbara för andra."))):
        if not (getattr(data, name) or "").strip() and name not in errors:
            errors[name] = message
    if (data.evaluated_on or today()) > today():
        errors["evaluated_on"] = _("Datumet kan inte ligga i framtiden.")
    if errors:
        raise ServiceValidationError(errors)


def save_evaluation(ini, data: EvaluationInput | dict, actor, *, expected_version=None) -> Evaluation:
    data = as_input(EvaluationInput, data)
    _require_edit(ini, actor)
    values = stripped(dataclasses.asdict(data), EVALUATION_FIELDS)
    values["evaluated_on"] = data.evaluated_on or today()
    return EVALUATION.save(get_evaluation(ini.id), actor=actor, expected_version=expected_version,
                           initiative_id=ini.id, validate=lambda: validate_evaluation(data),
                           apply=values, always_bump=True,
                           create=lambda: Evaluation(initiative_id=ini.id))


# --- benefit status -------------------------------------------------------------------------

@dataclass(frozen=True)
class BenefitStatusInput:
    status: str | None = None
    reason: str | None = None


def validate_benefit_status(benefit: Benefit, data: BenefitStatusInput) -> None:
    errors: dict[str, str] = {}
    check_texts({"reason": data.reason}, {"reason": REASON_MAX}, errors)
    if data.status not in BENEFIT_STATUSES:
        errors["status"] = _("Välj status.")
    elif data.status == BenefitStatus.WRITTEN_OFF and not (data.reason or "").strip():
        errors["reason"] = _("Ange varför nyttan skrivs av.")
    elif data.status == benefit.status:
        errors["status"] = _("Nyttan har redan den statusen.")
    if errors:
        raise ServiceValidationError(errors)


def set_benefit_status(ini, benefit: Benefit, status: str | BenefitStatusInput,
                       reason: str | None = None, actor=None) -> Benefit:
    """Verify a benefit, write it off (with a reason), or make it active again. `status` is the
    new status (with `reason`), or a BenefitStatusInput."""
    data = status if isinstance(status, BenefitStatusInput) else BenefitStatusInput(status, reason)
    _require_edit(ini, actor)
    if benefit.initiative_id != ini.id:
        raise PermissionDenied()
    return BENEFIT_STATUS.save(
        benefit, actor=actor, expected_version=benefit.version, initiative_id=ini.id,
        validate=lambda: validate_benefit_status(benefit, data), always_bump=True,
        apply={"status": data.status, "status_reason": (data.reason or "").strip() or None},
        create=lambda: benefit)
