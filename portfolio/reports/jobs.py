"""The report's PDF as a background job (a worker with Redis, else at once in the web process).

The job renders a frozen input: a published version's print input stored at publishing, or a
draft's input stored by the request that asked (named by its SHA-256, so the same draft asked
for twice the same day is one job and one file). Idempotent: a version whose PDF is already
stored is not rendered again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portfolio import clock
from portfolio.cache import data_version
from portfolio.extensions import db
from portfolio.jobs.engine import job, jobs, report_progress
from portfolio.jobs.models import DONE, FAILED, BackgroundJob
from portfolio.reports import store
from portfolio.reports.models import PublishedReport
from portfolio.transactions import transaction

JOB_NAME = "reports.pdf"


@job(JOB_NAME, label=_l("PDF av årsuppföljningen"), retries=2, timeout=1800)
def make_pdf(*, year: int, version_id: int | None = None, draft: str | None = None) -> dict[str, Any]:
    from portfolio.reports.pdf import pdf_from_source

    if version_id is not None:
        row = db.session.get(PublishedReport, version_id)
        if row is None:
            raise LookupError(f"published report {version_id} does not exist")
        if row.pdf_path and store.exists(row.pdf_path):
            return _result(row.pdf_path, row.pdf_sha256, row.pdf_size, year, version_id)
        source = json.loads(store.read(row.print_path))
        data = pdf_from_source(source, progress=report_progress)
        stored = store.write(store.new_name(str(row.year), f"v{row.version}", ".pdf"), data)
        with transaction():
            row = db.session.get(PublishedReport, version_id)
            if row is not None and row.pdf_path is None:
                row.pdf_path, row.pdf_sha256, row.pdf_size = stored.path, stored.sha256, stored.size
                row.pdf_created_at = clock.now()
            elif row is not None:        # another run stored it first: keep that one
                store.absolute(stored.path).unlink(missing_ok=True)
                return _result(row.pdf_path, row.pdf_sha256, row.pdf_size, year, version_id)
        return _result(stored.path, stored.sha256, stored.size, year, version_id)
    if not draft or not draft.startswith(f"{store.DRAFTS}/") or not draft.endswith(".json"):
        raise ValueError(f"not a draft input: {draft!r}")
    target = draft[:-len(".json")] + ".pdf"
    if store.exists(target):
        data = store.read(target)
        return _result(target, store.sha256_of(data), len(data), year, None)
    source = json.loads(store.read(draft))
    stored = store.write(target, pdf_from_source(source, progress=report_progress))
    return _result(stored.path, stored.sha256, stored.size, year, None)


def _result(path: str | None, sha256: str | None, size: int | None, year: int,
            version_id: int | None) -> dict[str, Any]:
    return {"file": path, "sha256": sha256, "size": size, "year": year, "version_id": version_id}


def request_version_pdf(row: PublishedReport, user_id: int | None) -> BackgroundJob:
    """The job that makes (or made) the version's PDF; a failed one is run again. Call outside
    any transaction block."""
    return _request(f"{JOB_NAME}:version:{row.id}", user_id, year=row.year, version_id=row.id)


def request_draft_pdf(year: int, build_source: Callable[[], dict[str, Any]], user_id: int | None,
                      locale: str = "sv") -> BackgroundJob:
    """The job for a PDF of the live draft. The same data (the data version), year and language
    asked for again the same day is the same job and file; the source is only built when a new
    job is needed."""
    version = data_version()
    day = clock.now().date().isoformat()
    if version is None:          # no data version to go by: the source itself
        seed = json.dumps(build_source(), ensure_ascii=False, sort_keys=True)
    else:
        seed = f"{year}:{version}:{locale}:{day}"
    digest = store.sha256_of(seed.encode("utf-8"))[:32]
    key = f"{JOB_NAME}:draft:{digest}"
    existing = db.session.scalar(select(BackgroundJob).where(BackgroundJob.dedupe_key == key))
    name = f"{store.DRAFTS}/{year}-{digest}.json"
    if existing is None or not store.exists(name):
        store.sweep_drafts()
        store.write(name, json.dumps(build_source(), ensure_ascii=False).encode("utf-8"))
    return _request(key, user_id, year=year, draft=name)


def _request(key: str, user_id: int | None, **arguments: Any) -> BackgroundJob:
    record = db.session.scalar(select(BackgroundJob).where(BackgroundJob.dedupe_key == key))
    if record is None:
        return jobs().enqueue(JOB_NAME, created_by_id=user_id, dedupe_key=key, **arguments)
    if record.status == FAILED:
        jobs().retry(record)
    elif record.status == DONE and not store.exists((record.result or {}).get("file")):
        with transaction():          # the file is gone (a swept draft): make it again
            record.status = FAILED
        jobs().retry(record)
    return record
