"""Reads per committee (nämnd) for the views KS asks for in the yearly follow-up: initiatives per
priority area, benefits planned against realised, staffing, the risk picture and the budget up to
the year read, each per committee. A mixin of the dashboard reader: same scope, same as-of rules,
SQL aggregates only."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from sqlalchemy import case, func, select

from portfolio.benefits.models import Benefit
from portfolio.dashboards.contract import (
    CommitteeAmount,
    CommitteeArea,
    CommitteeBenefitPlanLine,
    CommitteeKindAmount,
    CommitteeRiskScore,
    NamedAmount,
)
from portfolio.dashboards.scope import ScopedReader
from portfolio.decision_basis.requirements import unhandled_risk_condition
from portfolio.domain import phases as P
from portfolio.domain.benefit_calc import MONEY_KINDS
from portfolio.extensions import db
from portfolio.followups.models import Measurement
from portfolio.initiatives.models import FundingLine, Initiative, StaffingLine
from portfolio.programme.models import PriorityArea
from portfolio.risks.models import OPEN_STATUSES, RISK, Risk

ACTIVE = (P.BEHOVSANALYS, P.PRIORITERAD, P.PLANERING, P.GENOMFORANDE, P.UPPFOLJNING)


class CommitteeReads(ScopedReader):
    """The per-committee part of DashboardReader (same scope and as-of rules)."""

    def initiatives_by_committee_and_area(self) -> tuple[CommitteeArea, ...]:
        """Active initiatives (as of the year read) per committee and primary priority area."""
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, PriorityArea.name, func.count(Initiative.id))
                            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
                            .where(self.phase.in_(ACTIVE))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(CommitteeArea(*r) for r in db.session.execute(
            stmt.group_by(name, PriorityArea.name).order_by(name, PriorityArea.name)))

    def fte_by_committee(self) -> tuple[CommitteeAmount, ...]:
        """Planned staffing (årsarbetare) of the year read, per committee."""
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, func.sum(StaffingLine.fte))
                            .join(StaffingLine, StaffingLine.initiative_id == Initiative.id)
                            .where(StaffingLine.year == self.filters.year)).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(CommitteeAmount(*r) for r in db.session.execute(stmt.group_by(name).order_by(name)))

    def realised_by_committee(self) -> tuple[CommitteeKindAmount, ...]:
        """Realised kronor in the year read per committee and benefit kind."""
        parent, name = self._committee_name()
        year = self.filters.year
        stmt = self._scoped(select(name, Benefit.kind, func.sum(Measurement.realised_amount))
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .join(Measurement, Measurement.benefit_id == Benefit.id)
                            .where(Benefit.kind.in_(MONEY_KINDS),
                                   Measurement.realised_amount.is_not(None),
                                   func.extract("year", Measurement.measured_on) == year)).outerjoin(
            parent, parent.id == self._unit.parent_id)
        if self.as_of_end is not None:
            stmt = stmt.where(Measurement.measured_on <= self.as_of_end.date())
        return tuple(CommitteeKindAmount(c, k, amount if amount is not None else Decimal(0))
                     for c, k, amount in db.session.execute(stmt.group_by(name, Benefit.kind).order_by(name)))

    def planned_benefit_lines_by_committee(self) -> tuple[CommitteeBenefitPlanLine, ...]:
        """(committee, kind, first, last, amount, volume, minutes, hourly, share, ramp) per benefit."""
        parent, name = self._committee_name()
        stmt = self._scoped(select(name, Benefit.kind, Benefit.first_year, Benefit.last_year,
                                   Benefit.amount, Benefit.volume, Benefit.minutes_saved,
                                   Benefit.hourly_cost, Benefit.realisation_share, Benefit.ramp_up)
                            .join(Benefit, Benefit.initiative_id == Initiative.id)
                            .where(Benefit.kind.in_(MONEY_KINDS),
                                   Benefit.first_year.is_not(None))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        # _make: first_year is never None here (filtered in SQL), which the row's type says.
        return tuple(CommitteeBenefitPlanLine._make(r) for r in db.session.execute(stmt))

    def open_risks_by_committee(self) -> tuple[CommitteeRiskScore, ...]:
        """Open risks per committee and score (probability × consequence), with how many of them
        are above the acceptable level without mitigation, owner and due date."""
        parent, name = self._committee_name()
        score = Risk.probability * Risk.consequence
        unhandled = func.sum(case((unhandled_risk_condition(self.acceptable), 1), else_=0))
        stmt = self._scoped(select(name, score, func.count(Risk.id), unhandled)
                            .join(Risk, Risk.initiative_id == Initiative.id)
                            .where(Risk.kind == RISK, Risk.status.in_(OPEN_STATUSES))).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(CommitteeRiskScore(c, int(s), int(n), int(u or 0)) for c, s, n, u in db.session.execute(
            stmt.group_by(name, score).order_by(name, score)))

    def funding_to_year(self, by: Literal["committee", "area"]) -> tuple[NamedAmount, ...]:
        """The budget up to and including the year read: funding lines (all sources) of the years
        up to it, summed per committee (by="committee") or primary priority area (by="area"), for
        the initiatives in scope (as of the end of a past year). The same period as `cost_to_date`,
        which is each initiative's cumulative cost in its latest follow-up up to the year read."""
        parent, committee = self._committee_name()
        group = committee if by == "committee" else PriorityArea.name
        stmt = self._scoped(select(group, func.sum(FundingLine.amount))
                            .join(PriorityArea, PriorityArea.id == Initiative.primary_area_id)
                            .join(FundingLine, FundingLine.initiative_id == Initiative.id)
                            .where(FundingLine.year <= self.filters.year)).outerjoin(
            parent, parent.id == self._unit.parent_id)
        return tuple(NamedAmount(name, amount if amount is not None else Decimal(0))
                     for name, amount in db.session.execute(stmt.group_by(group).order_by(group)))
