"""Read side of audits used by other pages."""

from __future__ import annotations

from sqlalchemy import extract, func, select

from portfolio.audits.models import Audit, audit_committee
from portfolio.extensions import db


def committees_audited_in(year: int) -> set[int] | None:
    """The committees the audit(s) of `year` covered (a fact stored with each audit), or None
    when no audit of that year names any."""
    audit_year = func.coalesce(Audit.audit_year, extract("year", Audit.report_date))
    ids = set(db.session.scalars(select(audit_committee.c.committee_id)
                                 .join(Audit, Audit.id == audit_committee.c.audit_id)
                                 .where(audit_year == year)))
    return ids or None


def audits_newest_first() -> list[Audit]:
    return list(db.session.scalars(select(Audit).order_by(Audit.report_date.desc())))


def audits_listed():
    """Every audit, latest report first; a statement for paging."""
    return select(Audit).order_by(Audit.report_date.desc().nulls_last(), Audit.id.desc())
