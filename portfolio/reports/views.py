"""The yearly KS report in the app.

- /reports/ks/                      the published reports per year (everyone logged in)
- /reports/ks/<year>                the year's current published version, else the live draft
- /reports/ks/<year>/utkast         the live draft (marked "utkast")
- /reports/ks/<year>/v<n>           a published version, served from its stored file
- /reports/ks/<year>/publicera      the publish form (project office and admin)
- …/download and …/pdf              the stand-alone HTML and the PDF (a background job whose
                                    page shows progress, static/js/report-pdf.js)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.jobs.engine import get_job, jobs
from portfolio.jobs.models import DONE, FAILED, QUEUED, RETRYING, BackgroundJob
from portfolio.reports import publishing, store
from portfolio.reports.forms import PublishForm
from portfolio.reports.jobs import JOB_NAME, request_draft_pdf, request_version_pdf
from portfolio.reports.ks import DRAFT, body_of, collect, local_time, print_source, render_body, render_document
from portfolio.reports.models import PublishedReport
from portfolio.reports.pdf import PdfUnavailable, check_available
from portfolio.viewkit import login_required_for, run_form

bp = Blueprint("reports", __name__, template_folder="templates")


login_required_for(bp)


def _year_or_404(year: int) -> None:
    if not publishing.reportable_year(year):
        abort(404)


def _unavailable(exc: PdfUnavailable):
    return render_template("errors/error.html", code=503, title=_("PDF är inte tillgänglig"),
                           text=str(exc)), 503


@bp.route("/ks/")
def index():
    from portfolio.clock import today

    current = today().year
    return render_template("reports/index.html", by_year=publishing.all_versions(),
                           years=list(range(current, current - 3, -1)),
                           can_publish=publishing.can_publish(current_user), local_time=local_time)


@bp.route("/ks/<int:year>")
def ks(year: int):
    _year_or_404(year)
    published = publishing.versions(year)
    if published:
        return _version_page(published[0], published)
    return _draft_page(year, published)


@bp.route("/ks/<int:year>/utkast")
def ks_draft(year: int):
    _year_or_404(year)
    return _draft_page(year, publishing.versions(year))


def _draft_page(year: int, published: list[PublishedReport]):
    body = render_body(collect(year), mode="web", edition=DRAFT)
    return render_template("reports/web.html", year=year, body=body, row=None,
                           published=published, can_publish=publishing.can_publish(current_user))


@bp.route("/ks/<int:year>/v<int:version>")
def ks_version(year: int, version: int):
    row = _version_or_404(year, version)
    return _version_page(row, publishing.versions(year))


def _version_or_404(year: int, version: int) -> PublishedReport:
    row = publishing.get_version(year, version)
    if row is None:
        abort(404)
    return row


def _stored_html(row: PublishedReport) -> bytes:
    try:
        return store.read(row.html_path, row.html_sha256)
    except store.StoredFileError:
        abort(410)


def _version_page(row: PublishedReport, published: list[PublishedReport]):
    body = body_of(_stored_html(row).decode("utf-8"))
    return render_template("reports/web.html", year=row.year, body=body, row=row,
                           published=published, latest=published[0] if published else None,
                           can_publish=publishing.can_publish(current_user))


@bp.route("/ks/<int:year>/v<int:version>/download")
def ks_version_download(year: int, version: int):
    row = _version_or_404(year, version)
    return Response(_stored_html(row), mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="arsuppfoljning-ks-{year}-v{version}.html"',
        "X-Content-SHA256": row.html_sha256})


@bp.route("/ks/<int:year>/v<int:version>/pdf")
def ks_version_pdf(year: int, version: int):
    row = _version_or_404(year, version)
    if row.pdf_path and row.pdf_sha256:
        try:
            data = store.read(row.pdf_path, row.pdf_sha256)
        except store.StoredFileError:
            abort(410)
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="arsuppfoljning-ks-{year}-v{version}.pdf"',
            "X-Content-SHA256": row.pdf_sha256})
    try:
        check_available()
    except PdfUnavailable as exc:
        return _unavailable(exc)
    record = request_version_pdf(row, current_user.id)
    return redirect(url_for(".pdf_job", job_id=record.id), 303)


@bp.route("/ks/<int:year>/download")
def ks_download(year: int):
    _year_or_404(year)
    html = render_document(collect(year), mode="standalone", edition=DRAFT)
    return Response(html, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="arsuppfoljning-ks-{year}-utkast.html"'})


@bp.route("/ks/<int:year>/pdf")
def ks_pdf(year: int):
    _year_or_404(year)
    try:
        check_available()
    except PdfUnavailable as exc:
        return _unavailable(exc)
    record = request_draft_pdf(year, lambda: print_source(collect(year), DRAFT), current_user.id,
                               locale=str(get_locale() or "sv"))
    return redirect(url_for(".pdf_job", job_id=record.id), 303)


@bp.route("/ks/<int:year>/publicera", methods=["GET", "POST"])
def publish(year: int):
    _year_or_404(year)
    if not publishing.can_publish(current_user):
        abort(403)
    published = publishing.versions(year)
    form = PublishForm()
    created: list[PublishedReport] = []

    def save() -> PublishedReport:
        row = publishing.publish(year, form.to_input(), current_user)
        created.append(row)
        return row

    response = run_form(
        form, save, success=_("Årsuppföljningen %(year)s är publicerad som version %(version)s.",
                              year=str(year), version=str(publishing.latest_version(year) + 1)),
        redirect_to=lambda row: url_for(".ks_version", year=row.year, version=row.version),
        render=lambda status: (render_template("reports/publish.html", form=form, year=year,
                                               published=published), status),
        check=lambda: publishing.check_publication(year, form.to_input()))
    if created and jobs().queued and getattr(response, "status_code", 0) in (302, 303):
        # Committed: a worker makes the PDF now, so it is ready when KS asks. (Without a queue
        # it is made when first asked for, not in this request.)
        try:
            check_available()
            request_version_pdf(created[0], current_user.id)
        except PdfUnavailable:
            pass
    return response


# --- the PDF job's page ----------------------------------------------------------------------

@dataclass
class PdfJobView:
    id: int
    status: str
    finished: bool
    failed: bool
    year: int
    version: int | None
    done: int
    total: int
    file_url: str | None

    @property
    def percent(self) -> int:
        if self.finished and not self.failed:
            return 100
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def status_text(self) -> str:
        if self.failed:
            return _("PDF:en kunde inte skapas. Försök igen om en stund; kvarstår felet, kontakta administratören.")
        if self.finished:
            return _("PDF:en är klar.")
        if self.status == RETRYING:
            return _("Ett tillfälligt fel inträffade. Jobbet försöker igen strax.")
        if self.status == QUEUED:
            return _("Väntar på att starta.")
        if self.total and self.done >= self.total - 1:
            return _("Sätter ihop PDF:en …")
        return _("Ritar diagrammen …")

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "finished": self.finished,
                "failed": self.failed, "text": self.status_text, "percent": self.percent,
                "file_url": self.file_url}


def _pdf_job(job_id: int) -> BackgroundJob:
    record = get_job(job_id)
    if record is None or record.name != JOB_NAME:
        abort(404)
    return record


def _pdf_job_view(record: BackgroundJob) -> PdfJobView:
    arguments = record.arguments or {}
    result = record.result or {}
    version_id = arguments.get("version_id")
    row = publishing.get_by_id(version_id)
    finished = record.status in (DONE, FAILED)
    progress = {} if finished else jobs().progress(record.id)
    file_url = None
    if record.status == DONE:
        file_url = (url_for(".ks_version_pdf", year=row.year, version=row.version) if row is not None
                    else url_for(".pdf_job_file", job_id=record.id))
    return PdfJobView(id=record.id, status=record.status, finished=finished,
                      failed=record.status == FAILED, year=int(arguments.get("year") or result.get("year") or 0),
                      version=row.version if row is not None else None,
                      done=progress.get("done", 0), total=progress.get("total", 0), file_url=file_url)


@bp.route("/ks/pdf/<int:job_id>")
def pdf_job(job_id: int):
    view = _pdf_job_view(_pdf_job(job_id))
    return render_template("reports/pdf_job.html", view=view)


@bp.route("/ks/pdf/<int:job_id>/status")
def pdf_job_status(job_id: int):
    view = _pdf_job_view(_pdf_job(job_id))
    payload = view.as_json()
    if view.finished:
        payload["html"] = render_template("reports/_pdf_job_result.html", view=view)
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/ks/pdf/<int:job_id>/file")
def pdf_job_file(job_id: int):
    record = _pdf_job(job_id)
    result = record.result or {}
    if record.status != DONE or not result.get("file") or result.get("version_id"):
        abort(404)
    try:
        data = store.read(str(result["file"]), result.get("sha256"))
    except (store.StoredFileError, ValueError):
        abort(410)
    year = int(result.get("year") or 0)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="arsuppfoljning-ks-{year}-utkast.pdf"'})
