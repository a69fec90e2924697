"""The plan status matrix (committees × priority areas) for any year, as it was then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portfolio.domain.plan_status import PlanFacts, as_of_date, status_as_of
from portfolio.extensions import db
from portfolio.plans.models import CURRENT_PLAN_STATUSES, CommitteePlan, PlanGoal, PlanStatus
from portfolio.programme.models import OrgUnit
from portfolio.programme.queries import areas


@dataclass
class CommitteeRow:
    committee: OrgUnit
    status: str
    plan: CommitteePlan | None
    goals_per_area: dict[int, int]
    revision_overdue: bool


@dataclass
class PlanMatrix:
    year: int
    as_of: date
    areas: list
    rows: list[CommitteeRow]


def committees() -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).where(
        OrgUnit.kind == "namnd", OrgUnit.active.is_(True)).order_by(OrgUnit.sort_order)))


def facts(plan: CommitteePlan) -> PlanFacts:
    return PlanFacts(plan.id, plan.status, plan.started_on, plan.decided_on, plan.period_start,
                     plan.replaced_on, plan.created_at.date())


def matrix(year: int, today: date) -> PlanMatrix:
    as_of = as_of_date(year, today)
    plans = list(db.session.scalars(select(CommitteePlan)))
    by_committee: dict[int, list[CommitteePlan]] = {}
    for p in plans:
        by_committee.setdefault(p.committee_id, []).append(p)
    plan_by_id = {p.id: p for p in plans}
    # Goals per plan and area, counted in SQL.
    goal_counts: dict[tuple[int, int], int] = {
        (plan_id, area_id): n for plan_id, area_id, n in db.session.execute(
            select(PlanGoal.plan_id, PlanGoal.area_id, func.count(PlanGoal.id))
            .group_by(PlanGoal.plan_id, PlanGoal.area_id)) if area_id is not None}
    area_list = areas()
    rows = []
    for committee in committees():
        state = status_as_of([facts(p) for p in by_committee.get(committee.id, [])], as_of)
        plan = plan_by_id.get(state.plan_id) if state.plan_id else None
        rows.append(CommitteeRow(
            committee=committee, status=state.status, plan=plan,
            goals_per_area={a.id: goal_counts.get((plan.id, a.id), 0) if plan else 0 for a in area_list},
            revision_overdue=bool(plan and state.status == PlanStatus.BESLUTAD and plan.next_revision
                                  and plan.next_revision < as_of)))
    return PlanMatrix(year=year, as_of=as_of, areas=area_list, rows=rows)


def committee_plans(committee_id: int) -> list[CommitteePlan]:
    return list(db.session.scalars(select(CommitteePlan).where(
        CommitteePlan.committee_id == committee_id).order_by(CommitteePlan.created_at.desc())))


def all_goals() -> list[PlanGoal]:
    """Goals of current (non-replaced) plans, for linking initiatives."""
    return list(db.session.scalars(select(PlanGoal).join(CommitteePlan).where(
        CommitteePlan.status.in_(CURRENT_PLAN_STATUSES)).order_by(
        CommitteePlan.committee_id, PlanGoal.id)))


def decided_plans(committee_id: int, *, but: int) -> list[CommitteePlan]:
    """The committee's decided plans other than plan `but`."""
    return list(db.session.scalars(select(CommitteePlan).where(
        CommitteePlan.committee_id == committee_id, CommitteePlan.id != but,
        CommitteePlan.status == PlanStatus.BESLUTAD.value)))


def plans_listed(committee_id: int | None = None, status: str | None = None):
    """Every plan (replaced ones are history), by committee; a statement for paging."""
    stmt = select(CommitteePlan).order_by(CommitteePlan.committee_id, CommitteePlan.id)
    if committee_id:
        stmt = stmt.where(CommitteePlan.committee_id == committee_id)
    if status:
        stmt = stmt.where(CommitteePlan.status == status)
    return stmt
