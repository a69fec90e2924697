"""Register committee plans (a decided plan replaces the current one), goals, goal follow-ups,
and the links between initiatives and plan goals."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.changelog.versioned import Versioned, stripped
from portfolio.clock import today
from portfolio.domain.plan_status import next_revision
from portfolio.extensions import db
from portfolio.followups.models import FollowUpStatus
from portfolio.inputs import as_input
from portfolio.numbers import decimal_places
from portfolio.plans import queries
from portfolio.plans.models import CURRENT_PLAN_STATUSES, CommitteePlan, GoalFollowUp, PlanGoal, PlanStatus
from portfolio.programme.models import OrgUnit, PriorityArea
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

PLAN_FIELDS = ("status", "title", "period_start", "period_end", "started_on", "decided_on",
               "decided_by", "diarienummer", "document_url", "revision_month", "next_revision",
               "replaced_on", "note")
GOAL_FIELDS = ("text", "area_id", "indicator", "baseline", "target", "target_date",
               "interim_followup_on", "annual_followup_on")
GOAL_FOLLOWUP_FIELDS = ("followed_on", "value", "status", "comment")

PLAN = Versioned("plan", PLAN_FIELDS, created_when_empty="title")
GOAL = Versioned("plan_goal", GOAL_FIELDS, created_when_empty="text")


def _require_office(actor) -> None:
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()


# --- plans ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanInput:
    title: str | None = None
    status: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    started_on: date | None = None
    decided_on: date | None = None
    decided_by: str | None = None
    diarienummer: str | None = None
    document_url: str | None = None
    revision_month: int | None = None
    next_revision: date | None = None
    note: str | None = None
    is_demo: bool = False          # a new plan of the demo data


def check_plan(data: PlanInput | dict) -> None:
    """Every rule of a plan at once (writes nothing); raises ServiceValidationError."""
    if errors := _plan_errors(as_input(PlanInput, data)):
        raise ServiceValidationError(errors)


def validate_plan(data: PlanInput, plan: CommitteePlan | None = None) -> None:
    if plan is not None and plan.status == PlanStatus.ERSATT:
        raise ServiceValidationError({"status": _("En ersatt plan är historik och kan inte ändras. "
                                                  "Registrera en ny plan i stället.")})
    check_plan(data)


def _plan_errors(data: PlanInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), CommitteePlan.LIMITS, errors)
    if not (data.title or "").strip():
        errors["title"] = _("Ange planens titel.")
    status = data.status
    if status not in PlanStatus.values() or status == PlanStatus.ERSATT:
        errors["status"] = _("Välj status (en plan blir ersatt när en ny plan beslutas).")
    if data.decided_on and status != PlanStatus.BESLUTAD:
        errors["decided_on"] = _("Beslutsdatum kan bara anges när planen är beslutad.")
    if data.decided_on and data.decided_on > today():
        errors["decided_on"] = _("Beslutsdatum kan inte ligga i framtiden.")
    start, end = data.period_start, data.period_end
    if start is not None and end is not None and end < start:
        errors["period_end"] = _("Periodens slut kan inte vara före dess början.")
    month = data.revision_month
    if month is not None and not 1 <= month <= 12:
        errors["revision_month"] = _("Ange en månad 1–12.")
    url = data.document_url
    if url and not url.startswith(("https://", "http://")):
        errors["document_url"] = _("Länken ska börja med https://")
    return errors


def _plan_values(data: PlanInput) -> dict:
    values = stripped(dataclasses.asdict(data), [n for n in PLAN_FIELDS if n != "replaced_on"])
    if values["revision_month"] and not values["next_revision"]:
        values["next_revision"] = next_revision(values["revision_month"], values["decided_on"] or today())
    return values


def save_plan(committee: OrgUnit, data: PlanInput | dict, actor, *, plan: CommitteePlan | None = None,
              expected_version=None) -> CommitteePlan:
    """Register a committee's plan or change it; a decided plan replaces the committee's earlier
    decided one. Every save is an event (the version goes up)."""
    data = as_input(PlanInput, data)
    _require_office(actor)
    if committee.kind == "forvaltning":
        raise ServiceValidationError({"committee": _("Planer registreras för nämnder, inte förvaltningar.")})
    moment = now()
    return PLAN.save(
        plan, actor=actor, expected_version=expected_version, at=moment, always_bump=True,
        validate=lambda: validate_plan(data, plan),
        create=lambda: CommitteePlan(committee_id=committee.id, created_at=moment, is_demo=bool(data.is_demo)),
        apply=lambda row: _apply_plan(row, _plan_values(data)),
        after_flush=lambda row: _replace_older(row, actor) if row.status == PlanStatus.BESLUTAD else None)


def _apply_plan(plan: CommitteePlan, values: dict) -> None:
    for name, value in values.items():
        setattr(plan, name, value)


def _replace_older(plan: CommitteePlan, actor) -> None:
    """The committee's earlier decided plan becomes 'ersatt' from the new plan's decision. Drafts
    are left as they are: a decided plan outranks them in every view."""
    replaced_on = plan.decided_on or today()
    for other in queries.decided_plans(plan.committee_id, but=plan.id):
        if other.decided_on and other.decided_on > replaced_on:
            continue  # a later plan is not replaced by an earlier one
        PLAN.save(other, actor=actor, expected_version=other.version, create=CommitteePlan,
                  apply={"status": PlanStatus.ERSATT.value, "replaced_on": replaced_on},
                  reason=_("Ersatt av en ny plan."))


# --- goals and their follow-ups -------------------------------------------------------------

@dataclass(frozen=True)
class GoalInput:
    text: str | None = None
    area_id: int | None = None
    indicator: str | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    target_date: date | None = None
    interim_followup_on: date | None = None
    annual_followup_on: date | None = None


def validate_goal(data: GoalInput) -> None:
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), PlanGoal.LIMITS, errors)
    if not (data.text or "").strip():
        errors["text"] = _("Skriv målet.")
    if data.area_id is not None and db.session.get(PriorityArea, data.area_id) is None:
        errors["area_id"] = _("Välj ett prioriterat område.")
    for name in ("interim_followup_on", "annual_followup_on", "target_date"):
        if getattr(data, name) is not None and not isinstance(getattr(data, name), date):
            errors[name] = _("Ange ett datum.")
    if errors:
        raise ServiceValidationError(errors)


def save_goal(plan: CommitteePlan, data: GoalInput | dict, actor, *, goal: PlanGoal | None = None,
              expected_version=None) -> PlanGoal:
    data = as_input(GoalInput, data)
    _require_office(actor)
    if goal is not None and goal.plan_id != plan.id:
        raise PermissionDenied()
    if goal is not None and expected_version is None:
        expected_version = goal.version        # the web form does not send one
    return GOAL.save(goal, actor=actor, always_bump=True, expected_version=expected_version,
                     validate=lambda: validate_goal(data), create=lambda: PlanGoal(plan_id=plan.id),
                     apply=stripped(dataclasses.asdict(data), GOAL_FIELDS))


@dataclass(frozen=True)
class GoalFollowUpInput:
    followed_on: date | None = None
    value: Decimal | None = None
    status: str | None = None
    comment: str | None = None


def validate_goal_followup(data: GoalFollowUpInput) -> None:
    errors: dict[str, str] = {}
    check_texts({"comment": data.comment}, GoalFollowUp.LIMITS, errors)
    if not isinstance(data.followed_on, date):
        errors["followed_on"] = _("Ange datum.")
    elif data.followed_on > today():
        errors["followed_on"] = _("Datumet kan inte ligga i framtiden.")
    if data.status not in FollowUpStatus.values():
        errors["status"] = _("Välj status.")
    value = data.value
    if value is not None and (not isinstance(value, Decimal) or abs(value) >= Decimal(10) ** 11
                              or decimal_places(value) > 4):
        errors["value"] = _("Ange ett tal med högst fyra decimaler.")
    if errors:
        raise ServiceValidationError(errors)


def add_goal_followup(goal: PlanGoal, data: GoalFollowUpInput | dict, actor) -> GoalFollowUp:
    """A goal follow-up is a fact as recorded: created, never edited (no version)."""
    data = as_input(GoalFollowUpInput, data)
    _require_office(actor)
    validate_goal_followup(data)
    row = GoalFollowUp(goal_id=goal.id, created_at=now(),
                       **stripped(dataclasses.asdict(data), GOAL_FOLLOWUP_FIELDS))
    db.session.add(row)
    db.session.flush()
    record_changes(entity_type="goal_follow_up", entity_id=row.id, action="create", before={},
                   after=fields_snapshot(row, GOAL_FOLLOWUP_FIELDS), user_id=actor.id)
    return row


# --- links between initiatives and goals ----------------------------------------------------

def _goal_labels(ini) -> str | None:
    return "; ".join(f"{g.plan.committee.code}: {g.text[:80]}" for g in
                     sorted(ini.plan_goals, key=lambda g: g.id)) or None


def validate_goal_link(ini, goal: PlanGoal, linked: bool) -> None:
    if linked and goal.plan.status not in CURRENT_PLAN_STATUSES:
        raise ServiceValidationError({"goal": _("Målet hör till en plan som är ersatt eller saknas; "
                                                "koppla till ett mål i en gällande plan.")})
    if linked == (goal in ini.plan_goals):
        raise ServiceValidationError({"goal": _("Initiativet är redan kopplat till målet.") if linked
                                      else _("Initiativet är inte kopplat till målet.")})


# An initiative's links to plan goals, saved as a change of the initiative.
GOAL_LINKS = Versioned("initiative", (), snapshot=lambda ini: {"plan_goals": _goal_labels(ini)})


def set_goal_link(ini, goal: PlanGoal, linked: bool, actor) -> None:
    """Link an initiative to a plan goal it serves (or remove the link); logged on the
    initiative, whose version goes up."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    validate_goal_link(ini, goal, linked)

    def apply(row) -> None:
        (row.plan_goals.append if linked else row.plan_goals.remove)(goal)
    GOAL_LINKS.save(ini, actor=actor, expected_version=ini.version, create=lambda: ini, apply=apply,
                    action="update")
