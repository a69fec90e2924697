"""Read side of the follow-up: a benefit's measurements and the to-do list (Att göra)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, extract, func, not_, select

from portfolio.auth import roles as R
from portfolio.auth.permissions import editable_area_ids
from portfolio.benefits.models import Benefit
from portfolio.domain import phases as P
from portfolio.domain import schedule
from portfolio.extensions import db
from portfolio.followups.models import Evaluation, FollowUp, Measurement
from portfolio.initiatives.models import Initiative
from portfolio.initiatives.queries import editable_initiatives_condition, escape_like
from portfolio.programme.loader import LeadTimes
from portfolio.programme.services import current_programme
from portfolio.risks.models import OPEN_STATUSES, Risk

MEASURED_PHASES = (P.GENOMFORANDE, P.UPPFOLJNING, P.AVSLUTAD)
FOLLOWED_UP_PHASES = (P.PLANERING, P.GENOMFORANDE, P.UPPFOLJNING)


def measurements(benefit_id: int) -> list[Measurement]:
    return list(db.session.scalars(select(Measurement).where(Measurement.benefit_id == benefit_id)
                                   .order_by(Measurement.measured_on, Measurement.id)))


def followups_of(initiative_id: int, *, newest_first: bool = True) -> list[FollowUp]:
    """An initiative's period follow-ups, newest period first (or oldest first, for the API)."""
    order = ((FollowUp.year.desc(), FollowUp.period.desc()) if newest_first
             else (FollowUp.year, FollowUp.period, FollowUp.id))
    return list(db.session.scalars(select(FollowUp).where(FollowUp.initiative_id == initiative_id)
                                   .order_by(*order)))


def latest_followup(initiative_id: int) -> FollowUp | None:
    """The follow-up saved last (a new one starts from its values)."""
    return db.session.scalar(select(FollowUp).where(FollowUp.initiative_id == initiative_id)
                             .order_by(FollowUp.updated_at.desc()).limit(1))


def followed_periods(initiative_id: int) -> set[tuple[int, str]]:
    """(year, period code) of every follow-up the initiative has."""
    return {(year, code) for year, code in db.session.execute(
        select(FollowUp.year, FollowUp.period).where(FollowUp.initiative_id == initiative_id))}


def period_taken(initiative_id: int, year: int, period: str, *, but: int | None = None) -> bool:
    """Whether another follow-up (than id `but`) covers this period."""
    return db.session.scalar(select(FollowUp.id).where(
        FollowUp.initiative_id == initiative_id, FollowUp.year == year, FollowUp.period == period,
        FollowUp.id != (but if but is not None else -1))) is not None


def evaluation_of(initiative_id: int) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.initiative_id == initiative_id))


def realised_share(baseline: Decimal | None, target: Decimal | None,
                   latest: Decimal | None) -> Decimal | None:
    """How far from baseline to target the latest value has come (0–1, may pass 1)."""
    if baseline is None or target is None or latest is None or target == baseline:
        return None
    return ((latest - baseline) / (target - baseline)).quantize(Decimal("0.001"))


def realised_per_year(benefit_id: int) -> dict[int, Decimal]:
    """Realised kronor per calendar year, summed in SQL."""
    year = extract("year", Measurement.measured_on)
    rows = db.session.execute(
        select(year, func.sum(Measurement.realised_amount))
        .where(Measurement.benefit_id == benefit_id, Measurement.realised_amount.is_not(None))
        .group_by(year))
    return {int(y): total or Decimal(0) for y, total in rows}


# Overdue work is grouped by how late it is; what is more than LONG_PAST_DAYS late is only
# summarised (a count per kind, expandable), since a long list of stale items hides the rest.
RECENT_DAYS = 30
LONG_PAST_DAYS = 90
SOON, RECENT, LATE, LONG_PAST = "soon", "recent", "late", "long"
LISTED_GROUPS = (RECENT, LATE, SOON)          # listed one by one, in this order
KINDS = ("measurement", "followup", "risk", "evaluation")


def lateness_group(days_late: int, overdue: bool) -> str:
    """soon (not yet due), recent (≤ 30 days late), late (31–90) or long (> 90)."""
    if not overdue:
        return SOON
    if days_late <= RECENT_DAYS:
        return RECENT
    return LATE if days_late <= LONG_PAST_DAYS else LONG_PAST


@dataclass
class TodoItem:
    kind: str            # measurement | followup | risk | evaluation
    initiative: Initiative
    committee: str
    due: date | None = None
    overdue: bool = False
    title: str = ""
    target_id: int | None = None
    detail: str = ""
    days_late: int = 0

    @property
    def group(self) -> str:
        return lateness_group(self.days_late, self.overdue)


@dataclass
class TodoList:
    today: date
    period: schedule.Period
    items: list[TodoItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    def of(self, kind: str) -> list[TodoItem]:
        return [i for i in self.items if i.kind == kind]

    def grouped(self, kind: str) -> list[tuple[str, list[TodoItem]]]:
        """The kind's items listed one by one, per lateness group (empty groups left out)."""
        rows = self.of(kind)
        return [(g, items) for g in LISTED_GROUPS if (items := [i for i in rows if i.group == g])]

    def long_past(self, kind: str) -> list[TodoItem]:
        return [i for i in self.of(kind) if i.group == LONG_PAST]

    def group_counts(self) -> dict[str, Counter]:
        """Per kind, how many items fall in each lateness group."""
        counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
        for item in self.items:
            counts[item.kind][item.group] += 1
        return counts

    def per_committee(self) -> list[tuple[str, Counter]]:
        counts: dict[str, Counter] = {}
        for item in self.items:
            counts.setdefault(item.committee, Counter())[item.kind] += 1
        return sorted(counts.items())


def has_todo_scope(user) -> bool:
    """Att göra is for those who may change initiatives: the office, programledare with areas and
    editors with units. Readers (viewers) only read; the list is not theirs. No query."""
    if not user.is_authenticated:
        return False
    return user.is_office or bool(editable_area_ids(user)) or (
        user.has_role(R.EDITOR) and bool(user.units))


def _committee_name(ini: Initiative) -> str:
    return ini.owning_unit.committee.name


# The rules of Att göra, once: `todo` lists the items, `todo_count` counts them (the navigation)
# with the same conditions, without loading the initiatives.

def _scope(user):
    return and_(editable_initiatives_condition(user), Initiative.archived.is_(False))


def _measured_benefits(scope, *columns):
    """Active, non-negative benefits of initiatives in a measured phase, with their last
    measurement date as the last column."""
    last = (select(Measurement.benefit_id, func.max(Measurement.measured_on).label("last"))
            .group_by(Measurement.benefit_id).subquery())
    return (select(*columns, last.c.last)
            .join(Initiative, Initiative.id == Benefit.initiative_id)
            .outerjoin(last, last.c.benefit_id == Benefit.id)
            .where(scope, Benefit.status == "aktiv", Benefit.kind != "negativ",
                   Initiative.phase.in_(MEASURED_PHASES)))


def _measurement_state(baseline_date, first_year, created_at, frequency, last_measured, today,
                       lead_days=schedule.DUE_SOON_DAYS):
    anchor = schedule.measurement_anchor(last_measured, baseline_date, first_year, created_at.date())
    return schedule.due_state(schedule.next_measurement_due(anchor, frequency), today, lead_days)


def _missing_followup(scope, period):
    has_followup = select(FollowUp.id).where(
        FollowUp.initiative_id == Initiative.id, FollowUp.year == period.year,
        FollowUp.period == period.code).exists()
    return and_(scope, Initiative.phase.in_(FOLLOWED_UP_PHASES), not_(has_followup))


def _risk_due(scope, today, lead_days=schedule.DUE_SOON_DAYS):
    soon = today + timedelta(days=lead_days)
    return and_(scope, Risk.status.in_(OPEN_STATUSES), Risk.review_date <= soon)


def _missing_evaluation(scope):
    has_evaluation = select(Evaluation.id).where(Evaluation.initiative_id == Initiative.id).exists()
    return and_(scope, Initiative.phase == P.AVSLUTAD, not_(has_evaluation))


def _evaluation_soon(scope, today, lead_days):
    """Initiatives still running whose end date is within the lead time, not yet evaluated."""
    has_evaluation = select(Evaluation.id).where(Evaluation.initiative_id == Initiative.id).exists()
    return and_(scope, Initiative.phase.in_((P.GENOMFORANDE, P.UPPFOLJNING)),
                Initiative.end_date >= today, Initiative.end_date <= today + timedelta(days=lead_days),
                not_(has_evaluation))


@dataclass(frozen=True)
class _Rules:
    """The dates that decide what is on the list today: the period whose follow-up is missing,
    the next period when its end is within the follow-up lead time, and each kind's lead time
    (the programme file's `reminders.lead_days`)."""

    period: schedule.Period
    next_period: schedule.Period | None
    lead: LeadTimes


def _rules(today: date) -> _Rules:
    programme = current_programme()
    lead = programme.lead_times
    period = schedule.current_period(today, programme.followup_periods)
    upcoming: schedule.Period | None = schedule.next_period(today, programme.followup_periods)
    if upcoming is not None and not schedule.within_lead(upcoming.ends, today, lead.followup):
        upcoming = None
    return _Rules(period, upcoming, lead)


def lead_times() -> LeadTimes:
    return current_programme().lead_times


def missing_followups(period: schedule.Period, user=None) -> list[Initiative]:
    """Initiatives (not archived; in the user's scope, or all) in a followed-up phase with no
    follow-up for `period`, by reference: the follow-up items of Att göra."""
    scope = _scope(user) if user is not None else Initiative.archived.is_(False)
    return list(db.session.scalars(select(Initiative).where(_missing_followup(scope, period))
                                   .order_by(Initiative.ref)))


def todo(user, today: date) -> TodoList:
    """What needs doing in the user's scope: measurements due or overdue, follow-ups missing for
    the current period (and the next one within its lead time), risks due for review (or past
    it), evaluations missing (and coming within their lead time). Each item knows how many days
    late it is; `TodoItem.group` sorts it into the lateness groups. The reminder digests list
    exactly this."""
    rules = _rules(today)
    period = rules.period
    scope = _scope(user)
    result = TodoList(today=today, period=period)

    rows = db.session.execute(_measured_benefits(scope, Benefit, Initiative)
                              .order_by(Initiative.id, Benefit.id))
    for benefit, ini, last_measured in rows:
        state = _measurement_state(benefit.baseline_date, benefit.first_year, benefit.created_at,
                                   benefit.frequency, last_measured, today, rules.lead.measurement)
        if state.overdue or state.due_soon:
            result.items.append(TodoItem("measurement", ini, _committee_name(ini), state.due,
                                         state.overdue, benefit.title, benefit.id,
                                         days_late=state.days_late))

    for ini in missing_followups(period, user):
        result.items.append(TodoItem("followup", ini, _committee_name(ini), period.ends,
                                     period.ends < today, ini.title,
                                     days_late=max(0, (today - period.ends).days)))
    if rules.next_period is not None:
        for ini in missing_followups(rules.next_period, user):
            result.items.append(TodoItem("followup", ini, _committee_name(ini),
                                         rules.next_period.ends, False, ini.title))

    for risk, ini in db.session.execute(
            select(Risk, Initiative).join(Initiative, Initiative.id == Risk.initiative_id)
            .where(_risk_due(scope, today, rules.lead.risk)).order_by(Risk.review_date)):
        assert risk.review_date is not None     # review_date <= soon: never NULL here
        state = schedule.due_state(risk.review_date, today)
        result.items.append(TodoItem("risk", ini, _committee_name(ini), risk.review_date,
                                     state.overdue, risk.title, risk.id,
                                     days_late=state.days_late))

    for ini in db.session.scalars(select(Initiative).where(_missing_evaluation(scope))
                                  .order_by(Initiative.ref)):
        due = ini.end_date or today
        result.items.append(TodoItem("evaluation", ini, _committee_name(ini), ini.end_date,
                                     True, ini.title, days_late=max(0, (today - due).days)))
    if rules.lead.evaluation:
        for ini in db.session.scalars(select(Initiative).where(
                _evaluation_soon(scope, today, rules.lead.evaluation)).order_by(Initiative.ref)):
            result.items.append(TodoItem("evaluation", ini, _committee_name(ini), ini.end_date,
                                         False, ini.title))
    result.items.sort(key=lambda i: (not i.overdue, i.due or today))
    return result


def todo_count(user, today: date) -> int:
    """How many items `todo` would list: the same conditions, counted in SQL (the measurements'
    schedule from plain columns), so the navigation does not load the list."""
    rules = _rules(today)
    scope = _scope(user)
    measurements = sum(
        1 for baseline, first_year, created_at, frequency, last_measured in db.session.execute(
            _measured_benefits(scope, Benefit.baseline_date, Benefit.first_year,
                               Benefit.created_at, Benefit.frequency).select_from(Benefit))
        if (state := _measurement_state(baseline, first_year, created_at, frequency,
                                        last_measured, today, rules.lead.measurement)).overdue
        or state.due_soon)

    def count(condition) -> int:
        return db.session.scalar(select(func.count()).select_from(Initiative).where(condition)) or 0

    risks = db.session.scalar(select(func.count()).select_from(Risk).join(
        Initiative, Initiative.id == Risk.initiative_id).where(
            _risk_due(scope, today, rules.lead.risk))) or 0
    upcoming = count(_missing_followup(scope, rules.next_period)) if rules.next_period else 0
    soon_evaluations = (count(_evaluation_soon(scope, today, rules.lead.evaluation))
                        if rules.lead.evaluation else 0)
    return (measurements + count(_missing_followup(scope, rules.period)) + upcoming + risks
            + count(_missing_evaluation(scope)) + soon_evaluations)


def lessons(q: str, page: int, per_page: int = 20):
    """Evaluations with lessons learned, searchable across the portfolio (erfarenheter)."""
    stmt = (select(Evaluation, Initiative).join(Initiative, Initiative.id == Evaluation.initiative_id)
            .where(Evaluation.lessons_learned.is_not(None)))
    if q:
        pattern = f"%{escape_like(q.lower())}%"
        stmt = stmt.where(func.lower(Evaluation.lessons_learned).like(pattern, escape="\\")
                          | func.lower(Initiative.title).like(pattern, escape="\\"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(stmt.order_by(Evaluation.evaluated_on.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total
