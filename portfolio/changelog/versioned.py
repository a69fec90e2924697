"""The one versioned, change-logged save every versioned entity uses (needs analysis, risk,
benefit case, cost line, benefit, follow-up, evaluation, plan, plan goal, ...):

    check the version the user read → validate → apply → log the changed fields → bump

The service validates its typed input in `validate` (after the version check, so a stale form
is told about the conflict first) and says how to apply it; this module owns the order and the
bookkeeping, and never commits (the caller's `transaction()` does)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from portfolio.changelog.services import Snapshot, fields_snapshot, now, record_changes
from portfolio.extensions import db
from portfolio.validation import ConflictError


class VersionedRow(Protocol):
    """What a versioned save needs of its row: its id (after the flush) and its version."""

    id: int
    version: int


Row = TypeVar("Row", bound=VersionedRow)


def check_version(current: int, expected, entity: tuple[str, int] | None = None) -> None:
    """Refuse a save based on an old version; `entity` (type, id as in the change log) lets the
    user be told what changed in between."""
    if str(expected) != str(current):
        raise ConflictError(current, expected=expected, entity=entity)


@dataclass(frozen=True)
class Versioned:
    """How one entity type is saved: its change-log name and the fields the log compares."""

    entity_type: str
    fields: tuple[str, ...]
    created_when_empty: str | None = None   # the field whose emptiness before means "create"
    # How the log reads the row when it is more than its fields (e.g. an initiative's funding
    # lines as one text): row (or None before a create) → field name → display text.
    snapshot: Callable[[Any], Snapshot] | None = None

    def read(self, row) -> Snapshot:
        if self.snapshot is not None:
            return self.snapshot(row) if row is not None else {}
        return fields_snapshot(row, self.fields)

    def check(self, row, expected_version) -> None:
        if row is not None:
            check_version(row.version, expected_version, (self.entity_type, row.id))

    def save(self, row: Row | None, *, actor, expected_version=None,
             create: Callable[[], Row], apply: Callable[[Row], None] | Mapping[str, Any],
             validate: Callable[[], None] | None = None, initiative_id: int | None = None,
             always_bump: bool = False, reason: str | None = None, at: datetime | None = None,
             after_flush: Callable[[Row], Snapshot | None] | None = None,
             action: str | None = None, log_unchanged: bool = True) -> Row:
        """Save `row` (None: a new one from `create()`) and return it, flushed. `apply` sets the
        validated values, or is a mapping of field → value. The version goes up when a logged
        field changed (always with always_bump=True, for entities whose saves are events).
        `after_flush` runs once the row has its id; what it returns (field → text, e.g. a
        reference generated from the id) is logged with the other changes. `action` names the
        log's action when it is more than create/update (e.g. "phase", "archive").
        log_unchanged=False: with always_bump, a save that changed nothing moves the version
        but writes no log row."""
        self.check(row, expected_version)
        if validate is not None:
            validate()
        before = self.read(row)
        moment = at or now()
        created = row is None
        if row is None:
            row = create()
            if getattr(row, "version", None) is None:
                row.version = 0
            db.session.add(row)
        if isinstance(apply, Mapping):
            for name, value in apply.items():
                setattr(row, name, value)
        else:
            apply(row)
        after = self.read(row)
        if after == before and not always_bump:
            return row
        row.version += 1
        if hasattr(row, "updated_at"):
            row.updated_at = moment
        db.session.flush()
        if after_flush is not None:
            after = after | (after_flush(row) or {})
        if after == before and not log_unchanged:
            return row
        record_changes(entity_type=self.entity_type, entity_id=row.id, initiative_id=initiative_id,
                       action=action or self._action(created, before), before=before, after=after,
                       user_id=getattr(actor, "id", actor), reason=reason, at=moment)
        return row

    def _action(self, created: bool, before: Mapping[str, Any]) -> str:
        if self.created_when_empty is not None:
            return "update" if before.get(self.created_when_empty) else "create"
        return "create" if created else "update"


def stripped(values: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """The named values with text trimmed and empty text as None (how every save stores text)."""
    out = {}
    for name in names:
        value = values.get(name)
        out[name] = (value.strip() or None) if isinstance(value, str) else value
    return out
