"""Upload page, progress page of a background import, and template download (project office and
admin only).

A file of at most IMPORT_IN_BACKGROUND_ROWS rows is imported in the request, as it always was.
A bigger one is stored and handed to a background job (`portfolio.imports.jobs`); the upload
answers at once with a redirect to `/import/jobs/<id>`, whose counts a small script
(static/import-progress.js) keeps current from `/import/jobs/<id>/status`; without JavaScript
the page's "Uppdatera" link does the same."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.auth.roles import ADMIN
from portfolio.clock import today
from portfolio.db_statistics import refresh_statistics
from portfolio.imports import reader, store
from portfolio.imports.forms import ImportForm
from portfolio.imports.jobs import JOB_NAME
from portfolio.imports.reader import Source, count_rows
from portfolio.imports.rows import Problem
from portfolio.imports.service import CHECKING, SAVING, ImportResult, can_import, import_source
from portfolio.imports.template import build_template
from portfolio.jobs.engine import get_job, jobs
from portfolio.jobs.models import DONE, FAILED, QUEUED, RETRYING, BackgroundJob
from portfolio.numbers import format_number
from portfolio.transactions import transaction
from portfolio.viewkit import login_required_for

bp = Blueprint("imports", __name__, template_folder="templates", static_folder="static",
               static_url_path="/import/static")
login_required_for(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_OVERHEAD = 64 * 1024      # the multipart envelope around the file


@bp.route("/import", methods=["GET", "POST"])
def upload():
    permissions.require(can_import(current_user))
    # The import has its own size limit (MAX_BYTES), above the app's general one.
    request.max_content_length = max(current_app.config.get("MAX_CONTENT_LENGTH") or 0,
                                     reader.MAX_BYTES + FORM_OVERHEAD)
    form, result, status = ImportForm(), None, 200
    if form.is_submitted():
        status = 422
        if form.validate():
            upload = form.file.data
            dry_run = not form.run.data
            source = Source.from_stream(upload.stream, upload.filename or "")
            threshold = _threshold()
            try:
                counted = count_rows(source, limit=threshold)
            except reader.ReadError as err:
                result = ImportResult(dry_run=dry_run, problems=[Problem(None, None, None, err.message)],
                                      status=err.status)
            else:
                if counted > threshold:
                    return _start_job(upload.stream, source.name, dry_run)
                with transaction():
                    result = import_source(source, current_user, dry_run=dry_run)
                if result.ok and not result.dry_run:
                    refresh_statistics(result.created + result.updated)
            status = result.status
    return render_template("imports/upload.html", form=form, result=result,
                           max_mb=reader.MAX_BYTES // (1024 * 1024), max_rows=format_number(reader.MAX_ROWS),
                           background_rows=format_number(_threshold())), status


def _threshold() -> int:
    return int(current_app.config.get("IMPORT_IN_BACKGROUND_ROWS") or 300)


def _start_job(stream, filename: str, dry_run: bool):
    store.sweep()
    file_id = store.save(stream)
    record = jobs().enqueue(JOB_NAME, created_by_id=current_user.id, file_id=file_id,
                            filename=filename, user_id=current_user.id, dry_run=dry_run,
                            locale=str(get_locale() or "sv"))
    return redirect(url_for("imports.job_page", job_id=record.id), 303)


@dataclass
class JobView:
    """What the progress page and its JSON show about one import job."""

    id: int
    status: str
    finished: bool
    filename: str
    dry_run: bool
    checked: int
    saved: int
    total: int | None
    stage: int
    result: ImportResult | None
    failed: bool

    @property
    def title(self) -> str:
        if self.dry_run:
            return _("Provkörning av %(file)s", file=self.filename)
        return _("Import av %(file)s", file=self.filename)

    @property
    def status_text(self) -> str:
        """One sentence per stage (the live region: it changes a few times, not every poll)."""
        if self.failed:
            return _("Misslyckades. Ingenting har sparats.")
        if self.result is not None:
            if self.result.problems:
                return _("Klart. Filen har problem, så ingenting har sparats.")
            if self.dry_run:
                return _("Klart. Provkörningen hittade inga problem.")
            return _("Klart. Importen är gjord.")
        if self.status == RETRYING:
            return _("Ett tillfälligt fel inträffade. Importen försöker igen strax.")
        if self.status == QUEUED:
            return _("Väntar på att starta.")
        if self.stage == SAVING:
            return _("Sparar raderna …")
        return _("Kontrollerar raderna …")

    @property
    def checked_text(self) -> str:
        return format_number(self.checked)

    @property
    def saved_text(self) -> str:
        return format_number(self.saved)

    def as_json(self) -> dict:
        return {"id": self.id, "status": self.status, "finished": self.finished,
                "text": self.status_text, "checked": self.checked, "saved": self.saved,
                "total": self.total, "checked_text": self.checked_text,
                "saved_text": self.saved_text}


def _own_job(job_id: int) -> BackgroundJob:
    """The import job `job_id`, if it is the current user's (or the user is an admin)."""
    permissions.require(can_import(current_user))
    record = get_job(job_id)
    if record is None or record.name != JOB_NAME:
        abort(404)
    if record.created_by_id != current_user.id and not current_user.has_role(ADMIN):
        abort(404)
    return record


def _job_view(record: BackgroundJob) -> JobView:
    arguments = record.arguments or {}
    stored = record.result or {}
    # A result marked `applied` was committed with the rows: the import is done even if
    # something after it (the statistics refresh) failed the job.
    result = ImportResult.from_dict(stored) if record.status == DONE or stored.get("applied") else None
    failed = record.status == FAILED and result is None
    progress = {} if result is not None or failed else jobs().progress(record.id)
    if result is not None:
        checked = result.checked
        saved = result.rows if stored.get("applied") else 0
    else:
        checked, saved = progress.get("checked", 0), progress.get("saved", 0)
    return JobView(id=record.id, status=record.status, finished=result is not None or failed,
                   filename=str(arguments.get("filename") or "fil"),
                   dry_run=bool(arguments.get("dry_run")), checked=checked, saved=saved,
                   total=progress.get("total") or (result.checked if result else None),
                   stage=progress.get("stage", CHECKING), result=result, failed=failed)


@bp.route("/import/jobs/<int:job_id>")
def job_page(job_id: int):
    view = _job_view(_own_job(job_id))
    return render_template("imports/job.html", view=view, is_admin=current_user.has_role(ADMIN))


@bp.route("/import/jobs/<int:job_id>/status")
def job_status(job_id: int):
    view = _job_view(_own_job(job_id))
    payload = view.as_json()
    if view.finished:
        payload["html"] = render_template("imports/_job_result.html", view=view,
                                          is_admin=current_user.has_role(ADMIN))
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/import/mall.xlsx")
def template():
    permissions.require(can_import(current_user))
    return Response(build_template(), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="importmall-initiativ-{today().isoformat()}.xlsx"'})
