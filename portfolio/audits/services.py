"""Audits, recommendations (with addressed committees) and the committees' responses."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from portfolio.audits.models import RESPONSE_STATUSES, Audit, Recommendation, RecommendationResponse, ResponseAction
from portfolio.auth import permissions
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit
from portfolio.text_rules import check_texts, check_version
from portfolio.transactions import atomic
from portfolio.validation import PermissionDenied, ServiceValidationError

AUDIT_FIELDS = ("title", "auditor", "report_date", "diarienummer", "letter_date",
                "answer_deadline", "assessment")
RESPONSE_FIELDS = ("answer_paragraph", "answer_diarienummer", "answer_date", "answer_summary",
                   "status", "status_reason", "evidence")


def _clean(values: dict) -> dict:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}


@atomic
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
    if errors:
        raise ServiceValidationError(errors)
    values = _clean(values)
    before = fields_snapshot(audit, AUDIT_FIELDS)
    moment = now()
    if audit is None:
        audit = Audit(version=0, created_at=moment, is_demo=bool(values.get("is_demo")))
        db.session.add(audit)
    for name in AUDIT_FIELDS:
        setattr(audit, name, values.get(name))
    audit.version += 1
    audit.updated_at = moment
    db.session.flush()
    record_changes(entity_type="audit", entity_id=audit.id, action="update" if before["title"] else "create",
                   before=before, after=fields_snapshot(audit, AUDIT_FIELDS), user_id=actor.id, at=moment)
    db.session.commit()
    return audit


@atomic
def add_recommendation(audit: Audit, values: dict, actor) -> Recommendation:
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts(values, {"text": 5000, "code": 20}, errors)
    if not (values.get("text") or "").strip():
        errors["text"] = _("Skriv rekommendationen.")
    ids = list(dict.fromkeys(values.get("committee_ids") or []))
    committees = list(db.session.scalars(db.select(OrgUnit).where(
        OrgUnit.id.in_(ids), OrgUnit.kind != "forvaltning"))) if ids else []
    if not ids:
        errors["committee_ids"] = _("Välj minst en nämnd som rekommendationen riktas till.")
    elif len(committees) != len(ids):
        errors["committee_ids"] = _("En av de valda nämnderna finns inte.")
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
    db.session.commit()
    return rec


def _require_answer(response: RecommendationResponse, actor) -> None:
    if not permissions.can_answer_for(actor, response.committee_id):
        raise PermissionDenied()


@atomic
def update_response(response: RecommendationResponse, values: dict, actor, *,
                    expected_version=None) -> RecommendationResponse:
    """The addressed committee's answer, status and evidence."""
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
    if values.get("answer_date") and values["answer_date"] > date.today():
        errors["answer_date"] = _("Datumet kan inte ligga i framtiden.")
    if errors:
        raise ServiceValidationError(errors)
    values = _clean(values)
    before = fields_snapshot(response, RESPONSE_FIELDS)
    for name in RESPONSE_FIELDS:
        setattr(response, name, values.get(name))
    response.version += 1
    response.updated_at = now()
    record_changes(entity_type="recommendation_response", entity_id=response.id, action="update",
                   before=before, after=fields_snapshot(response, RESPONSE_FIELDS), user_id=actor.id)
    db.session.commit()
    return response


@atomic
def save_action(response: RecommendationResponse, values: dict, actor, *,
                action: ResponseAction | None = None) -> ResponseAction:
    _require_answer(response, actor)
    if action is not None and action.response_id != response.id:
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts(values, {"text": 5000, "owner": 200}, errors)
    if not (values.get("text") or "").strip():
        errors["text"] = _("Beskriv åtgärden.")
    if errors:
        raise ServiceValidationError(errors)
    values = _clean(values)
    fields = ("text", "owner", "due_date", "done")
    before = fields_snapshot(action, fields)
    if action is None:
        action = ResponseAction(response_id=response.id, created_at=now())
        db.session.add(action)
    for name in fields:
        setattr(action, name, bool(values.get(name)) if name == "done" else values.get(name))
    db.session.flush()
    record_changes(entity_type="response_action", entity_id=action.id,
                   action="update" if before["text"] else "create", before=before,
                   after=fields_snapshot(action, fields), user_id=actor.id)
    db.session.commit()
    return action


@atomic
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
    db.session.commit()
    return rec
