"""Publishing the yearly report: the live draft frozen as files (the stand-alone HTML now, the
PDF by a background job from the print input stored now), a row that names them with their
SHA-256, and a line in the change log. Only the project office and admin publish."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from portfolio.changelog.services import record_changes
from portfolio.clock import now, today
from portfolio.extensions import db
from portfolio.reports import store
from portfolio.reports.ks import Edition, collect, local_time, print_source, render_document
from portfolio.reports.models import PublishedReport
from portfolio.validation import PermissionDenied, ServiceValidationError

LOG_ENTITY, LOG_ACTION = "published_report", "publish_report"


@dataclass(frozen=True)
class PublishInput:
    case_number: str | None
    meeting_date: date | None
    reason: str | None = None


def can_publish(user) -> bool:
    return bool(user.is_authenticated and user.is_office)


def reportable_year(year: int) -> bool:
    return 2000 <= year <= today().year


def latest_version(year: int) -> int:
    return db.session.scalar(select(func.max(PublishedReport.version))
                             .where(PublishedReport.year == year)) or 0


def check_publication(year: int, data: PublishInput) -> None:
    """Every rule at once; raises ServiceValidationError keyed by the form's field names."""
    errors: dict[str, str] = {}
    case_number = (data.case_number or "").strip()
    if not case_number:
        errors["case_number"] = _("Ange kommunstyrelsens diarienummer för ärendet.")
    elif len(case_number) > PublishedReport.LIMITS["case_number"]:
        errors["case_number"] = _("Diarienumret får vara högst %(max)d tecken.",
                                  max=PublishedReport.LIMITS["case_number"])
    if data.meeting_date is None:
        errors["meeting_date"] = _("Ange datumet för kommunstyrelsens sammanträde.")
    elif data.meeting_date < date(year, 1, 1):
        errors["meeting_date"] = _("Sammanträdet kan inte ligga före det år rapporten gäller (%(year)s).",
                                   year=str(year))
    reason = (data.reason or "").strip()
    if latest_version(year) and not reason:
        errors["reason"] = _("Året är redan publicerat. Skriv varför en ny version behövs; den "
                             "tidigare versionen finns kvar, markerad som ersatt.")
    elif len(reason) > PublishedReport.LIMITS["reason"]:
        errors["reason"] = _("Skälet får vara högst %(max)d tecken.", max=PublishedReport.LIMITS["reason"])
    if errors:
        raise ServiceValidationError(errors)


def publish(year: int, data: PublishInput, actor) -> PublishedReport:
    """Freeze the live draft of `year` as a new version. The caller commits (and then asks for
    the PDF job: `jobs.request_pdf`)."""
    if not can_publish(actor):
        raise PermissionDenied()
    if not reportable_year(year):
        raise ServiceValidationError({"year": _("Året går inte att publicera.")})
    check_publication(year, data)
    version = latest_version(year) + 1
    published_at = now()
    edition = Edition(draft=False, version=version, case_number=(data.case_number or "").strip(),
                      meeting_date=data.meeting_date, published_at=local_time(published_at),
                      published_by=str(actor.name or actor.email),
                      reason=(data.reason or "").strip() or None)
    report = collect(year)
    html = render_document(report, mode="standalone", edition=edition).encode("utf-8")
    source = json.dumps(print_source(report, edition), ensure_ascii=False).encode("utf-8")
    folder = str(year)
    stored_html = store.write(store.new_name(folder, f"v{version}", ".html"), html)
    stored_source = store.write(store.new_name(folder, f"v{version}-pdf-input", ".json"), source)
    row = PublishedReport(
        year=year, version=version, case_number=edition.case_number,
        meeting_date=data.meeting_date, reason=edition.reason, published_at=published_at,
        published_by_id=actor.id, published_by_name=edition.published_by,
        html_path=stored_html.path, html_sha256=stored_html.sha256, html_size=stored_html.size,
        print_path=stored_source.path)
    db.session.add(row)
    db.session.flush()
    record_changes(entity_type=LOG_ENTITY, entity_id=row.id, action=LOG_ACTION, before={}, after={
        "year": str(year), "version": str(version), "case_number": row.case_number,
        "meeting_date": row.meeting_date.isoformat(), "html_sha256": row.html_sha256},
        user_id=actor.id, reason=row.reason, at=published_at)
    return row


def edition_of(row: PublishedReport) -> Edition:
    return Edition(draft=False, version=row.version, case_number=row.case_number,
                   meeting_date=row.meeting_date, published_at=local_time(row.published_at),
                   published_by=row.published_by_name, reason=row.reason)


# --- reading ---------------------------------------------------------------------------------

def versions(year: int) -> list[PublishedReport]:
    """The year's published versions, newest first."""
    return list(db.session.scalars(select(PublishedReport).where(PublishedReport.year == year)
                                   .order_by(PublishedReport.version.desc())))


def get_version(year: int, version: int) -> PublishedReport | None:
    return db.session.scalar(select(PublishedReport).where(
        PublishedReport.year == year, PublishedReport.version == version))


def get_by_id(row_id: object) -> PublishedReport | None:
    return db.session.get(PublishedReport, row_id) if isinstance(row_id, int) else None


def all_versions() -> dict[int, list[PublishedReport]]:
    """Every published version by year (newest year and version first)."""
    by_year: dict[int, list[PublishedReport]] = {}
    for row in db.session.scalars(select(PublishedReport).order_by(
            PublishedReport.year.desc(), PublishedReport.version.desc())):
        by_year.setdefault(row.year, []).append(row)
    return by_year
