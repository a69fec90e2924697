"""The dashboard reader's scope: which initiatives a read covers (the filters, registered by the
end of a past year, not archived) and each initiative's phase as of then. Shared by the reader's
parts (`data.DashboardReader`, `committee_reads.CommitteeReads`)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased

from portfolio.changelog.models import ChangeLogEntry
from portfolio.dashboards.contract import Filters
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import OrgUnit

Ts = TypeVarTuple("Ts")


class ScopedReader:
    """Holds the filters and builds scoped SELECTs; only reads."""

    def __init__(self, filters: Filters, acceptable_risk: int, today: date):
        self.filters = filters
        self.acceptable = acceptable_risk
        self.today = today
        self._memo: dict[tuple, object] = {}     # results of the reader's reads (see data._memoised)
        self._unit = aliased(OrgUnit)
        self._committee: ColumnElement[int] = func.coalesce(self._unit.parent_id, self._unit.id)
        # A past year is shown as it was on 31 December: initiatives registered by then, in the
        # phase the change log says they had then.
        self.as_of_end = (datetime.combine(date(filters.year, 12, 31), time.max)
                          if filters.year < today.year else None)
        self.phase: ColumnElement[str]
        if self.as_of_end is None:
            self.phase = Initiative.phase.expression
        else:
            self.phase = (select(ChangeLogEntry.new_value)
                          .where(ChangeLogEntry.initiative_id == Initiative.id,
                                 ChangeLogEntry.entity_type == "initiative",
                                 ChangeLogEntry.field == "phase",
                                 ChangeLogEntry.changed_at <= self.as_of_end)
                          .order_by(ChangeLogEntry.changed_at.desc(), ChangeLogEntry.id.desc())
                          .limit(1).correlate(Initiative).scalar_subquery())

    def _scoped(self, stmt: Select[*Ts]) -> Select[*Ts]:
        f = self.filters
        stmt = stmt.select_from(Initiative).join(
            self._unit, self._unit.id == Initiative.owning_unit_id).where(
            Initiative.archived.is_(False))
        if self.as_of_end is not None:
            stmt = stmt.where(Initiative.created_at <= self.as_of_end)
        if f.committee_id:
            stmt = stmt.where(self._committee == f.committee_id)
        if f.area_id:
            stmt = stmt.where(Initiative.primary_area_id == f.area_id)
        return stmt

    def _committee_name(self) -> tuple[type[OrgUnit], ColumnElement[str]]:
        """The parent unit to outer-join (on parent.id == self._unit.parent_id) and the
        committee's name: the parent's, or the unit's own when it is a committee itself."""
        parent = aliased(OrgUnit)
        return parent, func.coalesce(parent.name, self._unit.name)
