from __future__ import annotations

from itertools import groupby

from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db


def history(entity_type: str, entity_id: int) -> list[list[ChangeLogEntry]]:
    """Change-log rows of one entity, newest first, grouped per save."""
    rows = db.session.scalars(
        db.select(ChangeLogEntry)
        .where(ChangeLogEntry.entity_type == entity_type, ChangeLogEntry.entity_id == entity_id)
        .order_by(ChangeLogEntry.changed_at.desc(), ChangeLogEntry.id)).all()
    return [list(g) for _, g in groupby(rows, key=lambda r: (r.changed_at, r.action, r.user_id))]
