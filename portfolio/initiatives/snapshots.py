"""Snapshots of an initiative for the change log: what a reader sees, as text per field."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from portfolio.changelog.services import Snapshot
from portfolio.initiatives.models import Initiative
from portfolio.numbers import NBSP, format_number

if TYPE_CHECKING:
    from portfolio.initiatives.services import InitiativeInput


def _money(value: Decimal) -> str:
    """Kronor as the log has always stored them: Swedish, with plain spaces ("1 234,50 kr")."""
    return format_number(value, places=2, locale="sv").replace(NBSP, " ") + " kr"


def snapshot(ini: Initiative) -> Snapshot:
    """What a reader sees of an initiative, as text per field, for the change log."""
    return _snapshot(
        title=ini.title, description=ini.description, unit=ini.owning_unit,
        participants=ini.participating_units, area=ini.primary_area,
        secondary=ini.secondary_areas, principles=ini.principles, phase=ini.phase,
        start_date=ini.start_date, end_date=ini.end_date, need_owner=ini.need_owner,
        project_lead=ini.project_lead, benefit_owner=ini.benefit_owner,
        funding=[(f.year, f.source, f.amount) for f in ini.funding],
        staffing=[(s.year, s.fte) for s in ini.staffing], archived=ini.archived)


def planned_snapshot(data: InitiativeInput, resolved: dict, *, phase: str, archived: bool) -> Snapshot:
    """The snapshot an initiative would have after saving `data` (as resolved by
    `services.validate_input`), without touching any row: lets a caller tell whether a save would change
    anything."""
    return _snapshot(
        title=(data.title or "").strip(), description=data.description or "", unit=resolved["unit"],
        participants=resolved["participants"], area=resolved["area"],
        secondary=resolved["secondary"], principles=resolved["principles"], phase=phase,
        start_date=data.start_date, end_date=data.end_date, need_owner=data.need_owner,
        project_lead=data.project_lead, benefit_owner=data.benefit_owner,
        funding=resolved["funding"], staffing=resolved["staffing"], archived=archived)


def _snapshot(*, title, description, unit, participants, area, secondary, principles, phase,
              start_date, end_date, need_owner, project_lead, benefit_owner, funding, staffing,
              archived) -> Snapshot:
    def codes(rows):
        return ", ".join(r.code for r in sorted(rows, key=lambda r: (r.sort_order, r.id or 0))) or None

    def names(rows):
        return ", ".join(r.name for r in sorted(rows, key=lambda r: (r.sort_order, r.id or 0))) or None

    return {
        "title": title,
        "description": description or None,
        "owning_unit": unit.code if unit else None,
        "participating_units": codes(participants),
        "primary_area": area.name if area else None,
        "secondary_areas": names(secondary),
        "principles": names(principles),
        "phase": phase,
        "start_date": start_date.isoformat() if start_date else None,
        "end_date": end_date.isoformat() if end_date else None,
        "need_owner": need_owner,
        "project_lead": project_lead,
        "benefit_owner": benefit_owner,
        "funding": "; ".join(f"{year} {source.name}: {_money(amount)}" for year, source, amount
                             in sorted(funding, key=lambda f: (f[0], f[1].sort_order))) or None,
        "staffing": "; ".join(f"{year}: {format(fte.normalize(), 'f').replace('.', ',')}"
                              for year, fte in sorted(staffing, key=lambda s: s[0])) or None,
        "archived": _("ja") if archived else None,
    }
