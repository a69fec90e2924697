"""The dashboard reader's scope: which initiatives a read covers (the filters, registered by the
end of a past year, not archived) and each initiative's phase as of then. Shared by the reader's
parts (`data.DashboardReader`, `committee_reads.CommitteeReads`)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TypeVarTuple

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.schema import CreateTable

from portfolio.cache import WROTE
from portfolio.changelog.models import ChangeLogEntry
from portfolio.dashboards.contract import Filters
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import OrgUnit

Ts = TypeVarTuple("Ts")

# Each initiative's phase at the end of a past year, filled once per transaction and year from
# one pass over the change log's phase changes, and joined on its primary key: the lookup per
# initiative it replaces ran in every statement of a past year's dashboard (~40 ms at demo ×100,
# most of their time). A temporary table (per connection, on both databases), in a metadata of
# its own: not part of the schema, and filled through the connection, so it is not a write of
# the data (the data version and the result cache are untouched).
_TEMPORARY = MetaData()
PHASE_AS_OF = Table("phase_as_of_year_end", _TEMPORARY,
                    Column("year", Integer, primary_key=True),
                    Column("initiative_id", Integer, primary_key=True),
                    Column("phase", String(40)),
                    prefixes=["TEMPORARY"])
_FILLED = "portfolio.phase_as_of"


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
            self.phase = PHASE_AS_OF.c.phase

    def _fill_phases(self) -> None:
        """Fill the temporary table with the phases at the end of the year read: once per
        transaction and year while it writes nothing (a rollback empties the table; a write may
        change a phase)."""
        session = db.session()
        year = self.filters.year
        filled = session.info.get(_FILLED)
        writing = bool(session.new or session.dirty or session.deleted or session.info.get(WROTE))
        if filled and filled[0] is session.get_transaction() and year in filled[1] and not writing:
            return
        latest = (select(ChangeLogEntry.initiative_id.label("initiative_id"),
                         ChangeLogEntry.new_value.label("phase"),
                         func.row_number().over(partition_by=ChangeLogEntry.initiative_id,
                                                order_by=(ChangeLogEntry.changed_at.desc(),
                                                          ChangeLogEntry.id.desc())).label("n"))
                  .where(ChangeLogEntry.field == "phase", ChangeLogEntry.entity_type == "initiative",
                         ChangeLogEntry.initiative_id.is_not(None),
                         ChangeLogEntry.changed_at <= self.as_of_end)
                  .subquery())
        session.flush()
        connection = session.connection()
        connection.execute(CreateTable(PHASE_AS_OF, if_not_exists=True))
        connection.execute(PHASE_AS_OF.delete().where(PHASE_AS_OF.c.year == year))
        connection.execute(insert(PHASE_AS_OF).from_select(
            ["year", "initiative_id", "phase"],
            select(literal(year, Integer), latest.c.initiative_id, latest.c.phase).where(latest.c.n == 1)))
        transaction = session.get_transaction()
        years = filled[1] if filled and filled[0] is transaction and not writing else frozenset()
        session.info[_FILLED] = (transaction, years | {year})

    def _scoped(self, stmt: Select[*Ts]) -> Select[*Ts]:
        f = self.filters
        stmt = stmt.select_from(Initiative).join(
            self._unit, self._unit.id == Initiative.owning_unit_id).where(
            Initiative.archived.is_(False))
        if self.as_of_end is not None:
            self._fill_phases()
            stmt = stmt.outerjoin(PHASE_AS_OF, and_(PHASE_AS_OF.c.year == self.filters.year,
                                                    PHASE_AS_OF.c.initiative_id == Initiative.id)).where(
                Initiative.created_at <= self.as_of_end)
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
