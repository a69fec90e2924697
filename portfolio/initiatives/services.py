"""Verbs on initiatives: create, update, change phase, archive, restore.

Each verb checks permission and rules (`validate_input` for the typed `InitiativeInput`), then
applies the change, writes the change log and flushes, or raises without having changed
anything. The caller's `transaction()` commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import Snapshot, now
from portfolio.changelog.versioned import Versioned, check_version
from portfolio.domain import completeness
from portfolio.domain import gates as G
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.initiatives import publication
from portfolio.initiatives.basis import readers as basis_readers
from portfolio.initiatives.models import FundingLine, GateOverride, Initiative, StaffingLine
from portfolio.initiatives.snapshots import planned_snapshot, snapshot  # noqa: F401 (planned_snapshot: public)
from portfolio.labels import REQUIREMENT_LABELS, phase_label
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "initiative"
# The one versioned save (changelog.versioned): the whole initiative as the log reads it, and
# its phase alone (a phase change logs only the phase).
INITIATIVE = Versioned(ENTITY, (), snapshot=snapshot)
PHASE = Versioned(ENTITY, ("phase",))
# Derived from the models' LIMITS (kept for the import and the forms that read them from here).
YEAR_MIN, YEAR_MAX = FundingLine.LIMITS["year_min"], FundingLine.LIMITS["year_max"]
MAX_AMOUNT = Decimal(FundingLine.LIMITS["amount_max"])      # kronor per funding line
MAX_FTE = StaffingLine.LIMITS["fte_max"]
REF_MAX = Initiative.LIMITS["ref"]
REF_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._/-]{{0,{REF_MAX - 1}}}")
TEXT_LIMITS = {name: Initiative.LIMITS[name]
               for name in ("title", "description", "need_owner", "project_lead", "benefit_owner")}
SINGLE_LINE = frozenset(TEXT_LIMITS) - {"description"}


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
    owning_unit_id: int | None
    primary_area_id: int | None
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


def _reference(model, row_id):
    """An active reference row by id, from the session's identity map when loaded already (an
    import validates thousands of rows against the same few units and areas)."""
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 < row_id < 2**31:
        return None
    row = db.session.get(model, row_id)
    return row if row is not None and row.active else None


def _rows_by_id(model, ids, key: str, errors: dict) -> list:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    rows = {i: row for i in ids if (row := _reference(model, i)) is not None}
    if len(rows) != len(ids):
        errors[key] = _("Ett av de valda alternativen finns inte.")
    return [rows[i] for i in ids if i in rows]


def _validate(data: InitiativeInput, *, office: bool, creating: bool, any_phase: bool = False) -> dict:
    """Check every rule; return the resolved rows, or raise with all problems at once.
    `any_phase`: the project office may create an initiative directly in any phase (import)."""
    errors: dict[str, str] = {}
    check_texts({name: getattr(data, name) for name in TEXT_LIMITS}, TEXT_LIMITS, errors,
                single_line=SINGLE_LINE)
    if creating and data.ref:
        _validate_ref(data.ref, errors)
    if not (data.title or "").strip():
        errors["title"] = _("Ange en titel.")
    unit = _reference(OrgUnit, data.owning_unit_id)
    if unit is None:
        errors["owning_unit"] = _("Välj ägande enhet.")
    area = _reference(PriorityArea, data.primary_area_id)
    if area is None:
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
    if creating and any_phase and office:
        if data.phase not in P.ALL_PHASES:
            errors["phase"] = _("Okänd fas.")
    elif creating:
        # Later phases are reached through the gates (registering existing work in any phase
        # is the import's, with any_phase).
        if data.phase not in (P.IDE, P.BEHOVSANALYS):
            errors["phase"] = _("Ett nytt initiativ börjar som idé eller i behovsanalys.")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = _("Slutdatum kan inte vara före startdatum.")
    resolved["funding"] = _validate_funding(data.funding, errors)
    resolved["staffing"] = _validate_staffing(data.staffing, errors)
    if errors:
        raise ServiceValidationError(errors)
    return resolved


def _validate_ref(ref: str, errors: dict) -> None:
    """A given reference (demo data, import) must be usable and not taken."""
    if not REF_PATTERN.fullmatch(ref):
        errors["ref"] = _("Referensen får vara högst %(max)d tecken: bokstäverna A–Z, siffror och . _ / -, "
                          "och börja med en bokstav eller siffra.", max=REF_MAX)
    elif db.session.scalar(db.select(Initiative.id).where(Initiative.ref == ref).execution_options(
            autoflush=False)) is not None:
        errors["ref"] = _("Referensen %(ref)s används redan av ett annat initiativ.", ref=ref)


def _check_year(year: int | None, key: str, errors: dict) -> None:
    """The year of a funding or staffing row."""
    if year is None:
        errors[f"{key}-year"] = _("Ange år.")
    elif not YEAR_MIN <= year <= YEAR_MAX:
        errors[f"{key}-year"] = _("Ange ett år mellan %(min)d och %(max)d.", min=YEAR_MIN, max=YEAR_MAX)


def _validate_funding(lines: list[FundingInput], errors: dict) -> list[tuple]:
    seen, out = set(), []
    for line in lines:
        key = f"funding-{line.row}"
        _check_year(line.year, key, errors)
        source = (db.session.get(FundingSource, line.source_id) if isinstance(line.source_id, int)
                  and 0 < line.source_id < 2**31 else None)
        if source is None or not source.active:
            errors[f"{key}-source"] = _("Välj finansieringskälla.")
        if line.amount is None:
            errors[f"{key}-amount"] = _("Ange belopp.")
        elif line.amount < 0:
            errors[f"{key}-amount"] = _("Beloppet kan inte vara negativt.")
        elif line.amount > MAX_AMOUNT:
            errors[f"{key}-amount"] = _("Beloppet är orimligt stort.")
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
        _check_year(line.year, key, errors)
        if line.fte is None:
            errors[f"{key}-fte"] = _("Ange antal årsarbetare.")
        elif line.fte < 0:
            errors[f"{key}-fte"] = _("Antalet kan inte vara negativt.")
        elif line.fte > MAX_FTE:
            errors[f"{key}-fte"] = _("Högst %(max)d årsarbetare.", max=MAX_FTE)
        if line.year is not None:
            if line.year in seen:
                errors[f"{key}-year"] = _("Året finns redan på en annan rad.")
            seen.add(line.year)
            out.append((line.year, line.fte))
    return out


def _set(obj, attr: str, value) -> None:
    """Assign only a different value, so an identical save leaves nothing dirty to flush."""
    current = getattr(obj, attr)
    if isinstance(value, list) and list(current) == value:
        return
    if not isinstance(value, list) and current == value and type(current) is type(value):
        return
    setattr(obj, attr, value)


def _apply(ini: Initiative, data: InitiativeInput, resolved: dict) -> None:
    _set(ini, "title", data.title.strip())
    _set(ini, "description", data.description or "")
    _set(ini, "owning_unit", resolved["unit"])
    _set(ini, "primary_area", resolved["area"])
    _set(ini, "participating_units", resolved["participants"])
    _set(ini, "secondary_areas", resolved["secondary"])
    _set(ini, "principles", resolved["principles"])
    for attr in ("start_date", "end_date", "need_owner", "project_lead", "benefit_owner"):
        _set(ini, attr, getattr(data, attr))
    existing = {(f.year, f.source_id): f for f in ini.funding}
    wanted = []
    for year, source, amount in resolved["funding"]:
        line = existing.get((year, source.id)) or FundingLine(year=year, source=source)
        if line.amount != amount:
            line.amount = amount
        wanted.append(line)
    _set(ini, "funding", wanted)
    existing_staff = {s.year: s for s in ini.staffing}
    staff = []
    for year, fte in resolved["staffing"]:
        staff_line = existing_staff.get(year) or StaffingLine(year=year)
        if staff_line.fte != fte:
            staff_line.fte = fte
        staff.append(staff_line)
    _set(ini, "staffing", staff)


def validate_input(data: InitiativeInput, actor, *, creating: bool,
                   initiative: Initiative | None = None, any_phase: bool = False) -> dict:
    """Every check that `create_initiative` (creating=True) or `update_initiative` (of
    `initiative`, when given) makes before writing: permission, rules and scope. Writes nothing;
    returns the resolved rows, or raises PermissionDenied or ServiceValidationError with all
    problems at once. Lets a caller (the import's dry run) collect the problems of many rows."""
    if creating and not permissions.can_create_initiative(actor):
        raise PermissionDenied()
    if not creating and initiative is not None and not permissions.can_edit_initiative(actor, initiative):
        raise PermissionDenied()
    resolved = _validate(data, office=actor.is_office, creating=creating, any_phase=any_phase)
    if creating and not permissions.can_create_for(actor, resolved["unit"].id, resolved["area"].id):
        raise ServiceValidationError({"owning_unit": _(
            "Du kan bara registrera initiativ för dina egna enheter eller områden.")})
    if not creating and not actor.is_office and not permissions.can_create_for(
            actor, resolved["unit"].id, resolved["area"].id):
        raise ServiceValidationError({"owning_unit": _(
            "Du kan inte flytta initiativet utanför dina egna enheter eller områden.")})
    return resolved


def _generated_ref(ini: Initiative) -> str:
    """DIG-042 from the id; never one that an imported or demo initiative already holds."""
    candidate, n = f"DIG-{ini.id:03d}", 1
    while db.session.scalar(db.select(Initiative.id).where(
            Initiative.ref == candidate, Initiative.id != ini.id)) is not None:
        n += 1
        candidate = f"DIG-{ini.id:03d}-{n}"
    return candidate


def create_initiative(data: InitiativeInput, actor, *,
                      any_phase: bool = False) -> Initiative:
    """Create an initiative; any_phase lets the project office create it in any phase (the
    import)."""
    resolved = validate_input(data, actor, creating=True, any_phase=any_phase)
    moment = now()

    def generated_ref(ini: Initiative) -> Snapshot:
        if not data.ref:
            ini.ref = _generated_ref(ini)
        return {"ref": ini.ref}
    return INITIATIVE.save(
        None, actor=actor, at=moment, after_flush=generated_ref,
        create=lambda: Initiative(ref=data.ref or f"tmp-{moment.timestamp()}", phase=data.phase,
                                  created_at=moment, created_by_id=actor.id, is_demo=data.is_demo,
                                  demo_note=data.demo_note, version=0),
        apply=lambda ini: _apply(ini, data, resolved))


def update_initiative(ini: Initiative, data: InitiativeInput, actor, *, expected_version) -> Initiative:
    """Save changed fields; an identical save changes nothing (no new version, no log entry).
    A changed title or description takes a published initiative out of the open data."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    resolved: dict = {}
    reviewed, moment = publication.reviewed_texts(ini), now()
    saved = INITIATIVE.save(
        ini, actor=actor, expected_version=expected_version, create=Initiative, at=moment,
        validate=lambda: resolved.update(validate_input(data, actor, creating=False, initiative=ini)),
        apply=lambda row: _apply(row, data, resolved))
    publication.lapse_if_changed(saved, reviewed, actor, at=moment)   # unreviewed text is never open data
    return saved


class GateRefused(ServiceValidationError):
    """The target phase's gate is not passed; `missing` lists the requirement codes."""

    def __init__(self, missing: list[str], message: str):
        self.missing = missing
        super().__init__({"phase": message})


def refusal_message(verdict) -> str:
    """The Swedish message for a refused move (one wording for the forms and the API)."""
    messages = {
        G.SAME: _("Initiativet är redan i den fasen."),
        G.UNKNOWN: _("Okänd fas."),
        G.SKIP: _("Ett initiativ går framåt en fas i taget och hoppar aldrig över en fas."),
        G.CLOSED: _("Ett avslutat, avslaget eller avbrutet initiativ kan bara återöppnas av projektkontoret."),
        G.REASON_REQUIRED: _("Ange varför initiativet går bakåt, pausas, avslutas i förtid eller återöppnas."),
        G.GATE: _("Fasgrinden till %(phase)s är inte uppfylld. Det som saknas är listat överst på sidan.",
                  phase=phase_label(verdict.target)),
        G.OVERRIDE_NOT_ALLOWED: _("Bara projektkontoret kan göra undantag från en fasgrind."),
        G.OVERRIDE_REASON: _("Ett undantag från fasgrinden kräver en skriftlig motivering."),
    }
    return messages[verdict.refusal]


def missing_text(codes) -> str:
    return "; ".join(str(REQUIREMENT_LABELS[c]) for c in codes)


def phase_verdict(ini: Initiative, target: str, actor, *, override: bool = False,
                  reason: str | None = None) -> G.MoveVerdict:
    """The rules' verdict on moving `ini` to `target` now (nothing is changed)."""
    status = basis_readers().requirement_status(ini.id) if P.is_forward(ini.phase, target) else {}
    return G.judge_move(ini.phase, target, gates=current_programme().gates, status=status,
                        office=actor.is_office, override=override, reason=reason)


def change_phase(ini: Initiative, target: str, actor, *, expected_version,
                 reason: str | None = None, override: bool = False) -> Initiative:
    """Move an initiative to another phase through the programme's gates (`domain.gates`). The
    portfolio office may pass a gate that is not met, with a written reason: the override is
    recorded apart and shown wherever the portfolio is accounted for."""
    if not permissions.can_edit_initiative(actor, ini):
        raise PermissionDenied()
    check_version(ini.version, expected_version, (ENTITY, ini.id))
    errors: dict[str, str] = {}
    check_texts({"reason": reason}, {"reason": Initiative.LIMITS["reason"]}, errors)
    if errors:
        raise ServiceValidationError(errors)
    reason = (reason or "").strip() or None
    if override and not actor.is_office:
        raise PermissionDenied()
    verdict = phase_verdict(ini, target, actor, override=override, reason=reason)
    if not verdict.allowed:
        field = "reason" if verdict.refusal in (G.REASON_REQUIRED, G.OVERRIDE_REASON) else "phase"
        if verdict.refusal == G.GATE:
            raise GateRefused(list(verdict.missing), refusal_message(verdict))
        raise ServiceValidationError({field: refusal_message(verdict)})
    log_reason = reason
    if verdict.overridden:
        assert reason is not None   # judge_move overrides only with a reason
        log_reason = record_override(ini, target, verdict.missing, reason, actor)
    apply_phase(ini, target, actor, log_reason)
    db.session.flush()
    return ini


def record_override(ini: Initiative, target: str, missing, reason: str, actor,
                    decision_id: int | None = None) -> str:
    """Record the office's exception from a gate; returns the text for the change log."""
    db.session.add(GateOverride(initiative_id=ini.id, from_phase=ini.phase, to_phase=target,
                                missing=",".join(missing), reason=reason, decision_id=decision_id,
                                user_id=actor.id, created_at=now()))
    from portfolio.auth.security_log import SecurityEventType, record_event

    record_event(SecurityEventType.GATE_OVERRIDE, actor=actor,
                 details={"initiative": ini.id, "from": ini.phase, "to": target,
                          "missing": list(missing), "reason": reason, "decision": decision_id})
    return _("Undantag från fasgrinden (saknas: %(missing)s). Motivering: %(reason)s",
             missing=missing_text(missing), reason=reason)


def register_phase(ini: Initiative, target: str, actor, reason: str) -> None:
    """Set the phase an import says an existing initiative is in. The import states facts rather
    than asking to move, so it is not refused; but a gate it passes unmet is recorded as the
    office's override (only the office imports), never silently."""
    if P.is_forward(ini.phase, target):
        missing = completeness.missing(target, current_programme().gates,
                                       basis_readers().requirement_status(ini.id))
        if missing:
            reason = record_override(ini, target, missing, reason, actor)
    apply_phase(ini, target, actor, reason)


def apply_phase(ini: Initiative, target: str, actor, reason: str | None) -> None:
    """Set the phase and log it; the caller has checked the rules and the version."""
    PHASE.save(ini, actor=actor, expected_version=ini.version, create=Initiative, action="phase",
               reason=reason, apply={"phase": target})


def set_archived(ini: Initiative, archived: bool, actor, *, expected_version,
                 reason: str | None = None) -> Initiative:
    """Archive (hide from the register, keep everything) or restore an initiative."""
    allowed = permissions.can_edit_initiative(actor, ini) if archived else actor.is_office
    if not allowed:
        raise PermissionDenied()
    check_version(ini.version, expected_version, (ENTITY, ini.id))
    if ini.archived == archived:
        raise ServiceValidationError({"reason": _("Initiativet är redan arkiverat.") if archived
                                      else _("Initiativet är inte arkiverat.")})
    if archived and not (reason or "").strip():
        raise ServiceValidationError({"reason": _("Ange varför initiativet arkiveras.")})
    return INITIATIVE.save(ini, actor=actor, expected_version=expected_version, create=Initiative,
                           apply={"archived": archived}, action="archive" if archived else "restore",
                           reason=(reason or "").strip() or None)
