"""Save the needs analysis as a draft or mark it complete (then required fields are enforced).

`save` takes a typed `NeedsInput` (the form's `to_input()`, the API's loaded body), validates it
with every problem at once (`validate_needs`) and applies it through the one versioned save; the
caller's `transaction()` commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import now
from portfolio.changelog.versioned import Versioned
from portfolio.extensions import db
from portfolio.inputs import FromValues
from portfolio.needs import requirements
from portfolio.needs.models import COMPLETE, DPIA_CHOICES, DRAFT, TEXT_FIELDS, NeedsAnalysis  # noqa: F401
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "needs_analysis"
VALUE_FIELDS = (*TEXT_FIELDS, "involvement_when", "inclusion_considered", "infosec_class",
                "personal_data", "dpia_needed")
FIELDS = (*VALUE_FIELDS, "status")
REQUIRED_WHEN_COMPLETE = requirements.REQUIRED_FIELDS   # the rules: needs.requirements
TEXT_MAX = NeedsAnalysis.LIMITS["problem"]              # alias for older imports
NEEDS_SAVE = Versioned(ENTITY, FIELDS, created_when_empty="status")


@dataclass(frozen=True)
class NeedsInput(FromValues):
    """What a needs analysis is saved from; every answer may be missing in a draft."""

    problem: str | None = None
    target_groups: str | None = None
    needs_capture: str | None = None
    involvement_who: str | None = None
    involvement_how: str | None = None
    inclusion_how: str | None = None
    current_state: str | None = None
    desired_state: str | None = None
    alternatives: str | None = None
    architecture: str | None = None
    tech_debt: str | None = None
    involvement_when: date | None = None
    inclusion_considered: bool | None = None
    infosec_class: str | None = None
    personal_data: bool | None = None
    dpia_needed: str | None = None


    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in VALUE_FIELDS}


def get(initiative_id: int) -> NeedsAnalysis | None:
    return db.session.scalar(db.select(NeedsAnalysis).where(
        NeedsAnalysis.initiative_id == initiative_id))


def validate_needs(data: NeedsInput | Mapping, complete: bool) -> None:
    """Every rule at once (writes nothing); marking complete also needs the required answers."""
    values = NeedsInput.of(data).as_dict()
    errors: dict[str, str] = {}
    check_texts(values, {name: NeedsAnalysis.LIMITS[name] for name in TEXT_FIELDS}, errors)
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


def save(ini, data: NeedsInput | Mapping, actor, *, complete: bool, expected_version) -> NeedsAnalysis:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    data = NeedsInput.of(data)
    moment = now()

    def apply(analysis: NeedsAnalysis) -> None:
        for name, value in data.as_dict().items():
            setattr(analysis, name, None if value == "" else value)
        analysis.status = COMPLETE if complete else DRAFT
        analysis.completed_at = moment if complete else None

    return NEEDS_SAVE.save(
        get(ini.id), actor=actor, expected_version=expected_version, initiative_id=ini.id,
        at=moment, create=lambda: NeedsAnalysis(initiative_id=ini.id),
        validate=lambda: validate_needs(data, complete), apply=apply)
