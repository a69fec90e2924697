"""Write change-log rows from before/after snapshots of an entity.

A snapshot is a flat dict of field name → display text (see each feature's `snapshot()`), so the
log stores what a reader would have seen, and the diff works the same for every entity.
"""

from __future__ import annotations

from datetime import UTC, datetime

from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db

Snapshot = dict[str, str | None]


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_changes(*, entity_type: str, entity_id: int, action: str, before: Snapshot,
                   after: Snapshot, user_id: int | None, reason: str | None = None,
                   at: datetime | None = None) -> list[ChangeLogEntry]:
    """Add one row per changed field (and one row for an action that changed no field)."""
    at = at or now()
    rows = []
    for field in list(after) + [k for k in before if k not in after]:
        old, new = before.get(field), after.get(field)
        if (old or None) != (new or None):
            rows.append(ChangeLogEntry(
                changed_at=at, user_id=user_id, entity_type=entity_type, entity_id=entity_id,
                action=action, field=field, old_value=old or None, new_value=new or None,
                reason=reason))
    if not rows:
        rows.append(ChangeLogEntry(changed_at=at, user_id=user_id, entity_type=entity_type,
                                   entity_id=entity_id, action=action, reason=reason))
    db.session.add_all(rows)
    return rows
