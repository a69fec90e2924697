"""`portfolio retention`: prune change-log entries older than CHANGE_LOG_RETENTION_DAYS.

The change log is also what past years are read from: a year's reports and dashboards show each
initiative in the phase the log says it had on 31 December (`dashboards.scope`). Pruning keeps
what those readings need, so every year still reads as it was: of the entries in ANCHORS (an
entity's field that an as-of reading looks up), the last one per entity and calendar year is
kept, however old. The latest such entry on or before any 31 December is then still there.
Everything else older than the limit goes: initiatives' history pages no longer show those
changes, nor who made them.

A new as-of reading of the change log must add its (entity type, field) to ANCHORS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, extract, func, or_, select

from portfolio import clock
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.inputs import days_setting

# (entity_type, field) pairs read "as of" a past date; see the module's text.
ANCHORS: tuple[tuple[str, str], ...] = (("initiative", "phase"),)


class RetentionError(ValueError):
    """The retention setting is not a number of days."""


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime           # naive UTC, as the log stores times
    pruned: int                # removed (or, in a dry run, that would be)
    kept_for_past_years: int   # older than the cutoff but kept for the as-of readings
    dry_run: bool


def retention_days(value) -> int | None:
    """The setting as a number of days; None (not set) keeps the whole change log."""
    try:
        return days_setting(value, "CHANGE_LOG_RETENTION_DAYS")
    except ValueError as exc:
        raise RetentionError(str(exc)) from None


def prune_change_log(days: int, *, dry_run: bool = False) -> RetentionResult:
    """Remove (or in a dry run only count) entries older than `days` days, except the ones past
    years are read from. Flushes only; the caller owns the transaction."""
    cutoff = clock.now() - timedelta(days=days)
    old = ChangeLogEntry.changed_at < cutoff
    kept = _kept_for_past_years(cutoff)
    doomed = and_(old, ChangeLogEntry.id.not_in(kept))
    pruned = db.session.scalar(select(func.count()).select_from(ChangeLogEntry).where(doomed)) or 0
    anchors = db.session.scalar(select(func.count()).select_from(kept.subquery())) or 0
    if not dry_run and pruned:
        db.session.execute(delete(ChangeLogEntry).where(doomed).execution_options(synchronize_session=False))
        db.session.flush()
    return RetentionResult(cutoff, pruned, anchors, dry_run)


def _kept_for_past_years(cutoff: datetime):
    """The ids of the old entries an as-of reading may need: per entity, field and calendar year,
    the last entry of ANCHORS' kinds."""
    entry = ChangeLogEntry
    kinds = or_(*(and_(entry.entity_type == kind, entry.field == name) for kind, name in ANCHORS))
    ranked = (select(entry.id, func.row_number().over(
        partition_by=(entry.entity_type, entry.entity_id, entry.field, extract("year", entry.changed_at)),
        order_by=(entry.changed_at.desc(), entry.id.desc())).label("n"))
        .where(entry.changed_at < cutoff, kinds).subquery())
    return select(ranked.c.id).where(ranked.c.n == 1)
