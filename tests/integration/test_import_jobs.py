"""Imports of any size (issue #17): a file of more than IMPORT_IN_BACKGROUND_ROWS rows is stored
and imported by a background job, in the web process (embedded) or by a real RQ worker; the
upload answers at once with a progress page; all or nothing; streamed in flat memory; the
stored file is removed; a retried job never imports twice."""

from __future__ import annotations

import io
import os
import re
import time
import tracemalloc

import pytest
from openpyxl import Workbook

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.imports import jobs as import_jobs
from portfolio.imports import service as import_service
from portfolio.imports import store
from portfolio.imports.reader import Source
from portfolio.imports.service import import_source
from portfolio.initiatives import services
from portfolio.initiatives.models import Initiative
from portfolio.jobs.engine import get_job
from portfolio.jobs.models import DONE, FAILED, QUEUED, BackgroundJob
from tests.conftest import login, run_queue

HEADER = "Referens;Titel;Ägande enhet;Primärt område;Fas;Finansiering per år och källa;Årsarbetare per år"


def big_csv(rows: int, *, start: int = 0, refs: bool = True, bad_row: int | None = None) -> bytes:
    """A LibreOffice-style CSV of `rows` initiatives; `bad_row` (a data row's index) names an
    unknown unit."""
    lines = [HEADER]
    for i in range(start, start + rows):
        unit = "XYZ" if i - start == bad_row else "SBF"
        ref = f"BIG-{i:06d}" if refs else ""
        lines.append(f"{ref};Initiativ nummer {i};{unit};Självklar service;Idé;"
                     f"2026 Egen ram: {1000 + i};2026: 1,5")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def post(client, data: bytes, filename="stor.csv", *, dry_run=False):
    button = {"dry_run": "Provkör"} if dry_run else {"run": "Importera"}
    return client.post("/import", data={"file": (io.BytesIO(data), filename), **button},
                       content_type="multipart/form-data")


def count(app, model=Initiative) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def job_id_of(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r"/import/jobs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True).replace("\u00a0", " "))


def stored_files(folder) -> list[str]:
    path = folder / "imports"
    return sorted(os.listdir(path)) if path.is_dir() else []


@pytest.fixture
def files_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "files"
    monkeypatch.setitem(app.config, "FILES_DIR", str(folder))
    return folder


@pytest.fixture
def office(client, login_as):
    return login_as("portfolio_office")


@pytest.fixture
def queued(queued_app, make_user, files_dir):
    """The queued app sharing the file store, and a client of it logged in as the office."""
    queued_app.config["FILES_DIR"] = str(files_dir)
    user_id, email = make_user("portfolio_office")
    client = queued_app.test_client()
    assert login(client, email).status_code == 302
    return queued_app, client, user_id


# --- embedded: the job runs in the web process --------------------------------------------------

def test_a_big_file_is_imported_by_a_job_and_the_page_shows_the_result(app, client, office, files_dir,
                                                                      monkeypatch):
    analysed = []
    monkeypatch.setattr(import_jobs, "refresh_statistics", lambda rows: analysed.append(rows))
    response = post(client, big_csv(5000))
    job_id = job_id_of(response)
    assert count(app) == 5000
    assert analysed == [5000]                       # ANALYZE after a large import
    with app.app_context():
        record = get_job(job_id)
        assert record.status == DONE and record.created_by_id == office
        assert record.result["created"] == 5000 and record.result["applied"] is True
        assert "file_id" in record.arguments and record.arguments["filename"] == "stor.csv"
        assert app.extensions["portfolio.jobs"].progress(job_id) == {
            "stage": 2, "checked": 5000, "saved": 5000, "total": 5000}
    assert stored_files(files_dir) == []            # the stored upload is gone

    page = client.get(f"/import/jobs/{job_id}")
    html = text_of(page)
    assert page.status_code == 200
    assert "Import av stor.csv" in html and "Klart. Importen är gjord." in html
    assert "Skapade: 5000. Uppdaterade: 0. Oförändrade: 0." in html
    assert 'id="import-checked">5 000<' in html and 'id="import-saved">5 000<' in html
    assert "import-progress.js" in html and "<script>" not in html
    assert 'id="import-refresh"' not in html        # finished: nothing to refresh


def test_a_bad_row_near_the_end_of_a_big_file_saves_nothing(app, client, office, files_dir):
    job_id = job_id_of(post(client, big_csv(5000, bad_row=4990)))
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Klart. Filen har problem, så ingenting har sparats." in html
    assert "Filen har 1 problem. Ingenting har sparats." in html
    assert re.search(r"<td>stor\.csv</td> <td class=\"num\">4992</td> <td>Ägande enhet</td> "
                     r"<td>Okänd enhet «XYZ»", html), html
    assert count(app) == 0
    assert stored_files(files_dir) == []


def test_a_failure_while_writing_near_the_end_rolls_back_every_row(app, client, office, files_dir,
                                                                  monkeypatch):
    """Pass 2 writes in batches that are flushed and dropped from the session; a failure in the
    last batch still leaves nothing behind."""
    monkeypatch.setattr(import_service, "BATCH_ROWS", 100)
    real = services.create_initiative

    def failing(data, actor, **kwargs):
        if data.ref == "BIG-001190":
            raise services.ServiceValidationError({"title": "Simulerat fel."})
        return real(data, actor, **kwargs)
    monkeypatch.setattr(services, "create_initiative", failing)
    job_id = job_id_of(post(client, big_csv(1200)))
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Simulerat fel. Ingenting har sparats." in html
    assert re.search(r"<td class=\"num\">1192</td>", html)
    assert count(app) == 0
    with app.app_context():
        assert get_job(job_id).result["applied"] is False


def test_a_big_dry_run_runs_as_a_job_and_saves_nothing(app, client, office, files_dir):
    job_id = job_id_of(post(client, big_csv(400), dry_run=True))
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Provkörning av stor.csv" in html and "Klart. Provkörningen hittade inga problem." in html
    assert "skulle skapa 400, uppdatera 0 och lämna 0" in html
    assert count(app) == 0 and stored_files(files_dir) == []


def test_a_small_file_is_still_imported_in_the_request(app, client, office, files_dir):
    response = post(client, big_csv(300))
    assert response.status_code == 200
    assert "Skapade: 300." in text_of(response)
    assert count(app) == 300 and count(app, BackgroundJob) == 0


def test_an_unreadable_file_gets_its_message_in_the_request_or_on_the_job_page(app, client, office,
                                                                              files_dir):
    broken_early = big_csv(400).replace(b"Initiativ nummer 3", b'"obalanserat', 1)
    response = post(client, broken_early)
    assert response.status_code == 400 and "Kontrollera citattecknen" in text_of(response)
    assert count(app, BackgroundJob) == 0

    broken_late = big_csv(400).replace(b"Initiativ nummer 399", b'"obalanserat')
    job_id = job_id_of(post(client, broken_late))       # the first rows are fine: a job reads on
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Kontrollera citattecknen" in html and "Ingenting har sparats" in html
    assert count(app) == 0


# --- the status endpoint and who may see a job ----------------------------------------------------

def test_status_json_while_queued_and_when_done(queued):
    queued_app, client, _user = queued
    job_id = job_id_of(post(client, big_csv(400)))
    status = client.get(f"/import/jobs/{job_id}/status")
    assert status.status_code == 200 and status.mimetype == "application/json"
    assert status.headers["Cache-Control"] == "no-store"
    data = status.get_json()
    assert data["status"] == QUEUED and data["finished"] is False and "html" not in data
    assert data["text"] == "Väntar på att starta." and data["checked"] == 0
    page = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Väntar på att starta." in page
    assert f'<a href="/import/jobs/{job_id}">Uppdatera</a>' in page       # without JavaScript
    assert 'data-finished="false"' in page

    run_queue(queued_app)
    data = client.get(f"/import/jobs/{job_id}/status").get_json()
    assert data["status"] == DONE and data["finished"] is True
    assert (data["checked"], data["saved"], data["checked_text"]) == (400, 400, "400")
    assert data["text"] == "Klart. Importen är gjord."
    assert "Skapade: 400. Uppdaterade: 0. Oförändrade: 0." in data["html"]


def test_only_the_uploader_and_admins_see_a_job(app, client, office, files_dir, make_user):
    job_id = job_id_of(post(client, big_csv(400, refs=False), dry_run=True))
    assert client.get(f"/import/jobs/{job_id}").status_code == 200
    for roles, expected in ((("portfolio_office",), 404), (("editor",), 403), (("viewer",), 403),
                            (("admin",), 200)):
        other = app.test_client()
        _id, email = make_user(*roles, **({"units": ["SBF"]} if "editor" in roles else {}))
        assert login(other, email).status_code == 302
        assert other.get(f"/import/jobs/{job_id}").status_code == expected, roles
        assert other.get(f"/import/jobs/{job_id}/status").status_code == expected, roles
    assert client.get(f"/import/jobs/{job_id + 1000}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/import/jobs/{job_id}/status").status_code == 302     # to the login
    with app.app_context():       # a job of another kind is not an import's page
        other_job = BackgroundJob(name="reminders.send", arguments={}, status=DONE, created_by_id=office)
        db.session.add(other_job)
        db.session.commit()
        other_id = other_job.id
    assert client.get(f"/import/jobs/{other_id}").status_code == 404


def test_non_office_users_cannot_upload_a_big_file(app, client, login_as, files_dir):
    login_as("editor", units=["SBF"])
    assert post(client, big_csv(400)).status_code == 403
    assert count(app, BackgroundJob) == 0 and stored_files(files_dir) == []


# --- a real worker -------------------------------------------------------------------------------

def test_a_real_worker_imports_5000_rows_and_records_progress(queued, files_dir):
    queued_app, client, user_id = queued
    job_id = job_id_of(post(client, big_csv(5000)))
    assert count(queued_app) == 0                    # answered at once: nothing done yet
    assert len(stored_files(files_dir)) == 1
    run_queue(queued_app)
    assert count(queued_app) == 5000
    assert stored_files(files_dir) == []
    with queued_app.app_context():
        assert get_job(job_id).status == DONE
        assert queued_app.extensions["portfolio.jobs"].progress(job_id) == {
            "stage": 2, "checked": 5000, "saved": 5000, "total": 5000}
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Klart. Importen är gjord." in html and "Skapade: 5000." in html


def test_a_real_worker_saves_nothing_of_a_big_file_with_a_bad_row(queued, files_dir):
    queued_app, client, _user = queued
    job_id = job_id_of(post(client, big_csv(5000, bad_row=4998)))
    run_queue(queued_app)
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Filen har 1 problem. Ingenting har sparats." in html and "Okänd enhet «XYZ»" in html
    assert count(queued_app) == 0 and stored_files(files_dir) == []


def test_the_forking_worker_runs_an_xlsx_import(queued, files_dir):
    """`portfolio worker` forks a work horse per job: the stored xlsx is streamed there."""
    queued_app, client, _user = queued
    book = Workbook()
    sheet = book.active
    sheet.title = "Initiativ"
    sheet.append(["Referens", "Titel", "Ägande enhet", "Primärt område"])
    for i in range(350):
        sheet.append([f"XL-{i:04d}", f"Från Excel {i}", "KLK", "Självklar service"])
    out = io.BytesIO()
    book.save(out)
    job_id = job_id_of(post(client, out.getvalue(), "initiativ.xlsx"))
    run_queue(queued_app, fork=True)
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Skapade: 350." in html, html
    assert count(queued_app) == 350 and stored_files(files_dir) == []


# --- idempotence, clean-up ------------------------------------------------------------------------

def _fail_once_after_commit(monkeypatch) -> list:
    """The first removal of the stored file (right after the import's commit) fails, so the
    file is still there for the retry: only the job's mark keeps it from importing again."""
    calls: list[str] = []
    real = store.delete

    def delete(file_id):
        calls.append(file_id)
        if len(calls) == 1:
            raise OSError("file store unavailable")
        real(file_id)
    monkeypatch.setattr(store, "delete", delete)
    return calls


def test_a_retried_job_does_not_import_twice(app, client, office, files_dir, monkeypatch):
    """Rows without a reference would be created again by a second import: the job's result,
    committed with the rows, tells a retry that the file is imported already."""
    calls = _fail_once_after_commit(monkeypatch)
    job_id = job_id_of(post(client, big_csv(400, refs=False)))
    with app.app_context():
        record = get_job(job_id)
        assert record.status == FAILED and "file store unavailable" in record.error
        assert record.result["applied"] is True
    assert count(app) == 400
    assert len(stored_files(files_dir)) == 1
    # A failed job whose rows are in shows its result, not a failure.
    assert "Klart. Importen är gjord." in text_of(client.get(f"/import/jobs/{job_id}"))
    with app.test_request_context():
        app.extensions["portfolio.jobs"].retry(db.session.get(BackgroundJob, job_id))
        record = get_job(job_id)
        assert record.status == DONE and record.attempts == 2 and record.result["created"] == 400
    assert count(app) == 400 and len(calls) == 2
    assert stored_files(files_dir) == []


def test_a_worker_retry_after_the_commit_does_not_import_twice(queued, files_dir, monkeypatch):
    queued_app, client, _user = queued
    calls = _fail_once_after_commit(monkeypatch)
    job_id = job_id_of(post(client, big_csv(400, refs=False)))
    run_queue(queued_app)
    with queued_app.app_context():
        record = get_job(job_id)
        assert record.status == DONE and record.attempts == 2
    assert count(queued_app) == 400 and len(calls) == 2
    assert stored_files(files_dir) == []


def test_a_job_whose_file_is_gone_says_so(app, client, office, files_dir, monkeypatch):
    monkeypatch.setattr(store, "path_of", lambda file_id: files_dir / "imports" / "saknas")
    job_id = job_id_of(post(client, big_csv(400)))
    html = text_of(client.get(f"/import/jobs/{job_id}"))
    assert "Den uppladdade filen finns inte längre" in html
    assert count(app) == 0


def test_stored_files_older_than_a_day_are_swept(app, files_dir):
    with app.app_context():
        old = store.save(io.BytesIO(b"gammal"))
        new = store.save(io.BytesIO(b"ny"))
        two_days_ago = time.time() - 2 * 24 * 3600
        os.utime(store.path_of(old), (two_days_ago, two_days_ago))
        assert store.sweep() == 1
        assert stored_files(files_dir) == [new]
        with pytest.raises(ValueError):
            store.path_of("../../etc/passwd")


# --- memory ------------------------------------------------------------------------------------

def _peak(app, user_id, data: bytes, *, dry_run: bool) -> tuple[int, int]:
    with app.test_request_context():
        actor = db.session.get(User, user_id)
        tracemalloc.start()
        try:
            result = import_source(Source.from_bytes(data, "minne.csv"), actor, dry_run=dry_run)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            db.session.rollback()
        assert result.ok, result.problems[:3]
        return peak, result.rows


def test_checking_4x_the_rows_needs_little_more_memory(app, office, monkeypatch):
    """Pass 1 streams: only the references seen (the duplicate check) grow, by about 120 bytes
    a row. A reader that kept the rows (a list of cells is ~600 bytes) or their planned input
    (kilobytes) would need several times as much. Sizes are modest because tracemalloc slows Python
    down 5×; tests/benchmarks/bench_import.py measures 20 000 and 50 000 rows."""
    monkeypatch.setattr(import_service, "BATCH_ROWS", 100)
    _peak(app, office, big_csv(300), dry_run=True)            # warm the caches (statements, gettext)
    small, rows = _peak(app, office, big_csv(1500), dry_run=True)
    large, rows_large = _peak(app, office, big_csv(6000), dry_run=True)
    assert (rows, rows_large) == (1500, 6000)
    print(f"\ncheck pass peak: 1 500 rows {small / 1e6:.2f} MB, 6 000 rows {large / 1e6:.2f} MB")
    # What grows is the references seen: ~120 bytes a row, up to twice that while the dict
    # resizes. Keeping the rows would add ~600 bytes a row, their planned input kilobytes.
    assert (large - small) / 4500 < 400, (small, large)         # bytes a row


def test_writing_keeps_the_session_small(app, office, monkeypatch):
    """Pass 2 flushes each batch and drops it from the session, and the cycle collector frees
    it (written objects refer to each other, so without a collection per batch they pile up
    until Python's own full collection): what the session holds and the initiatives alive in
    memory do not grow with the rows written."""
    import gc

    monkeypatch.setattr(import_service, "BATCH_ROWS", 50)
    sizes: list[tuple[int, int]] = []
    real_trim = import_service._trim_session

    def trim(**kwargs):
        real_trim(**kwargs)
        alive = sum(1 for obj in gc.get_objects() if type(obj) is Initiative)
        sizes.append((len(db.session.identity_map), alive))
    monkeypatch.setattr(import_service, "_trim_session", trim)
    with app.test_request_context():
        result = import_source(Source.from_bytes(big_csv(600), "minne.csv"),
                               db.session.get(User, office), dry_run=False)
    assert result.created == 600
    written = sizes[len(sizes) // 2:]                  # pass 2's batches (pass 1 has as many)
    assert len(written) == 12
    assert max(size for size, _alive in written) <= 50, sizes
    assert max(alive for _size, alive in written) <= 5, sizes
    assert count(app) == 600
