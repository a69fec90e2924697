"""The import as a background job: a file of more than IMPORT_IN_BACKGROUND_ROWS rows is stored
(`store`) and imported by a worker (or, without Redis, at once in the web process), reporting
its progress; its result is what the upload page would have shown.

Idempotent: the rows and the job's result (marked `applied`) are committed in one transaction,
so a retry of a job whose import committed (the worker died after the commit, the statistics
refresh failed) finds the mark and returns the result instead of importing again."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.auth.models import User
from portfolio.db_statistics import refresh_statistics
from portfolio.extensions import db
from portfolio.imports import store
from portfolio.imports.reader import Source
from portfolio.imports.rows import Problem
from portfolio.imports.service import ImportResult, can_import, import_source
from portfolio.jobs.engine import current_job_id, job, report_progress
from portfolio.jobs.models import BackgroundJob
from portfolio.transactions import transaction

JOB_NAME = "imports.run"


def _refused(dry_run: bool, message: str, status: int) -> dict[str, Any]:
    return {**ImportResult(dry_run=dry_run, problems=[Problem(None, None, None, message)],
                           status=status).to_dict(), "applied": False}


@job(JOB_NAME, label=_l("Import av initiativ"), retries=2, timeout=4 * 3600)
def run_import(*, file_id: str, filename: str, user_id: int, dry_run: bool,
               locale: str | None = None) -> dict[str, Any]:
    record_id = current_job_id()
    record = db.session.get(BackgroundJob, record_id) if record_id is not None else None
    if record is not None and (record.result or {}).get("applied"):
        # An earlier attempt imported the file (and failed after its commit): never twice.
        store.delete(file_id)
        done = record.result or {}
        refresh_statistics(int(done.get("created") or 0) + int(done.get("updated") or 0))
        return done
    with ExitStack() as stack:
        if not has_request_context():      # gettext, and services that look at a request
            stack.enter_context(current_app.test_request_context())
        stack.enter_context(force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]))
        actor = db.session.get(User, user_id)
        if actor is None or not actor.active or not can_import(actor):
            store.delete(file_id)
            return _refused(dry_run, _("Du har inte behörighet att importera."), 403)
        path = store.path_of(file_id)
        if not path.is_file():
            return _refused(dry_run, _("Den uppladdade filen finns inte längre (den sparas i ett dygn). "
                                       "Ladda upp den igen."), 410)

        def mark_applied(result: ImportResult) -> None:
            if record_id is not None:
                row = db.session.get(BackgroundJob, record_id)
                if row is not None:
                    row.result = {**result.to_dict(), "applied": True}

        with transaction():
            result = import_source(Source.from_path(path, filename), actor, dry_run=dry_run,
                                   progress=report_progress, on_applied=mark_applied)
    store.delete(file_id)
    applied = result.ok and not dry_run
    if applied:
        refresh_statistics(result.created + result.updated)
    return {**result.to_dict(), "applied": applied}
