"""Write change-log rows from before/after snapshots of an entity.

A snapshot is a flat dict of field name → display text (see each feature's `snapshot()`), so the
log stores what a reader would have seen, and the diff works the same for every entity.
"""

from __future__ import annotations

from datetime import datetime

from portfolio import clock
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db

Snapshot = dict[str, str | None]


def now() -> datetime:
    """This moment as the log stores it (naive UTC), from the application's clock."""
    return clock.now()


def record_changes(*, entity_type: str, entity_id: int, action: str, before: Snapshot,
                   after: Snapshot, user_id: int | None, reason: str | None = None,
                   at: datetime | None = None, initiative_id: int | None = None
                   ) -> list[ChangeLogEntry]:
    """Add one row per changed field (and one row for an action that changed no field)."""
    at = at or now()
    if initiative_id is None and entity_type == "initiative":
        initiative_id = entity_id
    rows = []
    for field in list(after) + [k for k in before if k not in after]:
        old, new = before.get(field), after.get(field)
        if (old or None) != (new or None):
            rows.append(ChangeLogEntry(
                changed_at=at, user_id=user_id, entity_type=entity_type, entity_id=entity_id,
                action=action, field=field, old_value=old or None, new_value=new or None,
                reason=reason, initiative_id=initiative_id))
    if not rows:
        rows.append(ChangeLogEntry(changed_at=at, user_id=user_id, entity_type=entity_type,
                                   entity_id=entity_id, action=action, reason=reason,
                                   initiative_id=initiative_id))
    db.session.add_all(rows)
    return rows


def as_text(value) -> str | None:
    """How a value reads in the change log."""
    from datetime import date
    from decimal import Decimal

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return str(value)


def fields_snapshot(obj, fields) -> Snapshot:
    """A snapshot of plain attributes (None for an object that does not exist yet)."""
    return {name: as_text(getattr(obj, name)) if obj is not None else None for name in fields}
