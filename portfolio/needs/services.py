"""Save the needs analysis as a draft or mark it complete (then required fields are enforced)."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.extensions import db
from portfolio.needs import requirements
from portfolio.needs.models import COMPLETE, DRAFT, NeedsAnalysis
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts, check_version
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "needs_analysis"
TEXT_FIELDS = ("problem", "target_groups", "needs_capture", "involvement_who", "involvement_how",
               "inclusion_how", "current_state", "desired_state", "alternatives", "architecture",
               "tech_debt")
FIELDS = (*TEXT_FIELDS, "involvement_when", "inclusion_considered", "infosec_class",
          "personal_data", "dpia_needed", "status")
DPIA_CHOICES = ("ja", "nej", "utreds")
REQUIRED_WHEN_COMPLETE = requirements.REQUIRED_FIELDS   # the rules: needs.requirements
TEXT_MAX = 10000


def get(initiative_id: int) -> NeedsAnalysis | None:
    return db.session.scalar(db.select(NeedsAnalysis).where(
        NeedsAnalysis.initiative_id == initiative_id))


def _validate(values: dict, complete: bool) -> None:
    errors: dict[str, str] = {}
    check_texts(values, dict.fromkeys(TEXT_FIELDS, TEXT_MAX), errors)
    infosec_codes = {c.code for c in current_programme().infosec_classes}
    if values.get("infosec_class") and values["infosec_class"] not in infosec_codes:
        errors["infosec_class"] = _("Välj en av informationssäkerhetsklasserna.")
    if values.get("dpia_needed") and values["dpia_needed"] not in DPIA_CHOICES:
        errors["dpia_needed"] = _("Välj ja, nej eller utreds.")
    if complete:   # the same definition drives the checklist on the page
        for name, message in requirements.missing(values).items():
            errors.setdefault(name, message)
    if errors:
        raise ServiceValidationError(errors)


def save(ini, values: dict, actor, *, complete: bool, expected_version) -> NeedsAnalysis:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    analysis = get(ini.id)
    if analysis is not None:
        check_version(analysis.version, expected_version, (ENTITY, analysis.id))
    _validate(values, complete)
    before = fields_snapshot(analysis, FIELDS)
    moment = now()
    if analysis is None:
        analysis = NeedsAnalysis(initiative_id=ini.id, version=0)
        db.session.add(analysis)
    for name in FIELDS[:-1]:
        value = values.get(name)
        setattr(analysis, name, None if value == "" else value)
    analysis.status = COMPLETE if complete else DRAFT
    analysis.completed_at = moment if complete else None
    after = fields_snapshot(analysis, FIELDS)
    if after != before:
        analysis.version += 1
        analysis.updated_at = moment
        db.session.flush()
        record_changes(entity_type=ENTITY, entity_id=analysis.id, initiative_id=ini.id,
                       action="update" if before["status"] else "create", before=before,
                       after=after, user_id=actor.id, at=moment)
    db.session.flush()
    return analysis
