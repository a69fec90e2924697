"""Verbs on ideas and on the office's marks on similar pairs.

Each verb checks permission and rules, applies the change, writes the change log and flushes,
or raises without having changed anything. The caller's `transaction()` commits. Every triage
decision (scores, accept, merge, ask for more information, decline) is a change-log entry of
the idea; accept and merge also appear in the initiative's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from portfolio.changelog.services import Snapshot, now, record_changes
from portfolio.changelog.versioned import Versioned
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.ideas.models import OPEN_STATUSES, SCORES, Idea, IdeaStatus, MarkKind, SimilarMark
from portfolio.initiatives import services as initiative_services
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import OrgUnit
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "idea"
TEXTS = ("title", "need", "who", "today", "benefit")
TEXT_LIMITS = {name: Idea.LIMITS[name] for name in TEXTS}
ACCEPT_PHASES = (P.IDE, P.BEHOVSANALYS)


def snapshot(idea: Idea) -> Snapshot:
    """The idea as the change log reads it."""
    return {
        **{name: getattr(idea, name) or None for name in TEXTS},
        "unit": idea.unit.name if idea.unit is not None else None,
        "status": IdeaStatus.label_of(idea.status),
        "need_score": str(idea.need_score) if idea.need_score else None,
        "feasibility_score": str(idea.feasibility_score) if idea.feasibility_score else None,
        "office_message": idea.office_message or None,
        "initiative": idea.initiative.ref if idea.initiative is not None else None,
    }


IDEA = Versioned(ENTITY, (), snapshot=snapshot)


@dataclass
class IdeaInput:
    title: str
    need: str
    unit_id: int | None
    who: str = ""
    today: str = ""
    benefit: str = ""


def _office(actor) -> None:
    if not (actor.is_authenticated and actor.is_office):
        raise PermissionDenied()


def _unit(unit_id) -> OrgUnit | None:
    if not isinstance(unit_id, int) or isinstance(unit_id, bool) or not 0 < unit_id < 2**31:
        return None
    unit = db.session.get(OrgUnit, unit_id)
    return unit if unit is not None and unit.active else None


def validate_input(data: IdeaInput) -> OrgUnit:
    """Every rule of an idea's text, all problems at once."""
    errors: dict[str, str] = {}
    check_texts({name: getattr(data, name) for name in TEXTS}, TEXT_LIMITS, errors,
                single_line=frozenset({"title"}))
    if not (data.title or "").strip():
        errors["title"] = _("Ge idén en kort rubrik.")
    if not (data.need or "").strip():
        errors.setdefault("need", _("Beskriv behovet."))
    unit = _unit(data.unit_id)
    if unit is None:
        errors["unit"] = _("Välj din enhet.")
    if errors:
        raise ServiceValidationError(errors)
    assert unit is not None
    return unit


def _apply_texts(idea: Idea, data: IdeaInput, unit: OrgUnit) -> None:
    for name in TEXTS:
        value = (getattr(data, name) or "").strip()
        if getattr(idea, name) != value:
            setattr(idea, name, value)
    if idea.unit_id != unit.id:
        idea.unit = unit


def submit_idea(data: IdeaInput, actor) -> Idea:
    """Anyone logged in may submit an idea."""
    if not actor.is_authenticated:
        raise PermissionDenied()
    unit = validate_input(data)
    moment = now()
    return IDEA.save(None, actor=actor, at=moment,
                     create=lambda: Idea(status=IdeaStatus.NEW.value, submitted_by_id=actor.id,
                                         created_at=moment, updated_at=moment, version=0),
                     apply=lambda idea: _apply_texts(idea, data, unit))


def can_edit(actor, idea: Idea) -> bool:
    """The submitter (or the office) may change an idea while it is open."""
    return actor.is_authenticated and idea.is_open and (
        actor.is_office or idea.submitted_by_id == actor.id)


def update_idea(idea: Idea, data: IdeaInput, actor, *, expected_version) -> Idea:
    """Change the text; the submitter's answer to a request for more information puts the idea
    back among the new ones."""
    if not can_edit(actor, idea):
        raise PermissionDenied()
    resolved: dict = {}

    def apply(row: Idea) -> None:
        _apply_texts(row, data, resolved["unit"])
        if row.status == IdeaStatus.MORE_INFO.value and row.submitted_by_id == actor.id:
            row.status = IdeaStatus.NEW.value
    return IDEA.save(idea, actor=actor, expected_version=expected_version, create=Idea,
                     validate=lambda: resolved.update(unit=validate_input(data)), apply=apply)


def _score(value, key: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        errors[key] = _("Välj ett värde från 1 till 5.")
        return None
    return value


def score_idea(idea: Idea, need_score, feasibility_score, actor, *, expected_version) -> Idea:
    """The office scores need and feasibility, 1–5 each (empty clears a score)."""
    _office(actor)
    errors: dict[str, str] = {}
    need = _score(need_score, "need_score", errors)
    feasible = _score(feasibility_score, "feasibility_score", errors)

    def validate() -> None:
        if errors:
            raise ServiceValidationError(errors)
    return IDEA.save(idea, actor=actor, expected_version=expected_version, create=Idea,
                     validate=validate, action="score",
                     apply={"need_score": need, "feasibility_score": feasible})


def _require_open(idea: Idea) -> None:
    if idea.status not in OPEN_STATUSES:
        raise ServiceValidationError({"status": _("Idén är redan avgjord (%(status)s).",
                                                  status=idea.status_label)})


def _decide(idea: Idea, actor, *, expected_version, status: str, action: str,
            message: str | None = None, initiative: Initiative | None = None,
            validate=None) -> Idea:
    moment = now()

    def apply(row: Idea) -> None:
        row.status = status
        row.office_message = message
        if initiative is not None:
            row.initiative = initiative
        if status not in OPEN_STATUSES:
            row.decided_at, row.decided_by_id = moment, actor.id

    def checks() -> None:
        _require_open(idea)
        if validate is not None:
            validate()
    return IDEA.save(idea, actor=actor, expected_version=expected_version, create=Idea, at=moment,
                     validate=checks, apply=apply, action=action, always_bump=True,
                     initiative_id=initiative.id if initiative is not None else None)


def _required_text(value: str | None, key: str, empty: str) -> str:
    text = (value or "").strip()
    errors: dict[str, str] = {}
    check_texts({key: text}, {key: Idea.LIMITS["message"]}, errors)
    if not text:
        errors[key] = empty
    if errors:
        raise ServiceValidationError(errors)
    return text


def ask_for_information(idea: Idea, question: str | None, actor, *, expected_version) -> Idea:
    """The submitter is asked something; they answer by changing the idea."""
    _office(actor)
    text = (question or "").strip()
    return _decide(idea, actor, expected_version=expected_version, status=IdeaStatus.MORE_INFO.value,
                   action="more_info", message=text,
                   validate=lambda: _required_text(question, "question", _("Skriv vad du behöver veta.")))


def decline_idea(idea: Idea, reason: str | None, actor, *, expected_version) -> Idea:
    """Declined with a reason the submitter can read."""
    _office(actor)
    return _decide(idea, actor, expected_version=expected_version, status=IdeaStatus.DECLINED.value,
                   action="decline", message=(reason or "").strip(),
                   validate=lambda: _required_text(reason, "reason", _("Ange varför idén avslås.")))


def merge_idea(idea: Idea, initiative_id, actor, *, expected_version, message: str | None = None) -> Idea:
    """Linked to an existing initiative; the submitter sees which."""
    _office(actor)
    target = (db.session.get(Initiative, initiative_id)
              if isinstance(initiative_id, int) and 0 < initiative_id < 2**31 else None)
    if target is None or target.archived:
        _require_open(idea)
        raise ServiceValidationError({"initiative": _("Välj ett initiativ att slå samman idén med.")})
    return _decide(idea, actor, expected_version=expected_version, status=IdeaStatus.MERGED.value,
                   action="merge", message=(message or "").strip() or None, initiative=target)


def initiative_description(idea: Idea) -> str:
    """The idea's text carried over to the initiative it becomes."""
    parts = [idea.need.strip()]
    for label, text in ((_("Vem har behovet"), idea.who), (_("Så görs det i dag"), idea.today),
                        (_("Ungefärlig nytta"), idea.benefit)):
        if text and text.strip():
            parts.append(f"{label}: {text.strip()}")
    parts.append(_("Från idé %(number)d.", number=idea.id))
    return "\n\n".join(parts)[:Initiative.LIMITS["description"]]


def accept_idea(idea: Idea, actor, *, expected_version, phase: str | None, owning_unit_id,
                primary_area_id) -> Idea:
    """The idea becomes an initiative (in idé or behovsanalys) with its text carried over and a
    link back; the idea points to it."""
    _office(actor)
    from portfolio.changelog.versioned import check_version

    check_version(idea.version, expected_version, (ENTITY, idea.id))
    _require_open(idea)
    errors: dict[str, str] = {}
    if phase not in ACCEPT_PHASES:
        errors["phase"] = _("Välj idé eller behovsanalys.")
    data = initiative_services.InitiativeInput(
        title=idea.title[:Initiative.LIMITS["title"]], owning_unit_id=owning_unit_id,
        primary_area_id=primary_area_id, description=initiative_description(idea), phase=phase)
    try:
        initiative_services.validate_input(data, actor, creating=True)
    except ServiceValidationError as err:
        errors = {**err.errors, **errors}
    if errors:
        raise ServiceValidationError(errors)
    ini = initiative_services.create_initiative(data, actor)
    return _decide(idea, actor, expected_version=expected_version, status=IdeaStatus.ACCEPTED.value,
                   action="accept", initiative=ini)


# --- marks on pairs ------------------------------------------------------------------------------

def _ordered(key_a: str, key_b: str) -> tuple[str, str]:
    return (key_a, key_b) if key_a < key_b else (key_b, key_a)


def _exists(key: str) -> bool:
    kind, _sep, number = key.partition(":")
    model = {"initiative": Initiative, "idea": Idea}.get(kind)
    if model is None or not number.isdigit() or not 0 < int(number) < 2**31:
        return False
    return db.session.get(model, int(number)) is not None


def mark_pair(key_a: str, key_b: str, kind: str, actor) -> SimilarMark:
    """The office marks a pair not similar (it stops being suggested) or related (a link shown
    on both). Marking again replaces the earlier mark."""
    _office(actor)
    if kind not in MarkKind.values():
        raise ServiceValidationError({"kind": _("Okänd markering.")})
    if key_a == key_b or not (_exists(key_a) and _exists(key_b)):
        raise ServiceValidationError({"pair": _("Paret finns inte.")})
    first, second = _ordered(key_a, key_b)
    mark = db.session.scalar(select(SimilarMark).where(SimilarMark.key_a == first,
                                                       SimilarMark.key_b == second))
    before = {"kind": MarkKind.label_of(mark.kind) if mark else None}
    if mark is None:
        mark = SimilarMark(key_a=first, key_b=second, kind=kind, created_by_id=actor.id, created_at=now())
        db.session.add(mark)
    else:
        mark.kind, mark.created_by_id, mark.created_at = kind, actor.id, now()
    db.session.flush()
    _log_mark(mark, before, {"kind": MarkKind.label_of(kind), "pair": f"{first} – {second}"}, actor, "mark")
    return mark


def unmark_pair(key_a: str, key_b: str, actor) -> None:
    """Take a mark away (the pair is suggested again when similar)."""
    _office(actor)
    first, second = _ordered(key_a, key_b)
    mark = db.session.scalar(select(SimilarMark).where(SimilarMark.key_a == first,
                                                       SimilarMark.key_b == second))
    if mark is None:
        return
    _log_mark(mark, {"kind": MarkKind.label_of(mark.kind), "pair": f"{first} – {second}"}, {}, actor, "unmark")
    db.session.delete(mark)
    db.session.flush()


def _log_mark(mark: SimilarMark, before: Snapshot, after: Snapshot, actor, action: str) -> None:
    initiative_id = next((int(k.partition(":")[2]) for k in (mark.key_a, mark.key_b)
                          if k.startswith("initiative:")), None)
    record_changes(entity_type="similar_mark", entity_id=mark.id, action=action, before=before,
                   after=after, user_id=actor.id, initiative_id=initiative_id)
