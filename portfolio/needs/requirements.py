"""What a needs analysis must contain before it can be marked complete ("klar").

One definition serves the service's validation (services._validate) and the checklist on the
needs analysis page (server-rendered, then kept current by static/js/needs-checklist.js), so the
two cannot drift apart. Pure: no database, no request; labels are lazy translations."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

REQUIRED = _l("Krävs för att markera behovsanalysen som klar.")

DONE = "done"
MISSING = "missing"
NOT_NEEDED = "not_needed"


def is_filled(value) -> bool:
    """Answered: text with more than blanks, a date, a choice, or a yes/no (False counts)."""
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


@dataclass(frozen=True)
class Requirement:
    field: str                      # the value (and form field) that must be filled
    label: object                   # lazy text for the checklist
    message: object = REQUIRED      # lazy text by the field when it is missing
    only_if_yes: str | None = None  # applies only when this yes/no field is answered yes

    def applies(self, values: dict) -> bool:
        return self.only_if_yes is None or bool(values.get(self.only_if_yes))

    def state(self, values: dict) -> str:
        if not self.applies(values):
            return NOT_NEEDED
        return DONE if is_filled(values.get(self.field)) else MISSING


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("problem", _l("Problemet eller behovet är beskrivet")),
    Requirement("target_groups", _l("Målgrupperna är beskrivna")),
    Requirement("needs_capture", _l("Det framgår hur behoven har fångats")),
    Requirement("involvement_who", _l("Det framgår vilka som har involverats tidigt")),
    Requirement("involvement_how", _l("Det framgår hur de har involverats")),
    Requirement("involvement_when", _l("Det framgår när de involverades")),
    Requirement("inclusion_considered", _l("Frågan om digital inkludering är besvarad"),
                message=_l("Ange om digital inkludering har beaktats.")),
    Requirement("inclusion_how", _l("Om digital inkludering har beaktats: hur det har gjorts"),
                message=_l("Beskriv hur digital inkludering har beaktats."),
                only_if_yes="inclusion_considered"),
    Requirement("current_state", _l("Nuläget är beskrivet")),
    Requirement("desired_state", _l("Önskat läge är beskrivet")),
    Requirement("alternatives", _l("Alternativ som har övervägts är beskrivna")),
    Requirement("infosec_class", _l("Informationssäkerhetsklass är vald")),
    Requirement("dpia_needed", _l("Behovet av konsekvensbedömning (DPIA) är besvarat")),
)

REQUIRED_FIELDS = tuple(r.field for r in REQUIREMENTS)


def missing(values: dict) -> dict[str, str]:
    """field → message for every requirement the values do not meet."""
    return {r.field: str(r.message) for r in REQUIREMENTS if r.state(values) == MISSING}


@dataclass(frozen=True)
class ChecklistItem:
    requirement: Requirement
    state: str

    @property
    def done(self) -> bool:
        return self.state != MISSING


@dataclass(frozen=True)
class Checklist:
    """"done of total": only the requirements that apply count (one that does not is shown as
    not needed, e.g. how digital inclusion was considered when it was not)."""
    items: tuple[ChecklistItem, ...]

    @property
    def total(self) -> int:
        return sum(1 for item in self.items if item.state != NOT_NEEDED)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.state == DONE)

    @property
    def complete(self) -> bool:
        return self.done == self.total


def checklist(values: dict) -> Checklist:
    """Every requirement with its state for these values (as the service would judge them)."""
    return Checklist(tuple(ChecklistItem(r, r.state(values)) for r in REQUIREMENTS))
