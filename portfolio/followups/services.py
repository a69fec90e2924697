"""Log measurements, period follow-ups and evaluations; verify or write off benefits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portfolio.auth import permissions
from portfolio.benefits.models import BENEFIT_STATUSES, Benefit
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.clock import today
from portfolio.domain import schedule
from portfolio.extensions import db
from portfolio.followups.models import GOALS_MET, STATUSES, Evaluation, FollowUp, Measurement
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts, check_version
from portfolio.validation import PermissionDenied, ServiceValidationError

MEASUREMENT_FIELDS = ("measured_on", "value", "realised_amount", "comment")
FOLLOWUP_FIELDS = ("year", "period", "status", "comment", "progress", "cost_to_date",
                   "achievements", "next_steps")
EVALUATION_FIELDS = ("goals_met", "goals_comment", "benefits_realised", "measured_after",
                     "lessons_learned", "evaluated_on")
VALUE_LIMIT = Decimal(10) ** 12


def _require_edit(ini, actor) -> None:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()


def log_measurement(ini, benefit: Benefit, values: dict, actor) -> Measurement:
    _require_edit(ini, actor)
    if benefit.initiative_id != ini.id:
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts(values, {"comment": 5000}, errors)
    measured_on, value = values.get("measured_on"), values.get("value")
    if not isinstance(measured_on, date):
        errors["measured_on"] = _("Ange mätdatum.")
    elif measured_on > today():
        errors["measured_on"] = _("Mätdatum kan inte ligga i framtiden.")
    if not isinstance(value, Decimal):
        errors["value"] = _("Ange uppmätt värde som ett tal.")
    elif abs(value) >= VALUE_LIMIT:
        errors["value"] = _("Värdet är orimligt stort.")
    amount = values.get("realised_amount")
    if amount is not None and not Decimal(0) <= amount < VALUE_LIMIT:
        errors["realised_amount"] = _("Beloppet ska vara 0 eller mer.")
    if benefit.status != "aktiv":
        errors["value"] = _("Nyttan är redan verifierad eller avskriven; den mäts inte längre.")
    if errors:
        raise ServiceValidationError(errors)
    moment = now()
    row = Measurement(benefit_id=benefit.id, measured_on=measured_on, value=value,
                      realised_amount=amount, comment=(values.get("comment") or "").strip() or None,
                      user_id=actor.id, created_at=moment)
    db.session.add(row)
    db.session.flush()
    record_changes(entity_type="measurement", entity_id=row.id, initiative_id=ini.id,
                   action="create", before={}, after=fields_snapshot(row, MEASUREMENT_FIELDS)
                   | {"benefit": benefit.title}, user_id=actor.id, at=moment)
    db.session.flush()
    return row


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
    done = {(year, code) for year, code in db.session.execute(
        db.select(FollowUp.year, FollowUp.period).where(FollowUp.initiative_id == initiative_id))}
    return first_open_period(done, definitions, schedule.current_period(on, definitions))


def save_followup(ini, values: dict, actor, *, followup: FollowUp | None = None,
                  expected_version=None) -> FollowUp:
    """Create the follow-up of a period, or update it (one per initiative and period)."""
    _require_edit(ini, actor)
    if followup is not None:
        if followup.initiative_id != ini.id:
            raise PermissionDenied()
        check_version(followup.version, expected_version, ("follow_up", followup.id))
    errors: dict[str, str] = {}
    check_texts(values, {"comment": 5000, "achievements": 5000, "next_steps": 5000}, errors)
    year, period = values.get("year"), values.get("period")
    if not isinstance(year, int) or not 2000 <= year <= today().year + 1:
        errors["year"] = _("Ange ett år mellan 2000 och %(max)d.", max=today().year + 1)
    if period not in period_codes():
        errors["period"] = _("Välj period.")
    if values.get("status") not in STATUSES:
        errors["status"] = _("Välj status.")
    elif values["status"] != "gron" and not (values.get("comment") or "").strip():
        errors["comment"] = _("Förklara varför statusen inte är grön.")
    progress = values.get("progress")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = _("Ange hur långt arbetet har kommit, 0–100 %.")
    cost = values.get("cost_to_date")
    if cost is not None and not Decimal(0) <= cost < VALUE_LIMIT:
        errors["cost_to_date"] = _("Kostnaden ska vara 0 eller mer.")
    if not errors:
        clash = db.session.scalar(db.select(FollowUp.id).where(
            FollowUp.initiative_id == ini.id, FollowUp.year == year, FollowUp.period == period,
            FollowUp.id != (followup.id if followup else -1)))
        if clash:
            errors["period"] = _("Det finns redan en uppföljning för den perioden. Öppna den och "
                                 "ändra i stället.")
    if errors:
        raise ServiceValidationError(errors)
    before = fields_snapshot(followup, FOLLOWUP_FIELDS)
    moment = now()
    if followup is None:
        followup = FollowUp(initiative_id=ini.id, version=0, created_at=moment)
        db.session.add(followup)
    for name in FOLLOWUP_FIELDS:
        value = values.get(name)
        setattr(followup, name, (value.strip() or None) if isinstance(value, str) else value)
    followup.version += 1
    followup.updated_at, followup.user_id = moment, actor.id
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent save of the same period
        db.session.rollback()
        raise ServiceValidationError({"period": _("Det finns redan en uppföljning för den perioden.")}) from None
    record_changes(entity_type="follow_up", entity_id=followup.id, initiative_id=ini.id,
                   action="update" if before["period"] else "create", before=before,
                   after=fields_snapshot(followup, FOLLOWUP_FIELDS), user_id=actor.id, at=moment)
    db.session.flush()
    return followup


def get_evaluation(initiative_id: int) -> Evaluation | None:
    return db.session.scalar(db.select(Evaluation).where(Evaluation.initiative_id == initiative_id))


def save_evaluation(ini, values: dict, actor, *, expected_version=None) -> Evaluation:
    _require_edit(ini, actor)
    evaluation = get_evaluation(ini.id)
    if evaluation is not None:
        check_version(evaluation.version, expected_version, ("evaluation", evaluation.id))
    errors: dict[str, str] = {}
    check_texts(values, dict.fromkeys(EVALUATION_FIELDS[1:5], 10000), errors)
    if values.get("goals_met") not in GOALS_MET:
        errors["goals_met"] = _("Ange om målen har uppnåtts.")
    for name, message in (("benefits_realised", _("Beskriv vilka nyttor som har realiserats hittills.")),
                          ("measured_after", _("Ange vad som ska mätas efter avslut och av vem.")),
                          ("lessons_learned", _("Skriv ned lärdomarna – de blir sökbara för andra."))):
        if not (values.get(name) or "").strip() and name not in errors:
            errors[name] = message
    evaluated_on = values.get("evaluated_on") or today()
    if evaluated_on > today():
        errors["evaluated_on"] = _("Datumet kan inte ligga i framtiden.")
    if errors:
        raise ServiceValidationError(errors)
    before = fields_snapshot(evaluation, EVALUATION_FIELDS)
    if evaluation is None:
        evaluation = Evaluation(initiative_id=ini.id, version=0)
        db.session.add(evaluation)
    for name in EVALUATION_FIELDS[:-1]:
        value = values.get(name)
        setattr(evaluation, name, (value.strip() or None) if isinstance(value, str) else value)
    evaluation.evaluated_on = evaluated_on
    evaluation.version += 1
    evaluation.updated_at = now()
    db.session.flush()
    record_changes(entity_type="evaluation", entity_id=evaluation.id, initiative_id=ini.id,
                   action="update" if before["goals_met"] else "create", before=before,
                   after=fields_snapshot(evaluation, EVALUATION_FIELDS), user_id=actor.id)
    db.session.flush()
    return evaluation


def set_benefit_status(ini, benefit: Benefit, status: str, reason: str | None, actor) -> Benefit:
    """Verify a benefit, write it off (with a reason), or make it active again."""
    _require_edit(ini, actor)
    if benefit.initiative_id != ini.id:
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts({"reason": reason}, {"reason": 5000}, errors)
    if status not in BENEFIT_STATUSES:
        errors["status"] = _("Välj status.")
    elif status == "avskriven" and not (reason or "").strip():
        errors["reason"] = _("Ange varför nyttan skrivs av.")
    elif status == benefit.status:
        errors["status"] = _("Nyttan har redan den statusen.")
    if errors:
        raise ServiceValidationError(errors)
    before = fields_snapshot(benefit, ("status", "status_reason"))
    benefit.status, benefit.status_reason = status, (reason or "").strip() or None
    benefit.version += 1
    benefit.updated_at = now()
    record_changes(entity_type="benefit", entity_id=benefit.id, initiative_id=ini.id,
                   action="update", before=before,
                   after=fields_snapshot(benefit, ("status", "status_reason")), user_id=actor.id)
    db.session.flush()
    return benefit
