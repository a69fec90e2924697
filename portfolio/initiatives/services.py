"""Verbs on initiatives: create, update, change phase, archive, restore.

Each verb checks permission and rules, writes the change log and commits, or raises without
having changed anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import Snapshot, now, record_changes
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.initiatives.models import FundingLine, Initiative, StaffingLine
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea
from portfolio.text_rules import check_texts, check_version
from portfolio.transactions import atomic
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "initiative"
TEXT_LIMITS = {"title": 200, "description": 10000, "need_owner": 200, "project_lead": 200,
               "benefit_owner": 200}


@dataclass
class FundingInput:
    year: int | None
    source_id: int | None
    amount: Decimal | None
    row: int = 0


@dataclass
class StaffingInput:
    year: int | None
    fte: Decimal | None
    row: int = 0


@dataclass
class InitiativeInput:
    title: str
    owning_unit_id: int
    primary_area_id: int
    description: str = ""
    participating_unit_ids: list[int] = field(default_factory=list)
    secondary_area_ids: list[int] = field(default_factory=list)
    principle_ids: list[int] = field(default_factory=list)
    phase: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    need_owner: str | None = None
    project_lead: str | None = None
    benefit_owner: str | None = None
    funding: list[FundingInput] = field(default_factory=list)
    staffing: list[StaffingInput] = field(default_factory=list)
    ref: str | None = None
    is_demo: bool = False
    demo_note: str | None = None


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",") + " kr"


def snapshot(ini: Initiative) -> Snapshot:
    """What a reader sees of an initiative, as text per field, for the change log."""
    def names(rows):
        return ", ".join(r.code for r in rows) or None

    return {
        "title": ini.title,
        "description": ini.description or None,
        "owning_unit": ini.owning_unit.code if ini.owning_unit else None,
        "participating_units": names(ini.participating_units),
        "primary_area": ini.primary_area.name if ini.primary_area else None,
        "secondary_areas": ", ".join(a.name for a in ini.secondary_areas) or None,
        "principles": ", ".join(p.name for p in ini.principles) or None,
        "phase": ini.phase,
        "start_date": ini.start_date.isoformat() if ini.start_date else None,
        "end_date": ini.end_date.isoformat() if ini.end_date else None,
        "need_owner": ini.need_owner,
        "project_lead": ini.project_lead,
        "benefit_owner": ini.benefit_owner,
        "funding": "; ".join(f"{f.year} {f.source.name}: {_money(f.amount)}"
                             for f in sorted(ini.funding, key=lambda f: (f.year, f.source.sort_order))) or None,
        "staffing": "; ".join(f"{s.year}: {format(s.fte.normalize(), 'f').replace('.', ',')}"
                              for s in sorted(ini.staffing, key=lambda s: s.year)) or None,
        "archived": _("ja") if ini.archived else None,
    }


def _rows_by_id(model, ids, key: str, errors: dict) -> list:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    rows = {r.id: r for r in db.session.scalars(
        db.select(model).where(model.id.in_(ids), model.active.is_(True)))}
    if len(rows) != len(ids):
        errors[key] = _("Ett av de valda alternativen finns inte.")
    return [rows[i] for i in ids if i in rows]


def _validate(data: InitiativeInput, *, office: bool, creating: bool) -> dict:
    """Check every rule; return the resolved rows, or raise with all problems at once."""
    errors: dict[str, str] = {}
    check_texts({name: getattr(data, name) for name in TEXT_LIMITS}, TEXT_LIMITS, errors)
    if not (data.title or "").strip():
        errors["title"] = _("Ange en titel.")
    unit = db.session.get(OrgUnit, data.owning_unit_id) if data.owning_unit_id else None
    if unit is None or not unit.active:
        errors["owning_unit"] = _("Välj ägande enhet.")
    area = db.session.get(PriorityArea, data.primary_area_id) if data.primary_area_id else None
    if area is None or not area.active:
        errors["primary_area"] = _("Välj ett prioriterat område.")
    if data.primary_area_id in data.secondary_area_ids:
        errors["secondary_areas"] = _("Det primära området kan inte också vara sekundärt.")
    resolved = {
        "unit": unit, "area": area,
        "participants": _rows_by_id(OrgUnit, data.participating_unit_ids, "participating_units", errors),
        "secondary": _rows_by_id(PriorityArea, data.secondary_area_ids, "secondary_areas", errors),
        "principles": _rows_by_id(Principle, data.principle_ids, "principles", errors),
    }
    if data.owning_unit_id in data.participating_unit_ids:
        errors["participating_units"] = _("Den ägande enheten räknas inte som deltagande enhet.")
    if creating:
        allowed = P.MAIN_FLOW if office else (P.IDE, P.BEHOVSANALYS)
        if data.phase not in allowed:
            errors["phase"] = _("Ett nytt initiativ börjar som idé eller i behovsanalys.")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = _("Slutdatum kan inte vara före startdatum.")
    resolved["funding"] = _validate_funding(data.funding, errors)
    resolved["staffing"] = _validate_staffing(data.staffing, errors)
    if errors:
        raise ServiceValidationError(errors)
    return resolved


def _validate_funding(lines: list[FundingInput], errors: dict) -> list[tuple]:
    sources = {s.id: s for s in db.session.scalars(db.select(FundingSource))}
    seen, out = set(), []
    for line in lines:
        key = f"funding-{line.row}"
        if line.year is None:
            errors[f"{key}-year"] = _("Ange år.")
        source = sources.get(line.source_id)
        if source is None or not source.active:
            errors[f"{key}-source"] = _("Välj finansieringskälla.")
        if line.amount is None:
            errors[f"{key}-amount"] = _("Ange belopp.")
        elif line.amount < 0:
            errors[f"{key}-amount"] = _("Beloppet kan inte vara negativt.")
        if line.year is not None and source is not None:
            if (line.year, source.id) in seen:
                errors[f"{key}-year"] = _("Samma år och källa finns redan på en annan rad.")
            seen.add((line.year, source.id))
            out.append((line.year, source, line.amount))
    return out


def _validate_staffing(lines: list[StaffingInput], errors: dict) -> list[tuple]:
    seen, out = set(), []
    for line in lines:
        key = f"staffing-{line.row}"
        if line.year is None:
            errors[f"{key}-year"] = _("Ange år.")
        if line.fte is None:
            errors[f"{key}-fte"] = _("Ange antal årsarbetare.")
        elif line.fte < 0:
            errors[f"{key}-fte"] = _("Antalet kan inte vara negativt.")
        if line.year is not None:
            if line.year in seen:
                errors[f"{key}-year"] = _("Året finns redan på en annan rad.")
            seen.add(line.year)
            out.append((line.year, line.fte))
    return out


def _apply(ini: Initiative, data: InitiativeInput, resolved: dict) -> None:
    ini.title = data.title.strip()
    ini.description = data.description or ""
    ini.owning_unit = resolved["unit"]
    ini.primary_area = resolved["area"]
    ini.participating_units = resolved["participants"]
    ini.secondary_areas = resolved["secondary"]
    ini.principles = resolved["principles"]
    ini.start_date, ini.end_date = data.start_date, data.end_date
    ini.need_owner, ini.project_lead, ini.benefit_owner = (
        data.need_owner, data.project_lead, data.benefit_owner)
    existing = {(f.year, f.source_id): f for f in ini.funding}
    wanted = []
    for year, source, amount in resolved["funding"]:
        line = existing.get((year, source.id)) or FundingLine(year=year, source=source)
        line.amount = amount
        wanted.append(line)
    ini.funding = wanted
    existing_staff = {s.year: s for s in ini.staffing}
    staff = []
    for year, fte in resolved["staffing"]:
        line = existing_staff.get(year) or StaffingLine(year=year)
        line.fte = fte
        staff.append(line)
    ini.staffing = staff


@atomic
def create_initiative(data: InitiativeInput, actor) -> Initiative:
    if not permissions.can_create_initiative(actor):
        raise PermissionDenied()
    resolved = _validate(data, office=actor.is_office, creating=True)
    if not permissions.can_create_for(actor, data.owning_unit_id, data.primary_area_id):
        raise ServiceValidationError({"owning_unit": _(
            "Du kan bara registrera initiativ för dina egna enheter eller områden.")})
    moment = now()
    ini = Initiative(ref=data.ref or f"tmp-{moment.timestamp()}", phase=data.phase,
                     created_at=moment, updated_at=moment, created_by_id=actor.id,
                     is_demo=data.is_demo, demo_note=data.demo_note, version=1)
    _apply(ini, data, resolved)
    db.session.add(ini)
    db.session.flush()
    if not data.ref:
        ini.ref = f"DIG-{ini.id:04d}"
    record_changes(entity_type=ENTITY, entity_id=ini.id, action="create", before={},
                   after=snapshot(ini) | {"ref": ini.ref}, user_id=actor.id, at=moment)
    db.session.commit()
    return ini


@atomic
def update_initiative(ini: Initiative, data: InitiativeInput, actor, *, expected_version) -> Initiative:
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    check_version(ini.version, expected_version)
    resolved = _validate(data, office=actor.is_office, creating=False)
    if not actor.is_office and not permissions.can_create_for(
            actor, data.owning_unit_id, data.primary_area_id):
        raise ServiceValidationError({"owning_unit": _(
            "Du kan inte flytta initiativet utanför dina egna enheter eller områden.")})
    before = snapshot(ini)
    _apply(ini, data, resolved)
    db.session.flush()
    after = snapshot(ini)
    if after != before:
        ini.version += 1
        ini.updated_at = now()
        record_changes(entity_type=ENTITY, entity_id=ini.id, action="update", before=before,
                       after=after, user_id=actor.id, at=ini.updated_at)
    db.session.commit()
    return ini


class GateRefused(ServiceValidationError):
    """The target phase's gate is not passed; `missing` lists the requirement codes."""

    def __init__(self, missing: list[str], message: str):
        self.missing = missing
        super().__init__({"phase": message})


def _gate_applies(current: str, target: str) -> bool:
    """Gates guard moves forward along the main flow (and resuming from pausad)."""
    if target not in P.MAIN_FLOW:
        return False
    return current not in P.MAIN_FLOW or P.MAIN_FLOW.index(target) > P.MAIN_FLOW.index(current)


@atomic
def change_phase(ini: Initiative, target: str, actor, *, expected_version,
                 reason: str | None = None, override: bool = False) -> Initiative:
    """Move an initiative to another phase through the programme's gates. The portfolio office
    may pass a gate that is not met, with a written reason that lands in the history."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    check_version(ini.version, expected_version)
    check = P.check_transition(ini.phase, target, office=actor.is_office)
    if not check.allowed:
        messages = {
            "same": _("Initiativet är redan i den fasen."),
            "unknown": _("Okänd fas."),
            "skip": _("Initiativet kan bara gå en fas framåt i taget (projektkontoret kan göra undantag)."),
            "closed": _("Ett avslutat, avslaget eller avbrutet initiativ kan bara återöppnas av projektkontoret."),
        }
        raise ServiceValidationError({"phase": messages[check.reason]})
    errors: dict[str, str] = {}
    check_texts({"reason": reason}, {"reason": 2000}, errors)
    if errors:
        raise ServiceValidationError(errors)
    reason = (reason or "").strip() or None
    if override and not actor.is_office:
        raise PermissionDenied()
    log_reason = reason
    verdict = gate_verdict(ini, target)
    if verdict is not None:
        if not verdict.passes:
            if not override:
                raise GateRefused(list(verdict.missing), _(
                    "Underlaget räcker inte för fasen. Det som saknas är listat nedan."))
            if not reason:
                raise ServiceValidationError({"reason": _(
                    "Ett undantag från fasgrinden kräver en skriftlig motivering.")})
            from portfolio.decision_basis.labels import REQUIREMENT_LABELS

            missing_text = "; ".join(str(REQUIREMENT_LABELS[c]) for c in verdict.missing)
            log_reason = _("Undantag från fasgrinden (saknas: %(missing)s). Motivering: %(reason)s",
                           missing=missing_text, reason=reason)
    apply_phase(ini, target, actor, log_reason)
    db.session.commit()
    return ini


def gate_verdict(ini: Initiative, target: str):
    """The phase gate's verdict for moving `ini` to `target` (None when no gate applies)."""
    from portfolio.decision_basis.queries import requirement_status
    from portfolio.domain.completeness import check_gate
    from portfolio.programme.services import current_programme

    if not _gate_applies(ini.phase, target):
        return None
    return check_gate(target, current_programme().gates, requirement_status(ini.id))


def apply_phase(ini: Initiative, target: str, actor, reason: str | None) -> None:
    """Set the phase and log it; the caller has checked the rules and owns the commit."""
    before = {"phase": ini.phase}
    ini.phase = target
    ini.version += 1
    ini.updated_at = now()
    record_changes(entity_type=ENTITY, entity_id=ini.id, action="phase", before=before,
                   after={"phase": target}, user_id=actor.id, reason=reason, at=ini.updated_at)


@atomic
def set_archived(ini: Initiative, archived: bool, actor, *, expected_version,
                 reason: str | None = None) -> Initiative:
    """Archive (hide from the register, keep everything) or restore an initiative."""
    allowed = permissions.can_edit_initiative(actor, ini) if archived else actor.is_office
    if not allowed:
        raise PermissionDenied()
    check_version(ini.version, expected_version)
    if ini.archived == archived:
        raise ServiceValidationError({"reason": _("Initiativet är redan arkiverat.") if archived
                                      else _("Initiativet är inte arkiverat.")})
    if archived and not (reason or "").strip():
        raise ServiceValidationError({"reason": _("Ange varför initiativet arkiveras.")})
    before = snapshot(ini)
    ini.archived = archived
    ini.version += 1
    ini.updated_at = now()
    record_changes(entity_type=ENTITY, entity_id=ini.id, action="archive" if archived else "restore",
                   before=before, after=snapshot(ini), user_id=actor.id,
                   reason=(reason or "").strip() or None, at=ini.updated_at)
    db.session.commit()
    return ini
