"""Add and update risks; record "no significant risks identified" with a reason.

Each verb takes a typed input (`RiskInput`), validates it with every problem at once
(`validate_risk`), then applies it through the one versioned save; the caller's `transaction()`
commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.changelog.versioned import Versioned, stripped
from portfolio.extensions import db
from portfolio.inputs import FromValues
from portfolio.programme.services import current_programme
from portfolio.risks.models import SCALE_MAX, SCALE_MIN, Risk, RiskAssessment, RiskKind, RiskStatus
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "risk"
FIELDS = ("title", "kind", "category", "cause", "event", "consequence_text", "probability",
          "consequence", "mitigation", "owner", "due_date", "residual_probability",
          "residual_consequence", "status", "review_date")
TEXT_LIMITS = Risk.LIMITS          # alias for older imports
RISK_SAVE = Versioned(ENTITY, FIELDS, created_when_empty="title")
ASSESSMENT_FIELDS = ("no_significant_risks", "reason")


@dataclass(frozen=True)
class RiskInput(FromValues):
    """What a risk is saved from (the form's `to_input()`, the API's loaded body)."""

    title: str | None = None
    kind: str | None = None
    category: str | None = None
    cause: str | None = None
    event: str | None = None
    consequence_text: str | None = None
    probability: int | None = None
    consequence: int | None = None
    mitigation: str | None = None
    owner: str | None = None
    due_date: date | None = None
    residual_probability: int | None = None
    residual_consequence: int | None = None
    status: str | None = None
    review_date: date | None = None


    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}


def _on_scale(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SCALE_MIN <= value <= SCALE_MAX


def validate_risk(data: RiskInput | Mapping) -> None:
    """Every rule of a risk at once (writes nothing); raises ServiceValidationError."""
    data = RiskInput.of(data)
    values = data.as_dict()
    errors: dict[str, str] = {}
    check_texts(values, Risk.LIMITS, errors)
    if not (data.title or "").strip():
        errors["title"] = _("Ange en kort rubrik för risken.")
    if data.kind not in RiskKind.values():
        errors["kind"] = _("Välj risk eller möjlighet.")
    if data.category not in {c.code for c in current_programme().risk_categories}:
        errors["category"] = _("Välj en kategori.")
    for name in ("probability", "consequence"):
        if not _on_scale(values[name]):
            errors[name] = _("Ange ett heltal 1–5.")
    for name in ("residual_probability", "residual_consequence"):
        value = values[name]
        if value is not None and (not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX):
            errors[name] = _("Ange ett heltal 1–5, eller lämna tomt.")
    if (data.residual_probability is None) != (data.residual_consequence is None):
        errors["residual_consequence"] = _("Ange både sannolikhet och konsekvens efter åtgärd, eller ingen av dem.")
    if data.status not in RiskStatus.values():
        errors["status"] = _("Välj status.")
    for name in ("due_date", "review_date"):
        if values[name] is not None and not isinstance(values[name], date):
            errors[name] = _("Ange ett datum.")
    if errors:
        raise ServiceValidationError(errors)


def save_risk(ini, data: RiskInput | Mapping, actor, *, risk: Risk | None = None,
              expected_version=None) -> Risk:
    """Create a risk (risk=None) or update one of this initiative's risks."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    if risk is not None and risk.initiative_id != ini.id:
        raise PermissionDenied()
    data = RiskInput.of(data)
    moment = now()
    return RISK_SAVE.save(
        risk, actor=actor, expected_version=expected_version, initiative_id=ini.id, at=moment,
        create=lambda: Risk(initiative_id=ini.id, created_at=moment),
        validate=lambda: validate_risk(data), apply=stripped(data.as_dict(), FIELDS))


def get_assessment(initiative_id: int) -> RiskAssessment | None:
    return db.session.scalar(db.select(RiskAssessment).where(
        RiskAssessment.initiative_id == initiative_id))


def validate_no_risks(no_risks: bool, reason: str | None) -> None:
    errors: dict[str, str] = {}
    check_texts({"reason": reason}, RiskAssessment.LIMITS, errors)
    if no_risks and not (reason or "").strip():
        errors["reason"] = _("Motivera varför inga väsentliga risker finns.")
    if errors:
        raise ServiceValidationError(errors)


def set_no_significant_risks(ini, no_risks: bool, reason: str | None, actor) -> RiskAssessment:
    """The statement is not versioned: each save is logged as an assessment made now."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    validate_no_risks(no_risks, reason)
    assessment = get_assessment(ini.id)
    before = fields_snapshot(assessment, ASSESSMENT_FIELDS)
    if assessment is None:
        assessment = RiskAssessment(initiative_id=ini.id)
        db.session.add(assessment)
    assessment.no_significant_risks = no_risks
    assessment.reason = (reason or "").strip() or None if no_risks else None
    assessment.assessed_at = now()
    db.session.flush()
    record_changes(entity_type="risk_assessment", entity_id=assessment.id, initiative_id=ini.id,
                   action="update", before=before, after=fields_snapshot(assessment, ASSESSMENT_FIELDS),
                   user_id=actor.id, at=assessment.assessed_at)
    return assessment
