from __future__ import annotations

from itertools import groupby

from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db


def initiative_history(initiative_id: int) -> list[list[ChangeLogEntry]]:
    """Every change of an initiative and its decision basis, newest first, grouped per save."""
    rows = db.session.scalars(
        db.select(ChangeLogEntry)
        .where(ChangeLogEntry.initiative_id == initiative_id)
        .order_by(ChangeLogEntry.changed_at.desc(), ChangeLogEntry.id)).all()
    key = lambda r: (r.changed_at, r.action, r.user_id, r.entity_type, r.entity_id)  # noqa: E731
    return [list(g) for _, g in groupby(rows, key=key)]
