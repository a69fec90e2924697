"""The read-only data reader for dashboard plugins: every method aggregates in SQL and returns
frozen rows (the typed named tuples of `contract`). Filters (year, committee, area) are applied
here, once (see `scope.ScopedReader`). `DashboardReader` implements `contract.ReaderV1`."""

from __future__ import annotations

import functools
import inspect
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeVarTuple

from sqlalchemy import ColumnElement, Exists, Select, and_, case, extract, func, literal, select
from sqlalchemy.orm import aliased

from portfolio.benefits.models import Benefit
from portfolio.dashboards.committee_reads import CommitteeReads
from portfolio.dashboards.contract import (
    ACTIVE_PHASES,
    ActionCountRow,
    AnswerRow,
    AreaBenefitPlanLine,
    AreaPhase,
    AuditQuestionRow,
    AuditScopeRow,
    BenefitPlanLine,
    Cell,
    Filters,
    FrameInitiativesRow,
    FrameYearRow,
    Money3,
    Named,
    NamedAmount,
    PlanStateRow,
    ReaderV1,
    ResponseCountRow,
    Share,
    ShareMemberRow,
    Span,
    Systematics,
    YearMoney,
    YearValue,
)
from portfolio.decision_basis.requirements import conditions, unhandled_risk_condition
from portfolio.domain import phases as P
from portfolio.domain.benefit_calc import MONEY_KINDS
from portfolio.extensions import db
from portfolio.followups.models import Evaluation, FollowUp, Measurement
from portfolio.ideas.similar import groups_across_committees
from portfolio.initiatives.models import FundingLine, Initiative, StaffingLine
from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
from portfolio.programme.services import current_programme
from portfolio.risks.models import OPEN_STATUSES, RISK, Risk

Ts = TypeVarTuple("Ts")

__all__ = ["ACTIVE_PHASES", "AreaPhase", "Cell", "DashboardReader", "Money3", "Named", "NamedAmount", "Share",
           "Span", "Systematics", "YearMoney", "YearValue"]


class DashboardReader(CommitteeReads):
    """What plugins may read. Only SELECTs; results are immutable tuples."""

    # -- portfolio -----------------------------------------------------------------------------
    def count_by_area_phase(self) -> tuple[AreaPhase, ...]:
        rows = self._scoped(select(PriorityArea.name.label("area"), self.phase.label("phase"))
                            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)).subquery()
        stmt = select(rows.c.area, rows.c.phase, func.count()).group_by(rows.c.area, rows.c.phase)
        return tuple(AreaPhase(*r) for r in db.session.execute(stmt) if r[1] is not None)

    def count_by_committee(self) -> tuple[Named, ...]:
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, func.count(Initiative.id))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(Named(*r) for r in db.session.execute(stmt.group_by(name).order_by(name)))

    def funding_by_area_and_source(self) -> tuple[Money3, ...]:
        stmt = self._scoped(
            select(PriorityArea.name, FundingSource.name, func.sum(FundingLine.amount))
            .join(FundingLine, FundingLine.initiative_id == Initiative.id)
            .join(FundingSource, FundingSource.id == FundingLine.source_id)
            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
            .where(FundingLine.year == self.filters.year))
        rows = db.session.execute(stmt.group_by(PriorityArea.name, FundingSource.name))
        return tuple(Money3(*r) for r in rows)

    def funding_by_committee_and_source(self) -> tuple[Money3, ...]:
        parent, name = self._committee_name()
        stmt = self._scoped(
            select(name, FundingSource.name, func.sum(FundingLine.amount))
            .join(FundingLine, FundingLine.initiative_id == Initiative.id)
            .join(FundingSource, FundingSource.id == FundingLine.source_id)
            .where(FundingLine.year == self.filters.year)).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(Money3(*r) for r in db.session.execute(stmt.group_by(name, FundingSource.name)))

    def funding_from_source(self, source_code: str) -> Decimal:
        stmt = self._scoped(select(func.coalesce(func.sum(FundingLine.amount), 0))
                            .join(FundingLine, FundingLine.initiative_id == Initiative.id)
                            .join(FundingSource, FundingSource.id == FundingLine.source_id)
                            .where(FundingLine.year == self.filters.year,
                                   FundingSource.code == source_code))
        return Decimal(db.session.scalar(stmt) or 0)

    # -- funding frames (a sum for a period of years, from the programme file) -----------------
    def _frame_lines(self, stmt: Select[*Ts], source_code: str, first_year: int,
                     last_year: int) -> Select[*Ts]:
        """Restrict `stmt` to funding lines from `source_code` in first_year..last_year, on
        initiatives registered by the end of the year read. A frame belongs to the whole
        programme, so the committee and area filters do not apply here."""
        stmt = (stmt.select_from(Initiative)
                .join(FundingLine, FundingLine.initiative_id == Initiative.id)
                .join(FundingSource, FundingSource.id == FundingLine.source_id)
                .where(Initiative.archived.is_(False), FundingSource.code == source_code,
                       FundingLine.year.between(first_year, last_year)))
        if self.as_of_end is not None:
            stmt = stmt.where(Initiative.created_at <= self.as_of_end)
        return stmt

    def frame_use_per_year(self, source_code: str, first_year: int, last_year: int) -> tuple[FrameYearRow, ...]:
        """Per year of a frame (every year, 0 where nothing is registered): kronor from the source
        registered on initiatives (summed in SQL) and the cumulative sum from the first year."""

        stmt = self._frame_lines(select(FundingLine.year, func.sum(FundingLine.amount)),
                                 source_code, first_year, last_year)
        sums = {year: amount for year, amount in db.session.execute(stmt.group_by(FundingLine.year))}
        rows, running = [], Decimal(0)
        for year in range(first_year, last_year + 1):
            registered = Decimal(sums.get(year) or 0)
            running += registered
            rows.append(FrameYearRow(year, registered, running))
        return tuple(rows)

    def frame_initiatives(self, source_code: str, first_year: int, last_year: int) -> FrameInitiativesRow:
        """How many initiatives have lines counted in `frame_use_per_year`, and how many of those
        are demo data (so a panel can say that the registered amounts are invented)."""

        stmt = self._frame_lines(select(func.count(func.distinct(Initiative.id)),
                                        func.count(func.distinct(case((Initiative.is_demo.is_(True),
                                                                       Initiative.id))))),
                                 source_code, first_year, last_year)
        total, demo = db.session.execute(stmt).one()
        return FrameInitiativesRow(int(total or 0), int(demo or 0))

    def fte_per_year(self) -> tuple[YearValue[Decimal], ...]:
        stmt = self._scoped(select(StaffingLine.year, func.sum(StaffingLine.fte))
                            .join(StaffingLine, StaffingLine.initiative_id == Initiative.id))
        return tuple(YearValue(*r) for r in db.session.execute(
            stmt.group_by(StaffingLine.year).order_by(StaffingLine.year)))

    def active_timeline(self) -> tuple[Span, ...]:
        stmt = self._scoped(select(Initiative.ref, Initiative.title, Initiative.start_date,
                                   Initiative.end_date, PriorityArea.name)
                            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
                            .where(self.phase.in_(P.ACTIVE), Initiative.start_date.is_not(None)))
        return tuple(Span(ref, title, start, end, area) for ref, title, start, end, area
                     in db.session.execute(stmt.order_by(Initiative.start_date)) if start is not None)

    # -- systematics (the audit's finding) -------------------------------------------------------
    def systematics_by_committee(self) -> tuple[Systematics, ...]:
        """Per committee, among initiatives past the idea stage: how many have each part of a
        systematic, documented way of working."""
        conds = self._conditions()
        parent, name = self._committee_name()
        required = self.phase.not_in((P.IDE, P.AVSLAGEN))
        closed = self.phase == P.AVSLUTAD

        def count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
            return func.sum(case((cond, 1), else_=0))

        followed = select(FollowUp.id).where(FollowUp.initiative_id == Initiative.id,
                                             FollowUp.year == self.filters.year).exists()
        stmt = self._scoped(select(
            name, func.count(Initiative.id), count_if(conds["needs_analysis_complete"]),
            count_if(conds["user_involvement"]), count_if(conds["risk_analysis"]),
            count_if(and_(conds["risk_analysis"], conds["risks_handled"])),
            count_if(conds["benefit_case"]), count_if(conds["benefit_owner"]), count_if(closed),
            count_if(and_(closed, self._evaluated())),
            count_if(and_(self.phase.in_((P.PLANERING, P.GENOMFORANDE, P.UPPFOLJNING)), followed)),
        ).where(required)).outerjoin(parent, parent.id == self._unit.parent_id)
        rows = db.session.execute(stmt.group_by(name).order_by(name))
        return tuple(Systematics(r[0], *[int(v or 0) for v in r[1:]]) for r in rows)

    def _evaluated(self) -> Exists:
        """The initiative had been evaluated by the end of the year read (today for the current)."""
        stmt = select(Evaluation.id).where(Evaluation.initiative_id == Initiative.id)
        if self.as_of_end is not None:
            stmt = stmt.where(Evaluation.evaluated_on <= self.as_of_end.date())
        return stmt.exists()

    def systematics_by_start_year(self) -> tuple[YearValue[int], ...]:
        """Trend: per start year, the share (%) of initiatives past the idea stage whose decision
        basis has a complete needs analysis, a benefit case and a risk analysis."""
        conds = self._conditions()
        complete = and_(conds["needs_analysis_complete"], conds["benefit_case"], conds["risk_analysis"])
        year = extract("year", Initiative.start_date)
        stmt = self._scoped(select(year, func.count(Initiative.id), func.sum(case((complete, 1), else_=0)))
                            .where(Initiative.start_date.is_not(None),
                                   self.phase.not_in((P.IDE, P.AVSLAGEN))))
        return tuple(YearValue(int(y), round(100 * int(m or 0) / n)) for y, n, m in
                     db.session.execute(stmt.group_by(year).order_by(year)) if n)

    # -- risks ---------------------------------------------------------------------------------
    def risk_matrix(self, residual: bool) -> tuple[Cell, ...]:
        """After mitigation (residual=True) only risks with both residual values are placed."""
        p = Risk.residual_probability if residual else Risk.probability
        c = Risk.residual_consequence if residual else Risk.consequence
        stmt = self._scoped(select(p, c, func.count(Risk.id))
                            .join(Risk, Risk.initiative_id == Initiative.id)
                            .where(Risk.kind == RISK, Risk.status.in_(OPEN_STATUSES),
                                   p.is_not(None), c.is_not(None)))
        return tuple(Cell(prob, cons, n) for prob, cons, n in db.session.execute(stmt.group_by(p, c))
                     if prob is not None and cons is not None)

    def unhandled_risks_by_committee(self) -> tuple[Named, ...]:
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, func.count(Risk.id))
                            .join(Risk, Risk.initiative_id == Initiative.id)
                            .where(unhandled_risk_condition(self.acceptable))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(Named(*r) for r in db.session.execute(stmt.group_by(name).order_by(name)))

    # -- benefits ------------------------------------------------------------------------------
    def realised_per_year(self) -> tuple[YearMoney, ...]:
        """Realised kronor per year and benefit kind (measurements with an amount)."""
        year = extract("year", Measurement.measured_on)
        stmt = self._scoped(select(year, Benefit.kind, literal(0), func.sum(Measurement.realised_amount))
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .join(Measurement, Measurement.benefit_id == Benefit.id)
                            .where(Benefit.kind.in_(MONEY_KINDS),
                                   Measurement.realised_amount.is_not(None)))
        if self.as_of_end is not None:
            stmt = stmt.where(Measurement.measured_on <= self.as_of_end.date())
        return tuple(YearMoney(int(y), k, Decimal(0), total or Decimal(0))
                     for y, k, _, total in db.session.execute(stmt.group_by(year, Benefit.kind)))

    def planned_benefit_lines(self) -> tuple[BenefitPlanLine, ...]:
        """The planning parameters of every financial and freed-time benefit (one query)."""
        stmt = self._scoped(select(Benefit.kind, Benefit.first_year, Benefit.last_year, Benefit.amount,
                                   Benefit.volume, Benefit.minutes_saved, Benefit.hourly_cost,
                                   Benefit.realisation_share, Benefit.ramp_up)
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .where(Benefit.kind.in_(MONEY_KINDS),
                                   Benefit.first_year.is_not(None)))
        # _make: first_year is never None here (filtered in SQL), which the row's type says.
        return tuple(BenefitPlanLine._make(r) for r in db.session.execute(stmt))

    def realised_by_area(self) -> tuple[Money3, ...]:
        """Realised kronor so far (up to the view's date) per priority area and benefit kind."""
        stmt = self._scoped(select(PriorityArea.name, Benefit.kind, func.sum(Measurement.realised_amount))
                            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .join(Measurement, Measurement.benefit_id == Benefit.id)
                            .where(Benefit.kind.in_(MONEY_KINDS),
                                   Measurement.realised_amount.is_not(None)))
        if self.as_of_end is not None:
            stmt = stmt.where(Measurement.measured_on <= self.as_of_end.date())
        return tuple(Money3(area, kind, amount if amount is not None else Decimal(0)) for area, kind, amount
                     in db.session.execute(stmt.group_by(PriorityArea.name, Benefit.kind)))

    def planned_benefit_lines_by_area(self) -> tuple[AreaBenefitPlanLine, ...]:
        """(area, kind, first, last, amount, volume, minutes, hourly, share, ramp) per benefit."""
        stmt = self._scoped(select(PriorityArea.name, Benefit.kind, Benefit.first_year, Benefit.last_year,
                                   Benefit.amount, Benefit.volume, Benefit.minutes_saved,
                                   Benefit.hourly_cost, Benefit.realisation_share, Benefit.ramp_up)
                            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .where(Benefit.kind.in_(MONEY_KINDS),
                                   Benefit.first_year.is_not(None)))
        return tuple(AreaBenefitPlanLine._make(r) for r in db.session.execute(stmt))

    def benefits_due_for_measurement(self) -> tuple[Named, ...]:
        """Per committee, active benefits whose next measurement is overdue (last measurement
        found in SQL; the due date from the pure schedule rules)."""
        from portfolio.domain import schedule

        day = self.as_of_end.date() if self.as_of_end else self.today
        last = (select(Measurement.benefit_id, func.max(Measurement.measured_on).label("last"))
                .where(Measurement.measured_on <= day).group_by(Measurement.benefit_id).subquery())
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, Benefit.frequency, Benefit.baseline_date, Benefit.first_year,
                                   Benefit.created_at, last.c.last)
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .outerjoin(last, last.c.benefit_id == Benefit.id)
                            .where(Benefit.status == "aktiv", Benefit.kind != "negativ",
                                   self.phase.in_((P.GENOMFORANDE, P.UPPFOLJNING, P.AVSLUTAD)))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        counts: dict[str, int] = {}
        for committee, frequency, baseline, first_year, created, last_measured in db.session.execute(stmt):
            anchor = schedule.measurement_anchor(last_measured, baseline, first_year, created.date())
            if schedule.next_measurement_due(anchor, frequency) < day:
                counts[committee] = counts.get(committee, 0) + 1
        return tuple(Named(k, v) for k, v in sorted(counts.items()))

    def cost_to_date(self, by: Literal["committee", "area"]) -> tuple[NamedAmount, ...]:
        """Cost to date from each initiative's latest follow-up up to the view's year (the
        latest year, and in it the latest period of the programme's follow-up periods: not the
        one edited last), summed per committee (by="committee") or priority area (by="area")."""
        periods = sorted(current_programme().followup_periods, key=lambda p: (p.month, p.day))
        mine = aliased(FollowUp)
        period_rank = case({p.code: n for n, p in enumerate(periods)}, value=mine.period, else_=-1)
        latest = (select(mine.id)
                  .where(mine.initiative_id == Initiative.id, mine.year <= self.filters.year,
                         mine.cost_to_date.is_not(None))
                  .order_by(mine.year.desc(), period_rank.desc(), mine.id.desc())
                  .limit(1).correlate(Initiative).scalar_subquery())
        parent, committee = self._committee_name()
        group = committee if by == "committee" else PriorityArea.name
        stmt = self._scoped(select(group, func.sum(FollowUp.cost_to_date))
                            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
                            .join(FollowUp, FollowUp.id == latest)
                            ).outerjoin(parent, parent.id == self._unit.parent_id)
        return tuple(NamedAmount(name, amount if amount is not None else Decimal(0))
                     for name, amount in db.session.execute(stmt.group_by(group).order_by(group)))

    def benefits_awaiting_verification(self) -> tuple[Named, ...]:
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, func.count(Benefit.id))
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .where(self.phase == P.AVSLUTAD, Benefit.status == "aktiv")).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(Named(*r) for r in db.session.execute(stmt.group_by(name).order_by(name)))

    def _conditions(self) -> dict:
        """The decision basis's conditions as SQL, built once per reader (building them costs
        more than some of the queries that use them)."""
        key = ("_conditions",)
        if key not in self._memo:
            self._memo[key] = conditions(self.acceptable)
        found: dict = self._memo[key]     # type: ignore[assignment]
        return found

    def _metric(self, metric: str) -> ColumnElement[bool]:
        """A named yes/no condition on an initiative, as SQL."""
        from portfolio.initiatives.models import initiative_participant
        from portfolio.plans.models import initiative_plan_goal

        conds = self._conditions()
        if metric == "goal_linked":
            return select(initiative_plan_goal.c.goal_id).where(
                initiative_plan_goal.c.initiative_id == Initiative.id).exists()
        if metric == "several_units":
            return select(initiative_participant.c.unit_id).where(
                initiative_participant.c.initiative_id == Initiative.id).exists()
        if metric == "owners_named":
            return and_(conds["need_owner"], conds["project_lead"], conds["initiative_benefit_owner"])
        if metric == "needs_and_case":
            return and_(conds["needs_analysis_complete"], conds["benefit_case"])
        if metric == "involvement_inclusion":
            return and_(conds["user_involvement"], conds["digital_inclusion"])
        if metric == "evaluation":
            return self._evaluated()        # evaluated by the end of the year read
        if metric == "followed_up":
            return select(FollowUp.id).where(FollowUp.initiative_id == Initiative.id,
                                             FollowUp.year == self.filters.year).exists()
        return conds[metric]

    # The metrics the audit questions, the yearly report and the dashboards ask shares of: read
    # together, per committee and phase, in one statement (`_share_grid`); any other metric alone.
    GRID_METRICS = ("goal_linked", "owners_named", "needs_and_case", "several_units", "involvement_inclusion",
                    "risk_analysis", "evaluation", "priority_area", "followed_up")

    def shares_by_committee(self, metric: str, phases: tuple[str, ...] = ACTIVE_PHASES) -> tuple[Share, ...]:
        """Per committee: how many initiatives in `phases` meet `metric`, and how many there are."""
        if metric in self.GRID_METRICS:
            column = self.GRID_METRICS.index(metric)
            totals: dict[tuple[str, int], list[int]] = {}
            for name, committee_id, phase, count, *matching in self._share_grid():
                if phase in phases:
                    found = totals.setdefault((name, committee_id), [0, 0])
                    found[0] += matching[column]
                    found[1] += count
            return tuple(Share(n, m, t, c) for (n, c), (m, t) in totals.items())   # in the grid's order
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, func.sum(case((self._metric(metric), 1), else_=0)),
                                   func.count(Initiative.id), self._committee)
                            .where(self.phase.in_(phases))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(Share(n, int(m or 0), int(t), c) for n, m, t, c in
                     db.session.execute(stmt.group_by(name, self._committee).order_by(name)))

    def _share_grid(self) -> list[tuple]:
        """Per committee and phase: (name, committee id, phase, initiatives, then how many meet
        each of GRID_METRICS), read once per reader."""
        key = ("_share_grid",)
        if key not in self._memo:
            parent, name = self._committee_name()
            sums = [func.sum(case((self._metric(m), 1), else_=0)) for m in self.GRID_METRICS]
            stmt = self._scoped(select(name, self._committee, self.phase, func.count(Initiative.id), *sums)
                                ).outerjoin(parent, parent.id == self._unit.parent_id)
            self._memo[key] = [(n, c, p, int(t), *(int(v or 0) for v in values)) for n, c, p, t, *values in
                               db.session.execute(stmt.group_by(name, self._committee, self.phase)
                                                  .order_by(name, self._committee))]
        grid: list[tuple] = self._memo[key]    # type: ignore[assignment]
        return grid

    def share_members(self, metric: str, phases: tuple[str, ...] = ACTIVE_PHASES) -> tuple[ShareMemberRow, ...]:
        """The initiatives a share of `shares_by_committee` counts, each with whether it meets the
        metric: the evidence behind an answer, for the same year, phases and filters."""

        parent, name = self._committee_name()
        matches = case((self._metric(metric), True), else_=False)
        stmt = self._scoped(select(self._committee, name, Initiative.id, Initiative.ref, Initiative.title,
                                   self.phase, matches)
                            .where(self.phase.in_(phases))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(ShareMemberRow(c, n, i, r, t, p, bool(m)) for c, n, i, r, t, p, m in
                     db.session.execute(stmt.order_by(name, Initiative.ref)))

    # -- plans, audits and recommendations ---------------------------------------------------
    # A past year reads these as they stood on its 31 December, like the phases above: a
    # response's status from its status history, an answer only from its meeting date, an
    # action as done only from the day it was done, and only what was registered by then.

    def _audit_day(self) -> date:
        return self.as_of_end.date() if self.as_of_end is not None else self.today

    @staticmethod
    def _audit_year() -> ColumnElement[int]:
        from portfolio.audits.models import Audit

        return func.coalesce(Audit.audit_year, extract("year", Audit.report_date))

    def audit_scope(self) -> AuditScopeRow | None:
        """The committees that the audit(s) of the year read cover (a fact stored with each
        audit), or None when no audit of that year names any."""
        from portfolio.audits.models import Audit, audit_committee

        rows = db.session.execute(
            select(Audit.title, OrgUnit.id, OrgUnit.name)
            .join(audit_committee, audit_committee.c.audit_id == Audit.id)
            .join(OrgUnit, OrgUnit.id == audit_committee.c.committee_id)
            .where(self._audit_year() == self.filters.year)
            .order_by(OrgUnit.sort_order, OrgUnit.id, Audit.id)).all()
        if not rows:
            return None
        names = dict((unit_id, name) for _, unit_id, name in rows)
        return AuditScopeRow(self.filters.year, tuple(dict.fromkeys(title for title, _, _ in rows)),
                             tuple(names.values()), tuple(names))

    def audit_questions(self) -> tuple[AuditQuestionRow, ...]:
        """The questions, in the audit's own wording, of the latest audit up to the year read
        (later years keep answering them); empty when no such audit has questions."""
        from portfolio.audits.models import Audit, AuditQuestion

        year = self._audit_year()
        latest = (select(Audit.id)
                  .where(year <= self.filters.year,
                         select(AuditQuestion.id).where(AuditQuestion.audit_id == Audit.id).exists())
                  .order_by(year.desc(), Audit.id.desc()).limit(1).scalar_subquery())
        stmt = (select(AuditQuestion.number, AuditQuestion.label, AuditQuestion.wording, Audit.title)
                .join(Audit, Audit.id == AuditQuestion.audit_id)
                .where(AuditQuestion.audit_id == latest).order_by(AuditQuestion.number))
        return tuple(AuditQuestionRow(*r) for r in db.session.execute(stmt))

    def plan_states(self) -> tuple[PlanStateRow, ...]:
        """Each committee's plan as it was at the end of the year (or today). In the year of an
        audit that names the committees it covers, only those (its question 2 is about them);
        in other years every committee."""
        from portfolio.plans.queries import matrix

        scope = self.audit_scope()
        result = matrix(self.filters.year, self.today)
        return tuple(PlanStateRow(r.committee.name, r.status, r.plan.title if r.plan else None,
                                  r.plan.decided_on if r.plan else None,
                                  r.plan.diarienummer if r.plan else None,
                                  r.plan.next_revision if r.plan else None, r.revision_overdue,
                                  bool(r.plan and r.plan.is_demo), r.committee.id,
                                  r.plan.id if r.plan else None)
                     for r in result.rows
                     if (not self.filters.committee_id or r.committee.id == self.filters.committee_id)
                     and (scope is None or r.committee.id in scope.committee_ids))

    def _answer_status(self):
        """The as-of status of a response (correlated to RecommendationResponse), whether that
        status is invented demo data, and the joined alias of its latest change."""
        from portfolio.audits.models import NOT_ANSWERED
        from portfolio.audits.models import RecommendationResponse as Answer
        from portfolio.audits.models import ResponseStatusChange as Change

        day = self._audit_day()
        latest = (select(Change.id).where(Change.response_id == Answer.id, Change.valid_from <= day)
                  .order_by(Change.valid_from.desc(), Change.id.desc()).limit(1)
                  .correlate(Answer).scalar_subquery())
        change = aliased(Change)
        later = and_(Answer.answer_date.is_not(None), Answer.answer_date > day)
        status = case((later, literal(NOT_ANSWERED)), (change.status.is_not(None), change.status),
                      (Answer.answer_date.is_not(None), literal("ej_paborjad")), else_=literal(NOT_ANSWERED))
        demo = case((and_(~later, change.is_demo.is_(True)), 1), else_=0)
        return status, demo, change, latest

    def response_counts(self) -> tuple[ResponseCountRow, ...]:
        """Answers per committee and status as they stood at the end of the year read: the
        latest status change on or before that day; "ej_besvarad" while the committee had not
        answered (meeting date later, or none and no status yet)."""
        from portfolio.audits.models import Recommendation
        from portfolio.audits.models import RecommendationResponse as Answer

        status, demo, change, latest = self._answer_status()
        rows = (select(OrgUnit.name.label("committee"), status.label("status"), demo.label("demo"))
                .select_from(Answer)
                .join(Recommendation, Recommendation.id == Answer.recommendation_id)
                .join(OrgUnit, OrgUnit.id == Answer.committee_id)
                .outerjoin(change, change.id == latest))
        if self.as_of_end is not None:
            rows = rows.where(Recommendation.created_at <= self.as_of_end)
        if self.filters.committee_id:
            rows = rows.where(Answer.committee_id == self.filters.committee_id)
        sub = rows.subquery()
        stmt = (select(sub.c.committee, sub.c.status, func.count(), func.sum(sub.c.demo))
                .group_by(sub.c.committee, sub.c.status).order_by(sub.c.committee, sub.c.status))
        return tuple(ResponseCountRow(c, s, int(n), int(d or 0)) for c, s, n, d in db.session.execute(stmt))

    def recommendation_answers(self) -> tuple[AnswerRow, ...]:
        """Each committee's answer to each recommendation as it stood at the end of the year read:
        status (and whether it is demo), actions registered and done by then, and the evidence
        (given for the current year only: the stored evidence describes today's state)."""
        from sqlalchemy import or_

        from portfolio.audits.models import Recommendation
        from portfolio.audits.models import RecommendationResponse as Answer
        from portfolio.audits.models import ResponseAction as Action

        day = self._audit_day()
        status, demo, change, latest = self._answer_status()
        done = and_(Action.done.is_(True), or_(Action.done_on.is_(None), Action.done_on <= day))
        registered = Action.response_id == Answer.id
        if self.as_of_end is not None:
            registered = and_(registered, Action.created_at <= self.as_of_end)
        total = select(func.count(Action.id)).where(registered).correlate(Answer).scalar_subquery()
        done_n = select(func.count(Action.id)).where(registered, done).correlate(Answer).scalar_subquery()
        stmt = (select(Answer.committee_id, OrgUnit.name, Recommendation.code, Recommendation.text, status, demo,
                       total, done_n, Answer.evidence if self.as_of_end is None else literal(None))
                .select_from(Answer)
                .join(Recommendation, Recommendation.id == Answer.recommendation_id)
                .join(OrgUnit, OrgUnit.id == Answer.committee_id)
                .outerjoin(change, change.id == latest))
        if self.as_of_end is not None:
            stmt = stmt.where(Recommendation.created_at <= self.as_of_end)
        if self.filters.committee_id:
            stmt = stmt.where(Answer.committee_id == self.filters.committee_id)
        return tuple(AnswerRow(c, n, code, text, s, bool(d), int(t or 0), int(k or 0), e)
                     for c, n, code, text, s, d, t, k, e in db.session.execute(
                         stmt.order_by(OrgUnit.name, Recommendation.code, Recommendation.id)))

    def action_counts(self) -> tuple[ActionCountRow, ...]:
        """Per committee: actions registered by the end of the year read, how many were done by
        then, how many were overdue then, and how many have an invented (demo) done-mark."""
        from sqlalchemy import or_

        from portfolio.audits.models import RecommendationResponse as Answer
        from portfolio.audits.models import ResponseAction as Action

        day = self._audit_day()
        done = and_(Action.done.is_(True), or_(Action.done_on.is_(None), Action.done_on <= day))
        overdue = and_(~done, Action.due_date.is_not(None), Action.due_date < day)

        def count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
            return func.sum(case((cond, 1), else_=0))

        stmt = (select(OrgUnit.name, func.count(Action.id), count_if(done), count_if(overdue),
                       count_if(Action.demo_fields.like("%done%")))
                .select_from(Action).join(Answer, Answer.id == Action.response_id)
                .join(OrgUnit, OrgUnit.id == Answer.committee_id))
        if self.as_of_end is not None:
            stmt = stmt.where(Action.created_at <= self.as_of_end)
        if self.filters.committee_id:
            stmt = stmt.where(Answer.committee_id == self.filters.committee_id)
        rows = db.session.execute(stmt.group_by(OrgUnit.name).order_by(OrgUnit.name))
        return tuple(ActionCountRow(c, int(t), int(d or 0), int(o or 0), int(m or 0)) for c, t, d, o, m in rows)

    def overdue_actions(self) -> int:
        """Actions that were past their due date and not done at the end of the year read."""
        return sum(row.overdue for row in self.action_counts())

    def demo_initiatives(self) -> tuple[int, int]:
        """(demo, total): how many of the initiatives in scope (as of the year read) are invented
        demo data, so every page built on them can say so."""
        stmt = self._scoped(select(func.sum(case((Initiative.is_demo.is_(True), 1), else_=0)),
                                   func.count(Initiative.id)))
        demo, total = db.session.execute(stmt).one()
        return int(demo or 0), int(total or 0)

    def possible_duplicates(self, limit: int = 200) -> tuple[tuple[str, str, str], ...]:
        """Groups of active initiatives of different committees whose texts are similar (title,
        description and the needs analysis's problem; the similarity engine of portfolio.ideas
        at the programme file's threshold; pairs the project office marked as not similar left
        out), joined where they share a member, the most similar first; each with at least one
        initiative in scope: (titles, refs, committees). Identical titles are one such group."""
        in_scope = set(db.session.scalars(self._scoped(select(Initiative.id).where(
            self.phase.in_(ACTIVE_PHASES)))))
        if not in_scope:
            return ()
        active = set(db.session.scalars(select(Initiative.id).where(
            Initiative.archived.is_(False), Initiative.phase.in_(ACTIVE_PHASES))))
        rows = []
        for group in groups_across_committees(sorted(in_scope | active), wanted=in_scope, limit=limit):
            titles = list(dict.fromkeys(member.title.strip() for member in group.members))
            same = len({t.lower() for t in titles}) == 1
            rows.append((titles[0] if same else " – ".join(titles),
                         ", ".join(member.ref for member in group.members),
                         ", ".join(sorted({member.committee for member in group.members}))))
        return tuple(rows)

    def unhandled_risk_count(self) -> int:
        return sum(row.count for row in self.unhandled_risks_by_committee())


def _memoised(method):
    """The method's result kept on the reader per arguments: a reader is one read of the data
    (one request, or one yearly report), and its results are immutable tuples, so a plugin or
    the report asking twice (the audit questions ask for shares nine times) reads once."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = method(self, *args, **kwargs)
            return value
        except TypeError:       # an unhashable argument: read without keeping
            return method(self, *args, **kwargs)
    return wrapper


for _name in [n for n in dir(DashboardReader) if not n.startswith("_")]:
    if inspect.isfunction(getattr(DashboardReader, _name)):
        setattr(DashboardReader, _name, _memoised(getattr(DashboardReader, _name)))


if TYPE_CHECKING:
    # mypy checks here that the concrete reader satisfies the plugins' contract.
    _contract: ReaderV1 = DashboardReader(Filters(year=2000), 0, date(2000, 1, 1))
