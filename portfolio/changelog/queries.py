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


def changes_since(entity: tuple[str, int] | None, saves: int, limit: int = 20) -> list[ChangeLogEntry]:
    """The field changes of the newest `saves` saves of one entity, newest first: what someone
    else saved after the version a user was editing."""
    if entity is None or saves <= 0:
        return []
    entity_type, entity_id = entity
    moments = db.session.scalars(
        db.select(ChangeLogEntry.changed_at)
        .where(ChangeLogEntry.entity_type == entity_type, ChangeLogEntry.entity_id == entity_id)
        .group_by(ChangeLogEntry.changed_at).order_by(ChangeLogEntry.changed_at.desc()).limit(saves)).all()
    if not moments:
        return []
    return list(db.session.scalars(
        db.select(ChangeLogEntry)
        .where(ChangeLogEntry.entity_type == entity_type, ChangeLogEntry.entity_id == entity_id,
               ChangeLogEntry.changed_at >= min(moments), ChangeLogEntry.field.is_not(None))
        .order_by(ChangeLogEntry.changed_at.desc(), ChangeLogEntry.id).limit(limit)))
