"""The rows of each export, built from the same queries as the pages (filters included)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import selectinload

from portfolio.extensions import db
from portfolio.followups.models import FollowUp
from portfolio.initiatives.models import FundingLine, Initiative
from portfolio.initiatives.queries import RegisterFilter, register_query
from portfolio.labels import phase_label
from portfolio.numbers import format_number, format_plain

REGISTER_COLUMNS = ("Referens", "Titel", "Beskrivning", "Ägande enhet", "Nämnd", "Deltagande enheter",
                    "Primärt område", "Sekundära områden", "Principer", "Fas", "Startdatum", "Slutdatum",
                    "Behovsägare", "Projektledare", "Nyttoägare", "Finansiering totalt (kr)",
                    "Finansiering per år och källa", "Årsarbetare totalt", "Årsarbetare per år", "Arkiverad",
                    "Senast ändrad")
# Derived columns: shown for the reader, ignored by the import.
COMPUTED = {"Nämnd", "Finansiering totalt (kr)", "Årsarbetare totalt", "Senast ändrad"}
PERSONAL = {"Behovsägare", "Projektledare", "Nyttoägare"}
FOLLOWUP_COLUMNS = ("Referens", "Titel", "Nämnd", "År", "Period", "Status", "Färdigt (%)",
                    "Kostnad hittills (kr)", "Kommentar", "Uppnått", "Nästa steg", "Senast ändrad")


def _initiatives(stmt) -> list[Initiative]:
    """The initiatives of a register query, children loaded in bulk."""
    return list(db.session.scalars(stmt.options(
        selectinload(Initiative.participating_units), selectinload(Initiative.secondary_areas),
        selectinload(Initiative.principles),
        selectinload(Initiative.funding).joinedload(FundingLine.source),
        selectinload(Initiative.staffing))).unique())


def _register_row(ini: Initiative) -> tuple:
    return (
        ini.ref, ini.title, ini.description or "", ini.owning_unit.code, ini.owning_unit.committee.code,
        ", ".join(u.code for u in ini.participating_units), ini.primary_area.name,
        ", ".join(a.name for a in ini.secondary_areas), ", ".join(p.name for p in ini.principles),
        phase_label(ini.phase), ini.start_date, ini.end_date, ini.need_owner or "", ini.project_lead or "",
        ini.benefit_owner or "", ini.total_funding, funding_text(ini.funding),
        sum((s.fte for s in ini.staffing), Decimal(0)), staffing_text(ini.staffing),
        "ja" if ini.archived else "nej",
        ini.updated_at.strftime("%Y-%m-%d %H:%M"))


def register_rows(flt: RegisterFilter) -> list[tuple]:
    """Every initiative matching the register's filters (all pages), children loaded in bulk."""
    return [_register_row(ini) for ini in _initiatives(register_query(flt))]


def open_data_rows() -> list[tuple[tuple, date]]:
    """The open data: each initiative the project office has marked publishable and that is not
    archived (whatever its phase), as a register row with the date it was published."""
    stmt = register_query(RegisterFilter()).where(Initiative.published_at.is_not(None))
    return [(_register_row(ini), ini.published_on) for ini in _initiatives(stmt)
            if ini.published_on is not None]


def number_text(value: Decimal, *, money: bool = False) -> str:
    """Decimal comma, no grouping (Swedish whatever the reader's language, as the import reads
    it): 450000.00 → "450000"; money 1234.5 → "1234,50"; 1.50 → "1,5"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return format_number(value, grouped=False, locale="sv")
    if money:
        return format_number(value, places=2, grouped=False, locale="sv")
    return format_plain(value, locale="sv")


def funding_text(lines) -> str:
    """Funding as one cell the import reads back: "2025 Egen ram: 450000; 2026 Statsbidrag:
    1234,50" (year, the source's name, kronor), by year and the programme's source order."""
    ordered = sorted(lines, key=lambda f: (f.year, f.source.sort_order, f.source.id))
    return "; ".join(f"{f.year} {f.source.name}: {number_text(f.amount, money=True)}" for f in ordered)


def staffing_text(lines) -> str:
    """Staff need as one cell: "2025: 1,5; 2026: 2" (year: full-time equivalents)."""
    return "; ".join(f"{s.year}: {number_text(s.fte)}" for s in sorted(lines, key=lambda s: s.year))


def followup_rows(flt: RegisterFilter) -> list[tuple]:
    ids = register_query(flt).with_only_columns(Initiative.id).subquery()
    stmt = (db.select(FollowUp, Initiative).join(Initiative, Initiative.id == FollowUp.initiative_id)
            .where(Initiative.id.in_(db.select(ids.c.id)))
            .order_by(Initiative.ref, FollowUp.year, FollowUp.period))
    return [(ini.ref, ini.title, ini.owning_unit.committee.code, f.year, f.period, f.status, f.progress,
             f.cost_to_date, f.comment or "", f.achievements or "", f.next_steps or "",
             f.updated_at.strftime("%Y-%m-%d %H:%M")) for f, ini in db.session.execute(stmt)]
