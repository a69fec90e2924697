"""Register committee plans (a decided plan replaces the current one), goals, goal follow-ups,
and the links between initiatives and plan goals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.clock import today
from portfolio.domain.plan_status import next_revision
from portfolio.extensions import db
from portfolio.followups.models import STATUSES as TRAFFIC
from portfolio.plans.models import PLAN_STATUSES, CommitteePlan, GoalFollowUp, PlanGoal
from portfolio.programme.models import OrgUnit, PriorityArea
from portfolio.text_rules import check_texts, check_version
from portfolio.validation import PermissionDenied, ServiceValidationError

PLAN_FIELDS = ("status", "title", "period_start", "period_end", "started_on", "decided_on",
               "decided_by", "diarienummer", "document_url", "revision_month", "next_revision",
               "replaced_on", "note")
GOAL_FIELDS = ("text", "area_id", "indicator", "baseline", "target", "target_date",
               "interim_followup_on", "annual_followup_on")


def _require_office(actor) -> None:
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()


def check_plan(values: dict) -> None:
    """Every rule of a plan at once (writes nothing); raises ServiceValidationError."""
    if errors := _validate_plan(values):
        raise ServiceValidationError(errors)


def _validate_plan(values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    check_texts(values, {"title": 300, "decided_by": 200, "diarienummer": 60,
                         "document_url": 500, "note": 5000}, errors)
    if not (values.get("title") or "").strip():
        errors["title"] = _("Ange planens titel.")
    status = values.get("status")
    if status not in PLAN_STATUSES or status == "ersatt":
        errors["status"] = _("Välj status (en plan blir ersatt när en ny plan beslutas).")
    if values.get("decided_on") and status != "beslutad":
        errors["decided_on"] = _("Beslutsdatum kan bara anges när planen är beslutad.")
    if values.get("decided_on") and values["decided_on"] > today():
        errors["decided_on"] = _("Beslutsdatum kan inte ligga i framtiden.")
    start, end = values.get("period_start"), values.get("period_end")
    if start is not None and end is not None and end < start:
        errors["period_end"] = _("Periodens slut kan inte vara före dess början.")
    month = values.get("revision_month")
    if month is not None and not 1 <= month <= 12:
        errors["revision_month"] = _("Ange en månad 1–12.")
    url = values.get("document_url")
    if url and not url.startswith(("https://", "http://")):
        errors["document_url"] = _("Länken ska börja med https://")
    return errors


def save_plan(committee: OrgUnit, values: dict, actor, *, plan: CommitteePlan | None = None,
              expected_version=None) -> CommitteePlan:
    _require_office(actor)
    if committee.kind == "forvaltning":
        raise ServiceValidationError({"committee": _("Planer registreras för nämnder, inte förvaltningar.")})
    if plan is not None:
        check_version(plan.version, expected_version, ("plan", plan.id))
        if plan.status == "ersatt":
            raise ServiceValidationError({"status": _("En ersatt plan är historik och kan inte ändras. "
                                                      "Registrera en ny plan i stället.")})
    errors = _validate_plan(values)
    if errors:
        raise ServiceValidationError(errors)
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    if values.get("revision_month") and not values.get("next_revision"):
        values["next_revision"] = next_revision(values["revision_month"],
                                                values.get("decided_on") or today())
    moment = now()
    before = fields_snapshot(plan, PLAN_FIELDS)
    if plan is None:
        plan = CommitteePlan(committee_id=committee.id, version=0, created_at=moment,
                             is_demo=bool(values.pop("is_demo", False)))
        db.session.add(plan)
    for name in PLAN_FIELDS:
        if name != "replaced_on":
            setattr(plan, name, values.get(name))
    plan.version += 1
    plan.updated_at = moment
    db.session.flush()
    if plan.status == "beslutad":
        _replace_older(plan, actor)
    record_changes(entity_type="plan", entity_id=plan.id, action="update" if before["title"] else "create",
                   before=before, after=fields_snapshot(plan, PLAN_FIELDS), user_id=actor.id, at=moment)
    db.session.flush()
    return plan


def _replace_older(plan: CommitteePlan, actor) -> None:
    """The committee's earlier decided plan becomes 'ersatt' from the new plan's decision. Drafts
    are left as they are: a decided plan outranks them in every view."""
    replaced_on = plan.decided_on or today()
    for other in db.session.scalars(db.select(CommitteePlan).where(
            CommitteePlan.committee_id == plan.committee_id, CommitteePlan.id != plan.id,
            CommitteePlan.status == "beslutad")):
        if other.decided_on and other.decided_on > replaced_on:
            continue  # a later plan is not replaced by an earlier one
        before = fields_snapshot(other, PLAN_FIELDS)
        other.status, other.replaced_on = "ersatt", replaced_on
        other.version += 1
        record_changes(entity_type="plan", entity_id=other.id, action="update", before=before,
                       after=fields_snapshot(other, PLAN_FIELDS), user_id=actor.id,
                       reason=_("Ersatt av en ny plan."))


def save_goal(plan: CommitteePlan, values: dict, actor, *, goal: PlanGoal | None = None) -> PlanGoal:
    _require_office(actor)
    if goal is not None and goal.plan_id != plan.id:
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts(values, {"text": 5000, "indicator": 300}, errors)
    if not (values.get("text") or "").strip():
        errors["text"] = _("Skriv målet.")
    area_id = values.get("area_id")
    if area_id is not None and db.session.get(PriorityArea, area_id) is None:
        errors["area_id"] = _("Välj ett prioriterat område.")
    for name in ("interim_followup_on", "annual_followup_on", "target_date"):
        if values.get(name) is not None and not isinstance(values[name], date):
            errors[name] = _("Ange ett datum.")
    if errors:
        raise ServiceValidationError(errors)
    before = fields_snapshot(goal, GOAL_FIELDS)
    if goal is None:
        goal = PlanGoal(plan_id=plan.id, version=0)
        db.session.add(goal)
    for name in GOAL_FIELDS:
        value = values.get(name)
        setattr(goal, name, (value.strip() or None) if isinstance(value, str) else value)
    goal.version += 1
    db.session.flush()
    record_changes(entity_type="plan_goal", entity_id=goal.id, action="update" if before["text"] else "create",
                   before=before, after=fields_snapshot(goal, GOAL_FIELDS), user_id=actor.id)
    db.session.flush()
    return goal


def add_goal_followup(goal: PlanGoal, values: dict, actor) -> GoalFollowUp:
    _require_office(actor)
    errors: dict[str, str] = {}
    check_texts(values, {"comment": 5000}, errors)
    followed_on = values.get("followed_on")
    if not isinstance(followed_on, date):
        errors["followed_on"] = _("Ange datum.")
    elif followed_on > today():
        errors["followed_on"] = _("Datumet kan inte ligga i framtiden.")
    if values.get("status") not in TRAFFIC:
        errors["status"] = _("Välj status.")
    value = values.get("value")
    if value is not None and (not isinstance(value, Decimal) or abs(value) >= Decimal(10) ** 11
                              or value.as_tuple().exponent < -4):
        errors["value"] = _("Ange ett tal med högst fyra decimaler.")
    if errors:
        raise ServiceValidationError(errors)
    row = GoalFollowUp(goal_id=goal.id, followed_on=followed_on, value=value,
                       status=values["status"], comment=(values.get("comment") or "").strip() or None,
                       created_at=now())
    db.session.add(row)
    db.session.flush()
    record_changes(entity_type="goal_follow_up", entity_id=row.id, action="create", before={},
                   after=fields_snapshot(row, ("followed_on", "value", "status", "comment")),
                   user_id=actor.id)
    db.session.flush()
    return row


def _goal_labels(ini) -> str | None:
    return "; ".join(f"{g.plan.committee.code}: {g.text[:80]}" for g in
                     sorted(ini.plan_goals, key=lambda g: g.id)) or None


def set_goal_link(ini, goal: PlanGoal, linked: bool, actor) -> None:
    """Link an initiative to a plan goal it serves (or remove the link); logged on the
    initiative."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    if linked and goal.plan.status not in ("beslutad", "under_arbete"):
        raise ServiceValidationError({"goal": _("Målet hör till en plan som är ersatt eller saknas; "
                                                "koppla till ett mål i en gällande plan.")})
    before = {"plan_goals": _goal_labels(ini)}
    if linked and goal not in ini.plan_goals:
        ini.plan_goals.append(goal)
    elif not linked and goal in ini.plan_goals:
        ini.plan_goals.remove(goal)
    else:
        raise ServiceValidationError({"goal": _("Initiativet är redan kopplat till målet.") if linked
                                      else _("Initiativet är inte kopplat till målet.")})
    ini.version += 1
    ini.updated_at = now()
    record_changes(entity_type="initiative", entity_id=ini.id, action="update", before=before,
                   after={"plan_goals": _goal_labels(ini)}, user_id=actor.id)
    db.session.flush()
