"""Load the validated programme into its reference tables."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portfolio.extensions import db
from portfolio.programme.loader import Programme
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea


def current_programme() -> Programme:
    return current_app.extensions["portfolio.programme"]


def _upsert(model, entries, extra=None) -> dict[str, Any]:
    existing = {row.code: row for row in db.session.scalars(db.select(model))}
    seen = {}
    for order, entry in enumerate(entries):
        row = existing.get(entry.code)
        if row is None:
            row = model(code=entry.code)
            db.session.add(row)
        row.name = entry.name
        row.sort_order = order
        row.active = True
        if extra:
            extra(row, entry)
        seen[entry.code] = row
    for code, row in existing.items():
        if code not in seen:
            row.active = False  # kept for history; no longer offered in forms
    return seen


def sync_reference_data(programme: Programme | None = None) -> None:
    """Upsert areas, principles, funding sources and org units from the programme file."""
    programme = programme or current_programme()
    _upsert(PriorityArea, programme.priority_areas)
    _upsert(Principle, programme.principles)
    _upsert(FundingSource, programme.funding_sources)
    units = _upsert(OrgUnit, programme.org_units, lambda row, e: setattr(row, "kind", e.kind))
    db.session.flush()
    for entry in programme.org_units:
        units[entry.code].parent = units[entry.parent] if entry.parent else None
    db.session.flush()
    # Features that keep their own copy of programme data (the prioritisation's criteria sets)
    # register here when the app is put together; the shared layer does not import them.
    for after_sync in current_app.extensions.get("portfolio.after_programme_sync", ()):
        after_sync(programme)
