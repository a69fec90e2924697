"""Build test data through the real services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portfolio.extensions import db
from portfolio.initiatives import services
from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea

# A needs analysis with every field "klar" asks for (inclusion answered no).
COMPLETE_NEEDS = {"problem": "p", "target_groups": "t", "needs_capture": "n", "involvement_who": "w",
                  "involvement_how": "h", "involvement_when": date(2025, 1, 15),
                  "inclusion_considered": False, "current_state": "c",
                  "desired_state": "d", "alternatives": "a", "infosec_class": "lag", "dpia_needed": "nej"}


def ref_id(model, code: str) -> int:
    return db.session.scalar(db.select(model.id).where(model.code == code))


def unit_id(code: str) -> int:
    return ref_id(OrgUnit, code)


def area_id(code: str) -> int:
    return ref_id(PriorityArea, code)


def source_id(code: str) -> int:
    return ref_id(FundingSource, code)


def initiative_input(**overrides) -> services.InitiativeInput:
    data = dict(title="Digital ansökan om bygglov", owning_unit_id=unit_id("SBF"),
                primary_area_id=area_id("service"), phase="ide",
                funding=[services.FundingInput(2025, source_id("centrala-medel"), Decimal("450000"))])
    for key in ("owning_unit", "primary_area"):
        if key in overrides:
            code = overrides.pop(key)
            data[f"{key}_id"] = unit_id(code) if key == "owning_unit" else area_id(code)
    if "participating_units" in overrides:
        data["participating_unit_ids"] = [unit_id(c) for c in overrides.pop("participating_units")]
    if "secondary_areas" in overrides:
        data["secondary_area_ids"] = [area_id(c) for c in overrides.pop("secondary_areas")]
    data.update(overrides)
    return services.InitiativeInput(**data)


def make_initiative(actor, **overrides):
    """An initiative as registered by `actor`; in a phase past behovsanalys it is registered as
    existing work (as the import does), which only the project office may do."""
    data = initiative_input(**overrides)
    return services.create_initiative(data, actor, any_phase=data.phase not in ("ide", "behovsanalys"))
