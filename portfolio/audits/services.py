"""Audits, recommendations (with addressed committees) and the committees' responses."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.audits.models import (
    RESPONSE_STATUSES,
    Audit,
    AuditQuestion,
    Recommendation,
    RecommendationResponse,
    ResponseAction,
    ResponseStatusChange,
)
from portfolio.auth import permissions
from portfolio.changelog.services import as_text, fields_snapshot, now, record_changes
from portfolio.clock import today
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit
from portfolio.text_rules import check_texts, check_version
from portfolio.validation import PermissionDenied, ServiceValidationError

AUDIT_FIELDS = ("title", "auditor", "audit_year", "report_date", "diarienummer", "letter_date",
                "answer_deadline", "assessment")
RESPONSE_FIELDS = ("answer_paragraph", "answer_diarienummer", "answer_date", "answer_summary",
                   "status", "status_reason", "evidence", "answer_deadline")
# Fields a caller may leave out to keep them as they are (older API clients do not send them).
KEPT_WHEN_ABSENT = ("answer_deadline",)
YEARS = (1990, 2100)


def _committees(ids, errors: dict[str, str], key: str = "committee_ids") -> list[OrgUnit]:
    """The committees (styrelse, nämnder; never a förvaltning) with these ids, in order."""
    ids = list(dict.fromkeys(ids or []))
    found = list(db.session.scalars(db.select(OrgUnit).where(
        OrgUnit.id.in_(ids), OrgUnit.kind != "forvaltning").order_by(OrgUnit.sort_order))) if ids else []
    if len(found) != len(ids):
        errors[key] = _("En av de valda nämnderna finns inte.")
    return found


def _codes(units) -> str | None:
    return ", ".join(u.code for u in units) or None


def _clean(values: dict) -> dict:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}


def save_audit(values: dict, actor, *, audit: Audit | None = None, expected_version=None) -> Audit:
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()
    if audit is not None:
        check_version(audit.version, expected_version, ("audit", audit.id))
    errors: dict[str, str] = {}
    check_texts(values, {"title": 300, "auditor": 200, "diarienummer": 60, "assessment": 10000},
                errors)
    if not (values.get("title") or "").strip():
        errors["title"] = _("Ange granskningens titel.")
    report, letter, deadline = (values.get(k) for k in ("report_date", "letter_date", "answer_deadline"))
    if report and letter and letter < report:
        errors["letter_date"] = _("Missivet kan inte vara daterat före rapporten.")
    if deadline and (letter or report) and deadline < (letter or report):
        errors["answer_deadline"] = _("Svarsdatum kan inte vara före missivet.")
    year = values.get("audit_year")
    if year is not None and not (isinstance(year, int) and YEARS[0] <= year <= YEARS[1]):
        errors["audit_year"] = _("Ange ett år mellan %(min)s och %(max)s.", min=YEARS[0], max=YEARS[1])
    scope = _committees(values.get("committee_ids"), errors) if "committee_ids" in values else None
    if errors:
        raise ServiceValidationError(errors)
    values = _clean(values)
    before = fields_snapshot(audit, AUDIT_FIELDS) | {"committees": _codes(audit.committees) if audit else None}
    moment = now()
    if audit is None:
        audit = Audit(version=0, created_at=moment, is_demo=bool(values.get("is_demo")))
        db.session.add(audit)
    for name in AUDIT_FIELDS:
        setattr(audit, name, values.get(name))
    if scope is not None:
        audit.committees = scope
    audit.version += 1
    audit.updated_at = moment
    db.session.flush()
    record_changes(entity_type="audit", entity_id=audit.id, action="update" if before["title"] else "create",
                   before=before, after=fields_snapshot(audit, AUDIT_FIELDS) | {
                       "committees": _codes(audit.committees)}, user_id=actor.id, at=moment)
    db.session.flush()
    return audit


def save_question(audit: Audit, values: dict, actor) -> AuditQuestion:
    """Add the audit's question with this number, or correct its label and wording."""
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts(values, {"label": 200, "wording": 5000}, errors)
    number = values.get("number")
    if not (isinstance(number, int) and 1 <= number <= 50):
        errors["number"] = _("Ange frågans nummer (1–50).")
    for name, message in (("label", _("Ange en kort rubrik för frågan.")),
                          ("wording", _("Skriv frågan som granskningen formulerar den."))):
        if not (values.get(name) or "").strip():
            errors.setdefault(name, message)
    if errors:
        raise ServiceValidationError(errors)
    question = next((q for q in audit.questions if q.number == number), None)
    fields = ("number", "label", "wording")
    before = fields_snapshot(question, fields)
    if question is None:
        question = AuditQuestion(audit_id=audit.id, number=number)
        audit.questions.append(question)
    question.label, question.wording = values["label"].strip(), values["wording"].strip()
    db.session.flush()
    record_changes(entity_type="audit_question", entity_id=question.id,
                   action="update" if before["label"] else "create", before=before,
                   after=fields_snapshot(question, fields), user_id=actor.id)
    db.session.flush()
    return question


def add_recommendation(audit: Audit, values: dict, actor) -> Recommendation:
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts(values, {"text": 5000, "code": 20}, errors)
    if not (values.get("text") or "").strip():
        errors["text"] = _("Skriv rekommendationen.")
    committees = _committees(values.get("committee_ids"), errors)
    if not values.get("committee_ids"):
        errors["committee_ids"] = _("Välj minst en nämnd som rekommendationen riktas till.")
    if errors:
        raise ServiceValidationError(errors)
    moment = now()
    rec = Recommendation(audit_id=audit.id, code=(values.get("code") or "").strip() or None,
                         text=values["text"].strip(), created_at=moment, version=1)
    db.session.add(rec)
    db.session.flush()
    for committee in committees:
        db.session.add(RecommendationResponse(recommendation_id=rec.id, committee_id=committee.id,
                                              status="ej_paborjad", updated_at=moment))
    record_changes(entity_type="recommendation", entity_id=rec.id, action="create", before={},
                   after={"text": rec.text, "committees": ", ".join(c.code for c in committees)},
                   user_id=actor.id, at=moment)
    db.session.flush()
    return rec


def _require_answer(response: RecommendationResponse, actor) -> None:
    if not permissions.can_answer_for(actor, response.committee_id):
        raise PermissionDenied()


def _still_demo(obj, before: dict, after: dict, keep=()) -> str | None:
    """The object's demo markers without the fields whose value was just saved by someone."""
    names = {n for n in obj.demo if n in keep or before.get(n) == after.get(n)}
    return ",".join(sorted(names)) or None


def update_response(response: RecommendationResponse, values: dict, actor, *,
                    expected_version=None) -> RecommendationResponse:
    """The addressed committee's answer, status and evidence. A new status holds from
    `status_date` (default today); the history keeps the earlier ones for past years' reports.
    Only the project office changes a committee's own answer deadline."""
    _require_answer(response, actor)
    check_version(response.version, expected_version, ("recommendation_response", response.id))
    errors: dict[str, str] = {}
    check_texts(values, {"answer_paragraph": 30, "answer_diarienummer": 60,
                         "answer_summary": 10000, "status_reason": 5000, "evidence": 5000}, errors)
    status = values.get("status")
    if status not in RESPONSE_STATUSES:
        errors["status"] = _("Välj status.")
    elif status == "ej_aktuell" and not (values.get("status_reason") or "").strip():
        errors["status_reason"] = _("Motivera varför rekommendationen inte är aktuell.")
    elif status == "genomford" and not (values.get("evidence") or "").strip():
        errors["evidence"] = _("Ange underlag (länk eller text) som visar att den är genomförd.")
    day = today()
    if values.get("answer_date") and values["answer_date"] > day:
        errors["answer_date"] = _("Datumet kan inte ligga i framtiden.")
    since = values.get("status_date") or day
    latest = response.history[-1] if response.history else None
    # A history row for every change, and for a first status someone dates explicitly.
    new_row = status != response.status or bool(values.get("status_date") and latest is None)
    if new_row and since > day:
        errors["status_date"] = _("Datumet kan inte ligga i framtiden.")
    elif new_row and latest and since < latest.valid_from:
        errors["status_date"] = _("Statusen ändrades senast %(date)s; en ny status kan inte gälla från ett "
                                  "tidigare datum.", date=latest.valid_from.isoformat())
    if "answer_deadline" in values and values["answer_deadline"] != response.answer_deadline:
        audit = response.recommendation.audit
        if not permissions.can_manage_plans(actor):
            errors["answer_deadline"] = _("Bara projektkontoret kan ändra nämndens svarstid.")
        elif values["answer_deadline"] and audit.letter_date and values["answer_deadline"] < audit.letter_date:
            errors["answer_deadline"] = _("Svarstiden kan inte sluta före missivet.")
    if errors:
        raise ServiceValidationError(errors)
    values = _clean(values)
    before = fields_snapshot(response, RESPONSE_FIELDS)
    for name in RESPONSE_FIELDS:
        if name in KEPT_WHEN_ABSENT and name not in values:
            continue
        setattr(response, name, values.get(name))
    moment = now()
    if new_row:
        db.session.add(ResponseStatusChange(response_id=response.id, status=response.status, valid_from=since,
                                            is_demo=bool(values.get("status_is_demo")), recorded_at=moment,
                                            user_id=actor.id))
    after = fields_snapshot(response, RESPONSE_FIELDS)
    response.demo_fields = (",".join(sorted(values["demo_fields"])) or None if "demo_fields" in values
                            else _still_demo(response, before, after))
    response.version += 1
    response.updated_at = moment
    changes = after | ({"status_date": as_text(since)} if new_row else {})
    record_changes(entity_type="recommendation_response", entity_id=response.id, action="update",
                   before=before, after=changes, user_id=actor.id, at=moment)
    db.session.flush()
    return response


def save_action(response: RecommendationResponse, values: dict, actor, *,
                action: ResponseAction | None = None) -> ResponseAction:
    """An action the committee plans. Marked done, it records the day (`done_on`, default
    today), so a past year counts it as done only from then."""
    _require_answer(response, actor)
    if action is not None and action.response_id != response.id:
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts(values, {"text": 5000, "owner": 200}, errors)
    if not (values.get("text") or "").strip():
        errors["text"] = _("Beskriv åtgärden.")
    done = bool(values.get("done"))
    done_on = (values.get("done_on") or (action.done_on if action is not None and action.done else None)
               or today()) if done else None
    if done_on and done_on > today():
        errors["done_on"] = _("Datumet kan inte ligga i framtiden.")
    if errors:
        raise ServiceValidationError(errors)
    values = _clean(values)
    fields = ("text", "owner", "due_date", "done", "done_on")
    before = fields_snapshot(action, fields)
    if action is None:
        action = ResponseAction(response_id=response.id, created_at=now())
        db.session.add(action)
    for name in ("text", "owner", "due_date"):
        setattr(action, name, values.get(name))
    action.done, action.done_on = done, done_on
    after = fields_snapshot(action, fields)
    action.demo_fields = (",".join(sorted(values["demo_fields"])) or None if "demo_fields" in values
                          else _still_demo(action, before, after))
    db.session.flush()
    record_changes(entity_type="response_action", entity_id=action.id,
                   action="update" if before["text"] else "create", before=before,
                   after=after, user_id=actor.id)
    db.session.flush()
    return action


def update_recommendation(rec: Recommendation, values: dict, actor, *, expected_version) -> Recommendation:
    """Correct a recommendation's number and text, and add committees it is addressed to
    (existing answers are never removed)."""
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()
    check_version(rec.version, expected_version, ("recommendation", rec.id))
    errors: dict[str, str] = {}
    check_texts(values, {"text": 5000, "code": 20}, errors)
    if not (values.get("text") or "").strip():
        errors["text"] = _("Skriv rekommendationen.")
    existing = {r.committee_id for r in rec.responses}
    wanted = set(values.get("committee_ids") or [])
    if existing - wanted:
        errors["committee_ids"] = _("En nämnd som redan har ett svar kan inte tas bort från rekommendationen.")
    new = list(db.session.scalars(db.select(OrgUnit).where(
        OrgUnit.id.in_(wanted - existing), OrgUnit.kind != "forvaltning"))) if wanted - existing else []
    if len(new) != len(wanted - existing):
        errors["committee_ids"] = _("En av de valda nämnderna finns inte.")
    if errors:
        raise ServiceValidationError(errors)
    before = {"code": rec.code, "text": rec.text,
              "committees": ", ".join(sorted(r.committee.code for r in rec.responses))}
    rec.code = (values.get("code") or "").strip() or None
    rec.text = values["text"].strip()
    rec.version += 1
    moment = now()
    for committee in new:
        db.session.add(RecommendationResponse(recommendation_id=rec.id, committee_id=committee.id,
                                              status="ej_paborjad", updated_at=moment))
    db.session.flush()
    db.session.refresh(rec)
    record_changes(entity_type="recommendation", entity_id=rec.id, action="update", before=before,
                   after={"code": rec.code, "text": rec.text,
                          "committees": ", ".join(sorted(r.committee.code for r in rec.responses))},
                   user_id=actor.id, at=moment)
    db.session.flush()
    return rec
