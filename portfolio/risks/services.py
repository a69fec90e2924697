"""Add and update risks; record "no significant risks identified" with a reason."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.extensions import db
from portfolio.programme.services import current_programme
from portfolio.risks.models import KINDS, STATUSES, Risk, RiskAssessment
from portfolio.text_rules import check_texts, check_version
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "risk"
FIELDS = ("title", "kind", "category", "cause", "event", "consequence_text", "probability",
          "consequence", "mitigation", "owner", "due_date", "residual_probability",
          "residual_consequence", "status", "review_date")
TEXT_LIMITS = {"title": 200, "cause": 5000, "event": 5000, "consequence_text": 5000,
               "mitigation": 5000, "owner": 200}


def validate_risk(values: dict) -> None:
    """Every rule of a risk at once (writes nothing); raises ServiceValidationError."""
    errors: dict[str, str] = {}
    check_texts(values, TEXT_LIMITS, errors)
    if not (values.get("title") or "").strip():
        errors["title"] = _("Ange en kort rubrik för risken.")
    if values.get("kind") not in KINDS:
        errors["kind"] = _("Välj risk eller möjlighet.")
    if values.get("category") not in {c.code for c in current_programme().risk_categories}:
        errors["category"] = _("Välj en kategori.")
    for name in ("probability", "consequence"):
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors[name] = _("Ange ett heltal 1–5.")
    for name in ("residual_probability", "residual_consequence"):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or not 1 <= value <= 5):
            errors[name] = _("Ange ett heltal 1–5, eller lämna tomt.")
    if (values.get("residual_probability") is None) != (values.get("residual_consequence") is None):
        errors["residual_consequence"] = _("Ange både sannolikhet och konsekvens efter åtgärd, eller ingen av dem.")
    if values.get("status") not in STATUSES:
        errors["status"] = _("Välj status.")
    for name in ("due_date", "review_date"):
        if values.get(name) is not None and not isinstance(values[name], date):
            errors[name] = _("Ange ett datum.")
    if errors:
        raise ServiceValidationError(errors)


def save_risk(ini, values: dict, actor, *, risk: Risk | None = None,
              expected_version=None) -> Risk:
    """Create a risk (risk=None) or update one of this initiative's risks."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    if risk is not None:
        if risk.initiative_id != ini.id:
            raise PermissionDenied()
        check_version(risk.version, expected_version, (ENTITY, risk.id))
    validate_risk(values)
    before = fields_snapshot(risk, FIELDS)
    moment = now()
    if risk is None:
        risk = Risk(initiative_id=ini.id, version=0, created_at=moment)
        db.session.add(risk)
    for name in FIELDS:
        value = values.get(name)
        setattr(risk, name, value.strip() or None if isinstance(value, str) else value)
    after = fields_snapshot(risk, FIELDS)
    if after != before:
        risk.version += 1
        risk.updated_at = moment
        db.session.flush()
        record_changes(entity_type=ENTITY, entity_id=risk.id, initiative_id=ini.id,
                       action="update" if before["title"] else "create", before=before,
                       after=after, user_id=actor.id, at=moment)
    db.session.flush()
    return risk


def get_assessment(initiative_id: int) -> RiskAssessment | None:
    return db.session.scalar(db.select(RiskAssessment).where(
        RiskAssessment.initiative_id == initiative_id))


def set_no_significant_risks(ini, no_risks: bool, reason: str | None, actor) -> RiskAssessment:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    check_texts({"reason": reason}, {"reason": 5000}, errors)
    if no_risks and not (reason or "").strip():
        errors["reason"] = _("Motivera varför inga väsentliga risker finns.")
    if errors:
        raise ServiceValidationError(errors)
    assessment = get_assessment(ini.id)
    fields = ("no_significant_risks", "reason")
    before = fields_snapshot(assessment, fields)
    if assessment is None:
        assessment = RiskAssessment(initiative_id=ini.id)
        db.session.add(assessment)
    assessment.no_significant_risks = no_risks
    assessment.reason = (reason or "").strip() or None if no_risks else None
    assessment.assessed_at = now()
    db.session.flush()
    record_changes(entity_type="risk_assessment", entity_id=assessment.id, initiative_id=ini.id,
                   action="update", before=before, after=fields_snapshot(assessment, fields),
                   user_id=actor.id, at=assessment.assessed_at)
    db.session.flush()
    return assessment
