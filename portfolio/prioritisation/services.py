"""Criteria sets, scores and portfolio decisions. Only the project office writes here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import Snapshot, now, record_changes
from portfolio.changelog.versioned import Versioned
from portfolio.clock import today
from portfolio.decision_basis.requirements import conditions
from portfolio.domain import completeness
from portfolio.domain import gates as G
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.initiatives.services import apply_phase, record_override
from portfolio.labels import REQUIREMENT_LABELS, phase_label
from portfolio.prioritisation.models import (
    CriteriaSet,
    Criterion,
    Decision,
    DecisionBody,
    PortfolioDecision,
    Score,
)
from portfolio.prioritisation.queries import get_set
from portfolio.programme.loader import Programme
from portfolio.programme.services import current_programme
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

DECISION_PHASE: dict[str | None, str] = {
    Decision.PRIORITERAD: P.PRIORITERAD, Decision.AVSLAG: P.AVSLAGEN, Decision.AVBRYT: P.AVBRUTEN}


@dataclass(frozen=True)
class WeightsInput:
    """New weights per criterion id (None: not given) and the budget ceiling in kronor."""

    weights: dict[int, Decimal | None]
    ceiling: Decimal | None = None


@dataclass(frozen=True)
class ScoreEntry:
    score: int | None               # None leaves the criterion unscored
    motivation: str | None = ""


@dataclass(frozen=True)
class ScoresInput:
    entries: dict[int, ScoreEntry]  # by criterion id

    @classmethod
    def of(cls, data) -> ScoresInput:
        """From {criterion id: (score, motivation)} (how the demo loader writes them)."""
        if isinstance(data, ScoresInput):
            return data
        return cls({cid: entry if isinstance(entry, ScoreEntry) else ScoreEntry(*entry)
                    for cid, entry in data.items()})


@dataclass(frozen=True)
class DecisionInput:
    year: int | None
    body: str | None
    decided_on: date | None
    decision: str | None
    reason: str | None
    initiative_ids: list[int] = field(default_factory=list)
    diarienummer: str | None = None
    corrects_id: int | None = None
    move: bool = True               # through the gates, in the same transaction
    override_reason: str | None = None

    @classmethod
    def of(cls, data) -> DecisionInput:
        """From a mapping with the same keys (how the demo loader writes one)."""
        return data if isinstance(data, DecisionInput) else cls(**data)


def _require_office(actor) -> None:
    if not permissions.can_manage_plans(actor):
        raise PermissionDenied()


def sync_criteria_sets(programme: Programme) -> None:
    """Create the programme file's criteria sets for years that have none yet (sets already in
    the database, perhaps edited in the UI, are left alone)."""
    existing = set(db.session.scalars(db.select(CriteriaSet.year)))
    for definition in programme.prioritisation.criteria_sets:
        if definition.year in existing:
            continue
        db.session.add(CriteriaSet(
            year=definition.year, budget_ceiling=definition.budget_ceiling, created_at=now(),
            criteria=[Criterion(code=c.code, name=c.name, weight=c.weight, scale="\n".join(c.scale),
                                prefill_from_case=c.prefill_from_case, sort_order=i)
                      for i, c in enumerate(definition.criteria)]))
    db.session.flush()


def copy_set(source: CriteriaSet, year: int, actor) -> CriteriaSet:
    """Start a year's set from another year's criteria, weights, scales and ceiling."""
    _require_office(actor)
    if not CriteriaSet.LIMITS["year_min"] <= year <= CriteriaSet.LIMITS["year_max"]:
        raise ServiceValidationError({"year": _("Ange ett rimligt år.")})
    if get_set(year):
        raise ServiceValidationError({"year": _("Det finns redan kriterier för %(year)d.", year=year)})
    new = CriteriaSet(year=year, budget_ceiling=source.budget_ceiling, source="kopierad",
                      created_at=now(), criteria=[
                          Criterion(code=c.code, name=c.name, weight=c.weight, scale=c.scale,
                                    prefill_from_case=c.prefill_from_case, sort_order=c.sort_order)
                          for c in source.criteria])
    db.session.add(new)
    db.session.flush()
    record_changes(entity_type="criteria_set", entity_id=new.id, action="create", before={},
                   after={"year": str(year), "copied_from": str(source.year)}, user_id=actor.id)
    db.session.flush()
    return new


def validate_weights(criteria_set: CriteriaSet, data: WeightsInput) -> None:
    """Every problem with new weights and ceiling at once (a locked set: only that)."""
    if criteria_set.frozen:
        raise ServiceValidationError({"form": _(
            "Kriterierna för %(year)d har använts i ett beslut och är låsta. Starta ett nytt års "
            "kriterier i stället.", year=criteria_set.year)})
    errors: dict[str, str] = {}
    known = {c.id for c in criteria_set.criteria}
    for criterion_id, weight in data.weights.items():
        if criterion_id not in known:
            errors["form"] = _("Okänt kriterium.")
        elif weight is None or weight < 0:
            errors[f"weight-{criterion_id}"] = _("Ange en vikt som är 0 eller större.")
    if not errors and sum(w for w in data.weights.values() if w) == 0:
        errors["form"] = _("Minst en vikt måste vara större än noll.")
    if data.ceiling is not None and data.ceiling < 0:
        errors["ceiling"] = _("Budgettaket kan inte vara negativt.")
    if errors:
        raise ServiceValidationError(errors)


def _weights_snapshot(criteria_set: CriteriaSet) -> Snapshot:
    weights: Snapshot = {c.code: str(c.weight) for c in criteria_set.criteria}
    return weights | {
        "budget_ceiling": str(criteria_set.budget_ceiling)}


# The one versioned save (changelog.versioned): the weights and the ceiling as the log reads them.
WEIGHTS = Versioned("criteria_set", (), snapshot=_weights_snapshot)


def update_weights(criteria_set: CriteriaSet, data: WeightsInput, actor) -> CriteriaSet:
    """Save the weights and the ceiling; every save is a new version with its log entry. (The
    form carries no version: the set's own is the one checked in the UPDATE.)"""
    _require_office(actor)

    def apply(row: CriteriaSet) -> None:
        by_id = {c.id: c for c in row.criteria}
        for criterion_id, weight in data.weights.items():
            assert weight is not None   # validate_weights refuses an empty weight
            by_id[criterion_id].weight = weight
        row.budget_ceiling = data.ceiling
    return WEIGHTS.save(criteria_set, actor=actor, expected_version=criteria_set.version,
                        create=CriteriaSet, validate=lambda: validate_weights(criteria_set, data),
                        apply=apply, always_bump=True)


def validate_scores(criteria_set: CriteriaSet, data: ScoresInput) -> None:
    errors: dict[str, str] = {}
    known = {c.id for c in criteria_set.criteria}
    low, high = Score.LIMITS["score_min"], Score.LIMITS["score_max"]
    for criterion_id, entry in data.entries.items():
        if criterion_id not in known:
            errors["form"] = _("Okänt kriterium.")
            continue
        key = f"motivation-{criterion_id}"
        check_texts({key: entry.motivation}, {key: Score.LIMITS["motivation"]}, errors)
        value = entry.score
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[f"score-{criterion_id}"] = _("Poängen ska vara ett heltal 1–5.")
        elif not (entry.motivation or "").strip():
            errors[key] = _("Motivera poängen kort.")
    if errors:
        raise ServiceValidationError(errors)


def save_scores(ini: Initiative, criteria_set: CriteriaSet, data: ScoresInput | dict, actor) -> list[Score]:
    """Scores 1–5 with a short motivation per criterion; an empty score leaves it unscored."""
    _require_office(actor)
    data = ScoresInput.of(data)
    validate_scores(criteria_set, data)
    by_id = {c.id: c for c in criteria_set.criteria}
    existing = {s.criterion_id: s for s in db.session.scalars(db.select(Score).where(
        Score.initiative_id == ini.id, Score.criterion_id.in_(by_id)))}
    before: Snapshot = {by_id[cid].code: f"{s.score}: {s.motivation or ''}" for cid, s in existing.items()}
    moment = now()
    for criterion_id, entry in data.entries.items():
        row = existing.get(criterion_id)
        if entry.score is None:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = Score(initiative_id=ini.id, criterion_id=criterion_id, scored_at=moment)
            db.session.add(row)
        assert entry.motivation is not None     # validate_scores: a score has its motivation
        row.score, row.motivation = entry.score, entry.motivation.strip()
        row.scored_by_id, row.scored_at = actor.id, moment
    after: Snapshot = {by_id[cid].code: f"{e.score}: {(e.motivation or '').strip()}"
             for cid, e in data.entries.items() if e.score is not None}
    record_changes(entity_type="score", entity_id=criteria_set.id, initiative_id=ini.id,
                   action="update", before=before, after=after, user_id=actor.id,
                   reason=_("Poängsättning %(year)d", year=criteria_set.year))
    db.session.flush()
    return list(existing.values())


@dataclass(frozen=True)
class PlannedOutcome:
    """What recording the decision does to one named initiative (shown before it is recorded)."""

    initiative: Initiative
    outcome: G.DecisionOutcome

    @property
    def missing_labels(self) -> list[str]:
        verdict = self.outcome.verdict
        return [str(REQUIREMENT_LABELS[c]) for c in verdict.missing] if verdict else []


def _decision_problems(data: DecisionInput) -> tuple[dict, CriteriaSet | None, list[Initiative],
                                                      PortfolioDecision | None]:
    """Every problem with the decision (by field), and the rows it names."""
    errors: dict[str, str] = {}
    check_texts({name: getattr(data, name) for name in PortfolioDecision.LIMITS}, PortfolioDecision.LIMITS,
                errors)
    if data.body not in DecisionBody.values():
        errors["body"] = _("Välj vilket organ som beslutat.")
    if data.decision not in Decision.values():
        errors["decision"] = _("Välj beslut.")
    if not (data.reason or "").strip():
        errors["reason"] = _("Ange skälet till beslutet – det visas för alla.")
    if not isinstance(data.decided_on, date):
        errors["decided_on"] = _("Ange beslutsdatum.")
    elif data.decided_on > today():
        errors["decided_on"] = _("Beslutsdatum kan inte ligga i framtiden.")
    criteria_set = get_set(data.year) if isinstance(data.year, int) else None
    if criteria_set is None:
        errors["year"] = _("Det finns inga kriterier för året.")
    ids = list(dict.fromkeys(data.initiative_ids or []))
    initiatives = list(db.session.scalars(db.select(Initiative).where(
        Initiative.id.in_(ids), Initiative.archived.is_(False)).order_by(Initiative.ref))) if ids else []
    if not ids:
        errors["initiative_ids"] = _("Välj minst ett initiativ.")
    elif len(initiatives) != len(ids):
        errors["initiative_ids"] = _("Ett av de valda initiativen finns inte.")
    corrects = None
    if data.corrects_id:
        corrects = db.session.get(PortfolioDecision, data.corrects_id)
        if corrects is None:
            errors["corrects_id"] = _("Beslutet som ska rättas finns inte.")
    if data.override_reason and not data.move:
        errors["override_reason"] = _("Ett undantag från fasgrindarna gäller bara när initiativen flyttas.")
    return errors, criteria_set, initiatives, corrects


def validate_decision(data: DecisionInput) -> None:
    """Every problem with the decision's own fields at once (the gates are checked on recording)."""
    errors = _decision_problems(data)[0]
    if errors:
        raise ServiceValidationError(errors)


def plan_decision(data: DecisionInput, initiatives: list[Initiative]) -> list[PlannedOutcome]:
    """Per initiative, what the decision will do: move it through its gate, leave it where it is
    (never backwards), or not be possible because of what is missing. Reads only."""
    programme = current_programme()
    target = DECISION_PHASE.get(data.decision)
    conds = conditions(programme.risk.acceptable_max_score)
    rows = {row[0]: row[1:] for row in db.session.execute(
        db.select(Initiative.id, *[c.label(code) for code, c in conds.items()])
        .where(Initiative.id.in_([i.id for i in initiatives])))} if initiatives else {}
    planned = []
    for ini in initiatives:
        status = {code: bool(v) for code, v in zip(conds, rows.get(ini.id, ()), strict=False)}
        if data.decision == Decision.PRIORITERAD:
            status[completeness.DECISION] = True      # the decision being recorded
        elif data.decision in Decision.values():
            status[completeness.DECISION] = False
        planned.append(PlannedOutcome(ini, G.decision_outcome(
            ini.phase, target, gates=programme.gates, status=status, move=bool(data.move),
            override_reason=(data.override_reason or "").strip() or None)))
    return planned


def preview_decision(data: DecisionInput | dict, actor) -> tuple[dict, list[PlannedOutcome]]:
    """The problems with the form and what recording it would do, without saving anything."""
    _require_office(actor)
    data = DecisionInput.of(data)
    errors, _set, initiatives, _corrects = _decision_problems(data)
    return errors, plan_decision(data, initiatives)


def _blocked_message(item: PlannedOutcome) -> str:
    verdict = item.outcome.verdict
    assert verdict is not None and item.outcome.target is not None   # a blocked move has both
    if verdict.refusal == G.SKIP:
        return _("%(ref)s är i %(current)s och kan inte hoppa direkt till %(phase)s.", ref=item.initiative.ref,
                 current=phase_label(item.outcome.current), phase=phase_label(item.outcome.target))
    if verdict.refusal == G.CLOSED:
        return _("%(ref)s är stängt och kan bara återöppnas på initiativets sida.", ref=item.initiative.ref)
    return _("%(ref)s klarar inte fasgrinden till %(phase)s: %(missing)s", ref=item.initiative.ref,
             phase=phase_label(item.outcome.target), missing="; ".join(item.missing_labels))


def record_decision(data: DecisionInput | dict, actor) -> PortfolioDecision:
    """Record a frozen decision on one or more initiatives. With `move`, the named initiatives go
    through their gates in the same transaction, all or nothing: a decision never moves an
    initiative backwards or past a gate it does not meet, unless the office gives an
    `override_reason`, which is recorded as an override for each gate passed unmet."""
    _require_office(actor)
    data = DecisionInput.of(data)
    errors, criteria_set, initiatives, corrects = _decision_problems(data)
    planned = [] if errors else plan_decision(data, initiatives)
    blocked = [p for p in planned if p.outcome.action == "blocked"]
    if blocked:
        errors["initiative_ids"] = " ".join(_blocked_message(p) for p in blocked) + " " + _(
            "Inget är sparat. Komplettera underlaget, registrera beslutet utan att flytta "
            "initiativen, eller gör ett motiverat undantag.")
    if errors:
        raise ServiceValidationError(errors)
    # No errors: the set exists and there is a reason.
    assert criteria_set is not None and data.reason is not None
    decision = PortfolioDecision(
        year=data.year, body=data.body, decided_on=data.decided_on,
        decision=data.decision, reason=data.reason.strip(),
        diarienummer=(data.diarienummer or "").strip() or None,
        corrects=corrects, created_by_id=actor.id, created_at=now(), initiatives=initiatives)
    db.session.add(decision)
    db.session.flush()
    criteria_set.frozen = True
    note = _("Portföljbeslut %(id)d: %(decision)s. %(reason)s", id=decision.id,
             decision=data.decision, reason=decision.reason)
    for item in planned:
        ini, outcome = item.initiative, item.outcome
        if outcome.action in ("moves", "overridden"):
            # A move has its target and verdict; an overridden one was given its reason.
            assert outcome.target is not None and outcome.verdict is not None
            reason = note
            if outcome.action == "overridden":
                assert data.override_reason is not None
                reason = note + " " + record_override(ini, outcome.target, outcome.verdict.missing,
                                                      data.override_reason.strip(), actor,
                                                      decision_id=decision.id)
            apply_phase(ini, outcome.target, actor, reason)
        else:
            record_changes(entity_type="initiative", entity_id=ini.id, action="decision",
                           before={}, after={"decision": data.decision}, user_id=actor.id,
                           reason=note)
    db.session.flush()
    return decision
