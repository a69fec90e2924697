"""Criteria sets, scores and portfolio decisions. Only the project office writes here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.auth import permissions
from portfolio.changelog.services import now, record_changes
from portfolio.clock import today
from portfolio.domain import completeness
from portfolio.domain import gates as G
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.initiatives.services import apply_phase, record_override
from portfolio.labels import phase_label
from portfolio.prioritisation.models import DECISION_BODIES, DECISIONS, CriteriaSet, Criterion, PortfolioDecision, Score
from portfolio.programme.loader import Programme
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

DECISION_PHASE = {"prioriterad": P.PRIORITERAD, "avslag": P.AVSLAGEN, "avbryt": P.AVBRUTEN}


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


def get_set(year: int) -> CriteriaSet | None:
    return db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == year))


def copy_set(source: CriteriaSet, year: int, actor) -> CriteriaSet:
    """Start a year's set from another year's criteria, weights, scales and ceiling."""
    _require_office(actor)
    if not 2000 <= year <= 2100:
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


def update_weights(criteria_set: CriteriaSet, weights: dict[int, Decimal | None],
                   ceiling: Decimal | None, actor) -> CriteriaSet:
    _require_office(actor)
    if criteria_set.frozen:
        raise ServiceValidationError({"form": _(
            "Kriterierna för %(year)d har använts i ett beslut och är låsta. Starta ett nytt års "
            "kriterier i stället.", year=criteria_set.year)})
    errors: dict[str, str] = {}
    by_id = {c.id: c for c in criteria_set.criteria}
    for criterion_id, weight in weights.items():
        if criterion_id not in by_id:
            errors["form"] = _("Okänt kriterium.")
        elif weight is None or weight < 0:
            errors[f"weight-{criterion_id}"] = _("Ange en vikt som är 0 eller större.")
    if not errors and sum(w for w in weights.values() if w) == 0:
        errors["form"] = _("Minst en vikt måste vara större än noll.")
    if ceiling is not None and ceiling < 0:
        errors["ceiling"] = _("Budgettaket kan inte vara negativt.")
    if errors:
        raise ServiceValidationError(errors)
    before = {c.code: str(c.weight) for c in criteria_set.criteria} | {
        "budget_ceiling": str(criteria_set.budget_ceiling)}
    for criterion_id, weight in weights.items():
        by_id[criterion_id].weight = weight
    criteria_set.budget_ceiling = ceiling
    criteria_set.version += 1
    record_changes(entity_type="criteria_set", entity_id=criteria_set.id, action="update",
                   before=before, after={c.code: str(c.weight) for c in criteria_set.criteria}
                   | {"budget_ceiling": str(ceiling)}, user_id=actor.id)
    db.session.flush()
    return criteria_set


def save_scores(ini: Initiative, criteria_set: CriteriaSet,
                entries: dict[int, tuple[int | None, str | None]], actor) -> list[Score]:
    """Scores 1–5 with a short motivation per criterion; an empty score leaves it unscored."""
    _require_office(actor)
    errors: dict[str, str] = {}
    by_id = {c.id: c for c in criteria_set.criteria}
    for criterion_id, (value, motivation) in entries.items():
        if criterion_id not in by_id:
            errors["form"] = _("Okänt kriterium.")
            continue
        check_texts({f"motivation-{criterion_id}": motivation},
                    {f"motivation-{criterion_id}": 2000}, errors)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[f"score-{criterion_id}"] = _("Poängen ska vara ett heltal 1–5.")
        elif not (motivation or "").strip():
            errors[f"motivation-{criterion_id}"] = _("Motivera poängen kort.")
    if errors:
        raise ServiceValidationError(errors)
    existing = {s.criterion_id: s for s in db.session.scalars(db.select(Score).where(
        Score.initiative_id == ini.id, Score.criterion_id.in_(by_id)))}
    before = {by_id[cid].code: f"{s.score}: {s.motivation or ''}" for cid, s in existing.items()}
    moment = now()
    for criterion_id, (value, motivation) in entries.items():
        row = existing.get(criterion_id)
        if value is None:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = Score(initiative_id=ini.id, criterion_id=criterion_id, scored_at=moment)
            db.session.add(row)
        row.score, row.motivation = value, motivation.strip()
        row.scored_by_id, row.scored_at = actor.id, moment
    after = {by_id[cid].code: f"{v}: {(m or '').strip()}" for cid, (v, m) in entries.items() if v is not None}
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
        from portfolio.decision_basis.labels import REQUIREMENT_LABELS

        verdict = self.outcome.verdict
        return [str(REQUIREMENT_LABELS[c]) for c in verdict.missing] if verdict else []


def _validate_decision(values: dict) -> tuple[dict, CriteriaSet | None, list[Initiative], PortfolioDecision | None]:
    errors: dict[str, str] = {}
    check_texts(values, {"reason": 5000, "diarienummer": 60, "override_reason": 2000}, errors)
    if values.get("body") not in DECISION_BODIES:
        errors["body"] = _("Välj vilket organ som beslutat.")
    if values.get("decision") not in DECISIONS:
        errors["decision"] = _("Välj beslut.")
    if not (values.get("reason") or "").strip():
        errors["reason"] = _("Ange skälet till beslutet – det visas för alla.")
    decided_on = values.get("decided_on")
    if not isinstance(decided_on, date):
        errors["decided_on"] = _("Ange beslutsdatum.")
    elif decided_on > today():
        errors["decided_on"] = _("Beslutsdatum kan inte ligga i framtiden.")
    year = values.get("year")
    criteria_set = get_set(year) if isinstance(year, int) else None
    if criteria_set is None:
        errors["year"] = _("Det finns inga kriterier för året.")
    ids = list(dict.fromkeys(values.get("initiative_ids") or []))
    initiatives = list(db.session.scalars(db.select(Initiative).where(
        Initiative.id.in_(ids), Initiative.archived.is_(False)).order_by(Initiative.ref))) if ids else []
    if not ids:
        errors["initiative_ids"] = _("Välj minst ett initiativ.")
    elif len(initiatives) != len(ids):
        errors["initiative_ids"] = _("Ett av de valda initiativen finns inte.")
    corrects = None
    if values.get("corrects_id"):
        corrects = db.session.get(PortfolioDecision, values["corrects_id"])
        if corrects is None:
            errors["corrects_id"] = _("Beslutet som ska rättas finns inte.")
    if values.get("override_reason") and not values.get("move", True):
        errors["override_reason"] = _("Ett undantag från fasgrindarna gäller bara när initiativen flyttas.")
    return errors, criteria_set, initiatives, corrects


def plan_decision(values: dict, initiatives: list[Initiative]) -> list[PlannedOutcome]:
    """Per initiative, what the decision will do: move it through its gate, leave it where it is
    (never backwards), or not be possible because of what is missing. Reads only."""
    from portfolio.decision_basis.requirements import conditions
    from portfolio.programme.services import current_programme

    programme = current_programme()
    target = DECISION_PHASE.get(values.get("decision"))
    conds = conditions(programme.risk.acceptable_max_score)
    rows = {row[0]: row[1:] for row in db.session.execute(
        db.select(Initiative.id, *[c.label(code) for code, c in conds.items()])
        .where(Initiative.id.in_([i.id for i in initiatives])))} if initiatives else {}
    planned = []
    for ini in initiatives:
        status = {code: bool(v) for code, v in zip(conds, rows.get(ini.id, ()), strict=False)}
        if values.get("decision") == "prioriterad":
            status[completeness.DECISION] = True      # the decision being recorded
        elif values.get("decision") in DECISIONS:
            status[completeness.DECISION] = False
        planned.append(PlannedOutcome(ini, G.decision_outcome(
            ini.phase, target, gates=programme.gates, status=status, move=bool(values.get("move", True)),
            override_reason=(values.get("override_reason") or "").strip() or None)))
    return planned


def preview_decision(values: dict, actor) -> tuple[dict, list[PlannedOutcome]]:
    """The problems with the form and what recording it would do, without saving anything."""
    _require_office(actor)
    errors, _set, initiatives, _corrects = _validate_decision(values)
    return errors, plan_decision(values, initiatives)


def _blocked_message(item: PlannedOutcome) -> str:
    verdict = item.outcome.verdict
    if verdict.refusal == G.SKIP:
        return _("%(ref)s är i %(current)s och kan inte hoppa direkt till %(phase)s.", ref=item.initiative.ref,
                 current=phase_label(item.outcome.current), phase=phase_label(item.outcome.target))
    if verdict.refusal == G.CLOSED:
        return _("%(ref)s är stängt och kan bara återöppnas på initiativets sida.", ref=item.initiative.ref)
    return _("%(ref)s klarar inte fasgrinden till %(phase)s: %(missing)s", ref=item.initiative.ref,
             phase=phase_label(item.outcome.target), missing="; ".join(item.missing_labels))


def record_decision(values: dict, actor) -> PortfolioDecision:
    """Record a frozen decision on one or more initiatives. With `move`, the named initiatives go
    through their gates in the same transaction, all or nothing: a decision never moves an
    initiative backwards or past a gate it does not meet, unless the office gives an
    `override_reason`, which is recorded as an override for each gate passed unmet."""
    _require_office(actor)
    errors, criteria_set, initiatives, corrects = _validate_decision(values)
    planned = [] if errors else plan_decision(values, initiatives)
    blocked = [p for p in planned if p.outcome.action == "blocked"]
    if blocked:
        errors["initiative_ids"] = " ".join(_blocked_message(p) for p in blocked) + " " + _(
            "Inget är sparat. Komplettera underlaget, registrera beslutet utan att flytta "
            "initiativen, eller gör ett motiverat undantag.")
    if errors:
        raise ServiceValidationError(errors)
    decision = PortfolioDecision(
        year=values["year"], body=values["body"], decided_on=values["decided_on"],
        decision=values["decision"], reason=values["reason"].strip(),
        diarienummer=(values.get("diarienummer") or "").strip() or None,
        corrects=corrects, created_by_id=actor.id, created_at=now(), initiatives=initiatives)
    db.session.add(decision)
    db.session.flush()
    criteria_set.frozen = True
    note = _("Portföljbeslut %(id)d: %(decision)s. %(reason)s", id=decision.id,
             decision=values["decision"], reason=decision.reason)
    for item in planned:
        ini, outcome = item.initiative, item.outcome
        if outcome.action in ("moves", "overridden"):
            reason = note
            if outcome.action == "overridden":
                reason = note + " " + record_override(ini, outcome.target, outcome.verdict.missing,
                                                      values["override_reason"].strip(), actor,
                                                      decision_id=decision.id)
            apply_phase(ini, outcome.target, actor, reason)
        else:
            record_changes(entity_type="initiative", entity_id=ini.id, action="decision",
                           before={}, after={"decision": values["decision"]}, user_id=actor.id,
                           reason=note)
    db.session.flush()
    return decision
