"""Audits, recommendations (with addressed committees) and the committees' responses.

Each verb takes a typed input (built by the form's `to_input()`, the API resource or, as a plain
dict, by the demo loader and tests), validates all of it at once, then applies it; the caller's
transaction commits."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import cast

from flask_babel import gettext as _

from portfolio.audits.models import (
    Audit,
    AuditQuestion,
    Recommendation,
    RecommendationResponse,
    ResponseAction,
    ResponseStatus,
    ResponseStatusChange,
)
from portfolio.auth import permissions
from portfolio.changelog.services import fields_snapshot, now, record_changes
from portfolio.changelog.versioned import Versioned, stripped
from portfolio.clock import today
from portfolio.extensions import db
from portfolio.inputs import as_input
from portfolio.programme.models import OrgUnit
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

AUDIT_FIELDS = ("title", "auditor", "audit_year", "report_date", "diarienummer", "letter_date",
                "answer_deadline", "assessment")
RESPONSE_FIELDS = ("answer_paragraph", "answer_diarienummer", "answer_date", "answer_summary",
                   "status", "status_reason", "evidence", "answer_deadline")
ACTION_FIELDS = ("text", "owner", "due_date", "done", "done_on")
QUESTION_FIELDS = ("number", "label", "wording")
# Fields a caller may leave out to keep them as they are (older API clients do not send them).
KEPT_WHEN_ABSENT = ("answer_deadline",)
YEARS = (1990, 2100)

AUDIT = Versioned("audit", AUDIT_FIELDS + ("committees",), created_when_empty="title")
RECOMMENDATION = Versioned("recommendation", ("code", "text", "committees"))
NEW_RECOMMENDATION = Versioned("recommendation", ("text", "committees"))
RESPONSE = Versioned("recommendation_response", RESPONSE_FIELDS + ("status_date",))


def _require_office(actor) -> None:
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()


def _committees(ids, errors: dict[str, str], key: str = "committee_ids") -> list[OrgUnit]:
    """The committees (styrelse, nämnder; never a förvaltning) with these ids, in order."""
    ids = list(dict.fromkeys(ids or []))
    found = list(db.session.scalars(db.select(OrgUnit).where(
        OrgUnit.id.in_(ids), OrgUnit.kind != "forvaltning").order_by(OrgUnit.sort_order))) if ids else []
    if len(found) != len(ids):
        errors[key] = _("En av de valda nämnderna finns inte.")
    return found


def _still_demo(obj, before: dict, after: dict) -> str | None:
    """The object's demo markers without the fields whose value was just saved by someone."""
    names = {n for n in obj.demo if before.get(n) == after.get(n)}
    return ",".join(sorted(names)) or None


def _demo_fields(obj, given: frozenset[str] | None, before: dict, after: dict) -> str | None:
    return (",".join(sorted(given)) or None) if given is not None else _still_demo(obj, before, after)


# --- audits and their questions -------------------------------------------------------------

@dataclass(frozen=True)
class AuditInput:
    title: str | None = None
    auditor: str | None = None
    audit_year: int | None = None
    report_date: date | None = None
    diarienummer: str | None = None
    letter_date: date | None = None
    answer_deadline: date | None = None
    assessment: str | None = None
    committee_ids: list[int] | None = None     # None: the audit's scope stays as it is
    is_demo: bool = False                      # a new audit of the demo data


def validate_audit(data: AuditInput) -> list[OrgUnit] | None:
    """Every rule at once; returns the committees of the scope (None: left as it is)."""
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), Audit.LIMITS, errors)
    if not (data.title or "").strip():
        errors["title"] = _("Ange granskningens titel.")
    report, letter, deadline = data.report_date, data.letter_date, data.answer_deadline
    if report and letter and letter < report:
        errors["letter_date"] = _("Missivet kan inte vara daterat före rapporten.")
    sent = letter or report
    if deadline and sent and deadline < sent:
        errors["answer_deadline"] = _("Svarsdatum kan inte vara före missivet.")
    year = data.audit_year
    if year is not None and not (isinstance(year, int) and YEARS[0] <= year <= YEARS[1]):
        errors["audit_year"] = _("Ange ett år mellan %(min)s och %(max)s.", min=YEARS[0], max=YEARS[1])
    scope = _committees(data.committee_ids, errors) if data.committee_ids is not None else None
    if errors:
        raise ServiceValidationError(errors)
    return scope


def save_audit(data: AuditInput | dict, actor, *, audit: Audit | None = None, expected_version=None) -> Audit:
    data = as_input(AuditInput, data)
    _require_office(actor)
    scope: list[list[OrgUnit] | None] = []

    def apply(row: Audit) -> None:
        for name, value in stripped(dataclasses.asdict(data), AUDIT_FIELDS).items():
            setattr(row, name, value)
        if scope[0] is not None:
            row.committees = scope[0]

    moment = now()
    return AUDIT.save(audit, actor=actor, expected_version=expected_version, at=moment, always_bump=True,
                      validate=lambda: scope.append(validate_audit(data)), apply=apply,
                      create=lambda: Audit(created_at=moment, is_demo=bool(data.is_demo)))


@dataclass(frozen=True)
class QuestionInput:
    number: int | None = None
    label: str | None = None
    wording: str | None = None


def validate_question(data: QuestionInput) -> None:
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), AuditQuestion.LIMITS, errors)
    if not (isinstance(data.number, int) and 1 <= data.number <= 50):
        errors["number"] = _("Ange frågans nummer (1–50).")
    for name, message in (("label", _("Ange en kort rubrik för frågan.")),
                          ("wording", _("Skriv frågan som granskningen formulerar den."))):
        if not (getattr(data, name) or "").strip():
            errors.setdefault(name, message)
    if errors:
        raise ServiceValidationError(errors)


def save_question(audit: Audit, data: QuestionInput | dict, actor) -> AuditQuestion:
    """Add the audit's question with this number, or correct its label and wording (a question
    has no version: the audit's office corrects it in place)."""
    data = as_input(QuestionInput, data)
    _require_office(actor)
    validate_question(data)
    question = next((q for q in audit.questions if q.number == data.number), None)
    before = fields_snapshot(question, QUESTION_FIELDS)
    if question is None:
        question = AuditQuestion(audit_id=audit.id, number=data.number)
        audit.questions.append(question)
    assert data.label is not None and data.wording is not None     # validate_question
    question.label, question.wording = data.label.strip(), data.wording.strip()
    db.session.flush()
    record_changes(entity_type="audit_question", entity_id=question.id,
                   action="update" if before["label"] else "create", before=before,
                   after=fields_snapshot(question, QUESTION_FIELDS), user_id=actor.id)
    return question


# --- recommendations ------------------------------------------------------------------------

@dataclass(frozen=True)
class RecommendationInput:
    text: str | None = None
    code: str | None = None
    committee_ids: list[int] | None = None


def _validate_recommendation_text(data: RecommendationInput, errors: dict[str, str]) -> None:
    check_texts(dataclasses.asdict(data), Recommendation.LIMITS, errors)
    if not (data.text or "").strip():
        errors["text"] = _("Skriv rekommendationen.")


def validate_new_recommendation(data: RecommendationInput) -> list[OrgUnit]:
    errors: dict[str, str] = {}
    _validate_recommendation_text(data, errors)
    committees = _committees(data.committee_ids, errors)
    if not data.committee_ids:
        errors["committee_ids"] = _("Välj minst en nämnd som rekommendationen riktas till.")
    if errors:
        raise ServiceValidationError(errors)
    return committees


def validate_recommendation(rec: Recommendation, data: RecommendationInput) -> list[OrgUnit]:
    """Rules of a correction; returns the committees newly addressed."""
    errors: dict[str, str] = {}
    _validate_recommendation_text(data, errors)
    existing = {r.committee_id for r in rec.responses}
    wanted = set(data.committee_ids or [])
    if existing - wanted:
        errors["committee_ids"] = _("En nämnd som redan har ett svar kan inte tas bort från rekommendationen.")
    new = list(db.session.scalars(db.select(OrgUnit).where(
        OrgUnit.id.in_(wanted - existing), OrgUnit.kind != "forvaltning"))) if wanted - existing else []
    if len(new) != len(wanted - existing):
        errors["committee_ids"] = _("En av de valda nämnderna finns inte.")
    if errors:
        raise ServiceValidationError(errors)
    return new


def _apply_recommendation(rec: Recommendation, data: RecommendationInput, committees: list[OrgUnit],
                          moment) -> None:
    rec.code = (data.code or "").strip() or None
    assert data.text is not None    # the validation requires it
    rec.text = data.text.strip()
    for committee in committees:
        rec.responses.append(RecommendationResponse(committee_id=committee.id, committee=committee,
                                                    status=ResponseStatus.EJ_PABORJAD.value, updated_at=moment))


def add_recommendation(audit: Audit, data: RecommendationInput | dict, actor) -> Recommendation:
    """A recommendation with an (unanswered) response for every committee it addresses."""
    data = as_input(RecommendationInput, data)
    _require_office(actor)
    committees: list[list[OrgUnit]] = []
    moment = now()
    return NEW_RECOMMENDATION.save(
        None, actor=actor, at=moment, validate=lambda: committees.append(validate_new_recommendation(data)),
        create=lambda: Recommendation(audit_id=audit.id, created_at=moment),
        apply=lambda rec: _apply_recommendation(rec, data, committees[0], moment))


def update_recommendation(rec: Recommendation, data: RecommendationInput | dict, actor, *,
                          expected_version) -> Recommendation:
    """Correct a recommendation's number and text, and add committees it is addressed to
    (existing answers are never removed)."""
    data = as_input(RecommendationInput, data)
    _require_office(actor)
    new: list[list[OrgUnit]] = []
    moment = now()
    return RECOMMENDATION.save(
        rec, actor=actor, expected_version=expected_version, at=moment, always_bump=True,
        validate=lambda: new.append(validate_recommendation(rec, data)), create=Recommendation,
        apply=lambda row: _apply_recommendation(row, data, new[0], moment))


# --- the committees' responses and actions --------------------------------------------------

def _require_answer(response: RecommendationResponse, actor) -> None:
    if not permissions.can_answer_for(actor, response.committee_id):
        raise PermissionDenied()


@dataclass(frozen=True)
class ResponseInput:
    status: str | None = None
    answer_paragraph: str | None = None
    answer_diarienummer: str | None = None
    answer_date: date | None = None
    answer_summary: str | None = None
    status_reason: str | None = None
    evidence: str | None = None
    status_date: date | None = None            # the day a new status holds from (default today)
    answer_deadline: date | None = None
    sets_deadline: bool = False                # False: the committee's own deadline stays as it is
    demo_fields: frozenset[str] | None = None  # demo data: the fields with invented values
    status_is_demo: bool = False

    @classmethod
    def of(cls, data: ResponseInput | dict) -> ResponseInput:
        if isinstance(data, cls):
            return data
        values = cast("dict", data)
        made = as_input(cls, values)
        return dataclasses.replace(made, sets_deadline="answer_deadline" in values,
                                   demo_fields=frozenset(values["demo_fields"]) if "demo_fields" in values else None)


def _new_status_row(response: RecommendationResponse, data: ResponseInput) -> bool:
    """A history row for every change, and for a first status someone dates explicitly."""
    return data.status != response.status or bool(data.status_date and not response.history)


def validate_response(response: RecommendationResponse, data: ResponseInput, actor) -> None:
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), RecommendationResponse.LIMITS, errors)
    status = data.status
    if status not in ResponseStatus.values():
        errors["status"] = _("Välj status.")
    elif status == ResponseStatus.EJ_AKTUELL and not (data.status_reason or "").strip():
        errors["status_reason"] = _("Motivera varför rekommendationen inte är aktuell.")
    elif status == ResponseStatus.GENOMFORD and not (data.evidence or "").strip():
        errors["evidence"] = _("Ange underlag (länk eller text) som visar att den är genomförd.")
    day = today()
    if data.answer_date and data.answer_date > day:
        errors["answer_date"] = _("Datumet kan inte ligga i framtiden.")
    since = data.status_date or day
    latest = response.history[-1] if response.history else None
    new_row = _new_status_row(response, data)
    if new_row and since > day:
        errors["status_date"] = _("Datumet kan inte ligga i framtiden.")
    elif new_row and latest and since < latest.valid_from:
        errors["status_date"] = _("Statusen ändrades senast %(date)s; en ny status kan inte gälla från ett "
                                  "tidigare datum.", date=latest.valid_from.isoformat())
    if data.sets_deadline and data.answer_deadline != response.answer_deadline:
        audit = response.recommendation.audit
        if not permissions.can_manage_plans(actor):
            errors["answer_deadline"] = _("Bara projektkontoret kan ändra nämndens svarstid.")
        elif data.answer_deadline and audit.letter_date and data.answer_deadline < audit.letter_date:
            errors["answer_deadline"] = _("Svarstiden kan inte sluta före missivet.")
    if errors:
        raise ServiceValidationError(errors)


def update_response(response: RecommendationResponse, data: ResponseInput | dict, actor, *,
                    expected_version=None) -> RecommendationResponse:
    """The addressed committee's answer, status and evidence. A new status holds from
    `status_date` (default today); the history keeps the earlier ones for past years' reports.
    Only the project office changes a committee's own answer deadline. Every save is an event."""
    data = ResponseInput.of(data)
    _require_answer(response, actor)
    before = fields_snapshot(response, RESPONSE_FIELDS)
    moment = now()

    def apply(row: RecommendationResponse) -> None:
        new_row = _new_status_row(row, data)
        names = [n for n in RESPONSE_FIELDS if data.sets_deadline or n not in KEPT_WHEN_ABSENT]
        for name, value in stripped(dataclasses.asdict(data), names).items():
            setattr(row, name, value)
        if new_row:
            row.status_date = data.status_date or today()
            db.session.add(ResponseStatusChange(response_id=row.id, status=row.status, valid_from=row.status_date,
                                                is_demo=data.status_is_demo, recorded_at=moment, user_id=actor.id))
        row.demo_fields = _demo_fields(row, data.demo_fields, before, fields_snapshot(row, RESPONSE_FIELDS))

    def forget_status_date(row: RecommendationResponse) -> None:
        row.status_date = None      # logged with this save only

    return RESPONSE.save(response, actor=actor, expected_version=expected_version, at=moment, always_bump=True,
                         validate=lambda: validate_response(response, data, actor), apply=apply,
                         create=RecommendationResponse, after_flush=forget_status_date)


@dataclass(frozen=True)
class ActionInput:
    text: str | None = None
    owner: str | None = None
    due_date: date | None = None
    done: bool = False
    done_on: date | None = None               # default: the day it was marked done, or today
    demo_fields: frozenset[str] | None = None


def _done_on(data: ActionInput, action: ResponseAction | None) -> date | None:
    if not data.done:
        return None
    return data.done_on or (action.done_on if action is not None and action.done else None) or today()


def validate_action(data: ActionInput, action: ResponseAction | None) -> None:
    errors: dict[str, str] = {}
    check_texts(dataclasses.asdict(data), ResponseAction.LIMITS, errors)
    if not (data.text or "").strip():
        errors["text"] = _("Beskriv åtgärden.")
    done_on = _done_on(data, action)
    if done_on and done_on > today():
        errors["done_on"] = _("Datumet kan inte ligga i framtiden.")
    if errors:
        raise ServiceValidationError(errors)


def save_action(response: RecommendationResponse, data: ActionInput | dict, actor, *,
                action: ResponseAction | None = None) -> ResponseAction:
    """An action the committee plans (no version: the committee edits it in place). Marked
    done, it records the day (`done_on`, default today), so a past year counts it as done only
    from then."""
    if not isinstance(data, ActionInput):
        data = dataclasses.replace(as_input(ActionInput, data), done=bool(data.get("done")), demo_fields=frozenset(
            data["demo_fields"]) if "demo_fields" in data else None)
    _require_answer(response, actor)
    if action is not None and action.response_id != response.id:
        raise PermissionDenied()
    validate_action(data, action)
    before = fields_snapshot(action, ACTION_FIELDS)
    done_on = _done_on(data, action)
    if action is None:
        action = ResponseAction(response_id=response.id, created_at=now())
        db.session.add(action)
    for name, value in stripped(dataclasses.asdict(data), ("text", "owner", "due_date")).items():
        setattr(action, name, value)
    action.done, action.done_on = data.done, done_on
    after = fields_snapshot(action, ACTION_FIELDS)
    action.demo_fields = _demo_fields(action, data.demo_fields, before, after)
    db.session.flush()
    record_changes(entity_type="response_action", entity_id=action.id,
                   action="update" if before["text"] else "create", before=before,
                   after=after, user_id=actor.id)
    return action
