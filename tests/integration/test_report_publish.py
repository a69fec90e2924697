"""Publishing the yearly KS report (issue #18): the office publishes a year with the KS case
number and meeting date; the HTML and the PDF are stored as files with their SHA-256 and never
change afterwards; a year can be published again as a new version; readers see the published
version by default and the live draft is marked "utkast"; the PDF is a background job whose
file is PDF/A and tagged, with its charts' text alternatives."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re

import pytest
from sqlalchemy import select

from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.followups.models import Measurement
from portfolio.initiatives.models import Initiative
from portfolio.jobs.models import DONE, QUEUED, BackgroundJob
from portfolio.plans.models import CommitteePlan
from portfolio.reports import pdf, store
from portfolio.reports.ks import body_of
from portfolio.reports.models import PublishedReport
from portfolio.risks.models import Risk
from tests.conftest import login, run_queue
from tests.e2e.conftest import find_chromium

YEAR = 2025
needs_chromium = pytest.mark.skipif(
    find_chromium() is None and os.environ.get("CI", "").lower() != "true",
    reason="Ingen Chromium: PDF-diagrammen kräver systemets Chromium")


@pytest.fixture
def files_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "files"
    monkeypatch.setitem(app.config, "FILES_DIR", str(folder))
    return folder


@pytest.fixture
def no_pdf(monkeypatch):
    """Publishing without asking for the PDF (as on a server without WeasyPrint)."""
    monkeypatch.setattr(pdf, "weasyprint_problem", lambda: "WeasyPrint saknas")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True).replace("\u00a0", " "))


def publish(client, year=YEAR, **fields):
    data = {"case_number": "KS 2026/17", "meeting_date": "2026-03-10", "reason": ""}
    data.update(fields)
    return client.post(f"/reports/ks/{year}/publicera", data=data)


def rows(app) -> list[PublishedReport]:
    with app.app_context():
        found = list(db.session.scalars(select(PublishedReport).order_by(PublishedReport.version)))
        db.session.expunge_all()
        return found


def test_only_the_office_and_admin_publish_and_everyone_reads(app, client, login_as, make_user,
                                                              files_dir, no_pdf):
    for role in ("viewer",):
        user_id, email = make_user(role)
        login(client, email)
        assert client.get(f"/reports/ks/{YEAR}/publicera").status_code == 403
        assert publish(client).status_code == 403
        assert f"/reports/ks/{YEAR}/publicera" not in client.get(f"/reports/ks/{YEAR}").get_data(as_text=True)
    assert rows(app) == []
    login_as("admin")
    assert publish(client).status_code == 302
    login_as("viewer")
    assert "Publicerad version 1" in text_of(client.get(f"/reports/ks/{YEAR}"))
    assert client.get(f"/reports/ks/{YEAR}/v1/download").status_code == 200
    assert client.get("/reports/ks/").status_code == 200
    client.post("/logout")
    assert client.get(f"/reports/ks/{YEAR}/v1").status_code in (302, 401)


def test_the_form_reports_every_problem_at_once(app, client, login_as, files_dir, no_pdf):
    login_as("portfolio_office")
    page = client.get(f"/reports/ks/{YEAR}/publicera")
    assert page.status_code == 200 and 'id="publish-form"' in page.get_data(as_text=True)
    response = publish(client, case_number="", meeting_date="10/3")
    assert response.status_code == 422
    html = text_of(response)
    assert "Formuläret innehåller fel" in html
    assert 'href="#case_number"' in html and 'href="#meeting_date"' in html
    assert "Ange kommunstyrelsens diarienummer" in html and "ÅÅÅÅ-MM-DD" in html
    assert 'aria-invalid="true"' in html
    response = publish(client, meeting_date="2024-12-31")       # before the report's year
    assert response.status_code == 422 and "före det år rapporten gäller" in text_of(response)
    assert rows(app) == []


def test_publishing_stores_the_files_and_logs_it(app, client, login_as, files_dir, no_pdf):
    office = login_as("portfolio_office")
    response = publish(client)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reports/ks/{YEAR}/v1")
    [row] = rows(app)
    assert (row.year, row.version, row.case_number) == (YEAR, 1, "KS 2026/17")
    assert row.meeting_date.isoformat() == "2026-03-10"
    assert row.published_by_id == office and row.published_at is not None
    stored = (files_dir / "reports" / row.html_path).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == row.html_sha256 and len(stored) == row.html_size
    assert (files_dir / "reports" / row.print_path).is_file()
    assert b"Publicerad version 1" in stored and b"KS 2026/17" in stored and b"report-draft" not in stored
    download = client.get(f"/reports/ks/{YEAR}/v1/download")
    assert download.data == stored and download.headers["X-Content-SHA256"] == row.html_sha256
    with app.app_context():
        log = db.session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity_type == "published_report", ChangeLogEntry.entity_id == row.id)).all()
        assert {e.field for e in log} >= {"year", "version", "case_number", "html_sha256"}
        assert all(e.user_id == office and e.action == "publish_report" for e in log)


def test_draft_is_marked_and_readers_see_the_published_version(app, client, login_as, files_dir, no_pdf):
    login_as("portfolio_office")
    draft = text_of(client.get(f"/reports/ks/{YEAR}"))
    assert 'id="report-draft"' in draft and "Utkast" in draft and "site-header" in draft
    publish(client)
    login_as("viewer")
    page = client.get(f"/reports/ks/{YEAR}").get_data(as_text=True)
    assert 'id="report-published"' in page and 'id="report-draft"' not in page
    assert 'class="site-header"' in page                       # a way back into the app
    assert 'id="report-draft"' in client.get(f"/reports/ks/{YEAR}/utkast").get_data(as_text=True)
    standalone = client.get(f"/reports/ks/{YEAR}/download").get_data(as_text=True)
    assert 'id="report-draft"' in standalone and "<title>Utkast:" in standalone


def test_a_published_report_does_not_change_when_the_data_does(app, client, login_as, files_dir,
                                                                 no_pdf, demo_data):
    login_as("portfolio_office")
    assert publish(client).status_code == 302
    [row] = rows(app)
    before = (files_dir / "reports" / row.html_path).read_bytes()
    served = client.get(f"/reports/ks/{YEAR}/v1").get_data(as_text=True)
    draft_before = body_of(client.get(f"/reports/ks/{YEAR}/download").get_data(as_text=True))
    with app.app_context():                  # initiatives, risks, measurements and plans change
        for ini in db.session.scalars(select(Initiative).limit(20)):
            ini.title = "Ändrad titel " + ini.ref
        for risk in db.session.scalars(select(Risk)):
            risk.probability, risk.consequence = 4, 4
        for m in db.session.scalars(select(Measurement)):
            m.value = m.value + 7
        for plan in db.session.scalars(select(CommitteePlan)):
            plan.status = "saknas"
        db.session.commit()
    draft_after = body_of(client.get(f"/reports/ks/{YEAR}/download").get_data(as_text=True))
    assert draft_after != draft_before                      # the live draft follows the data
    after = (files_dir / "reports" / row.html_path).read_bytes()
    assert after == before and hashlib.sha256(after).hexdigest() == rows(app)[0].html_sha256
    assert client.get(f"/reports/ks/{YEAR}/v1/download").data == before
    again = client.get(f"/reports/ks/{YEAR}/v1").get_data(as_text=True)
    assert body_of(before.decode()) in again and body_of(before.decode()) in served
    # A file changed on disk is refused, not served.
    (files_dir / "reports" / row.html_path).write_bytes(before + b" ")
    assert client.get(f"/reports/ks/{YEAR}/v1/download").status_code == 410


def test_a_year_is_published_again_with_a_reason_and_the_old_version_stays(app, client, login_as,
                                                                           files_dir, no_pdf):
    login_as("portfolio_office")
    publish(client)
    response = publish(client, case_number="KS 2026/18")
    assert response.status_code == 422 and "Skriv varför en ny version behövs" in text_of(response)
    response = publish(client, case_number="KS 2026/18", reason="Rättad siffra för nämnd X.")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reports/ks/{YEAR}/v2")
    first, second = rows(app)
    assert (first.version, second.version, second.reason) == (1, 2, "Rättad siffra för nämnd X.")
    assert first.html_path != second.html_path
    listing = text_of(client.get("/reports/ks/"))
    assert "Gällande" in listing and "Ersatt" in listing and "KS 2026/18" in listing and "KS 2026/17" in listing
    old = text_of(client.get(f"/reports/ks/{YEAR}/v1"))
    assert 'id="superseded"' in old and "den gällande versionen är 2" in old
    assert "Publicerad version 2" in text_of(client.get(f"/reports/ks/{YEAR}"))
    assert client.get(f"/reports/ks/{YEAR}/v3").status_code == 404


def test_report_numbers_years_and_statuses(app, client, login_as, demo_data):
    login_as("viewer")
    html = client.get(f"/reports/ks/{YEAR}/utkast").get_data(as_text=True)
    assert "2\u00a0025" not in html and "2 025" not in html
    assert 'class="rag rag--' in html                          # status with symbol and colour
    assert 'id="traffic-lights"' in html and "Tre saker kommunstyrelsen bör notera" in html
    assert re.search(r'<td class="num">[\d\u00a0\u2212−]+</td>', html)


# --- the PDF ---------------------------------------------------------------------------------

@needs_chromium
def test_pdf_of_a_published_version_is_made_once_and_is_archivable(app, client, login_as, files_dir,
                                                                    demo_data):
    import pikepdf

    login_as("portfolio_office")
    assert publish(client).status_code == 302
    first = client.get(f"/reports/ks/{YEAR}/v1/pdf")        # the job (embedded: run at once)
    assert first.status_code == 303
    assert client.get(first.headers["Location"] + "/status").get_json()["finished"]
    [row] = rows(app)
    assert row.pdf_path and row.pdf_sha256
    response = client.get(f"/reports/ks/{YEAR}/v1/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == row.pdf_sha256
    assert client.get(f"/reports/ks/{YEAR}/v1/pdf").data == response.data      # reused
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(BackgroundJob)) == 1

    document = pikepdf.open(io.BytesIO(response.data))
    meta = document.open_metadata()
    assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "A"
    assert meta.get("pdfuaid:part") == "1"
    assert "Årsuppföljning 2025" in str(meta.get("dc:title"))
    assert "Eskilstuna" in str(meta.get("dc:creator"))
    assert "kommunstyrelsen" in str(meta.get("dc:description"))
    root = document.Root
    assert str(root.Lang) == "sv" and "/StructTreeRoot" in root and root.MarkInfo.Marked
    figures = [obj for obj in document.objects if isinstance(obj, pikepdf.Dictionary)
               and obj.get("/Type") == "/StructElem" and obj.get("/S") == "/Figure"]
    charts = len(json.loads((files_dir / "reports" / row.print_path).read_text())["figures"])
    in_html = len(re.findall(r'data-chart="', (files_dir / "reports" / row.html_path).read_text()))
    assert 0 < charts <= in_html and len(figures) >= charts
    assert all(str(f.get("/Alt", "")).startswith("Diagram: ") for f in figures)
    headers = [obj for obj in document.objects if isinstance(obj, pikepdf.Dictionary)
               and obj.get("/Type") == "/StructElem" and obj.get("/S") == "/THead"]
    assert headers                                        # header rows (repeated on each page)


@needs_chromium
def test_draft_pdf_shows_progress_page_and_reuses_the_file(app, client, login_as, files_dir):
    login_as("viewer")
    response = client.get(f"/reports/ks/{YEAR}/pdf")
    assert response.status_code == 303
    job_page = response.headers["Location"]
    page = text_of(client.get(job_page))
    assert "PDF:en är klar." in page and 'id="pdf-file"' in page
    status = client.get(job_page + "/status").get_json()
    assert status["finished"] and status["percent"] == 100 and status["file_url"].endswith("/file")
    file = client.get(status["file_url"])
    assert file.status_code == 200 and file.data.startswith(b"%PDF")
    again = client.get(f"/reports/ks/{YEAR}/pdf")
    assert again.headers["Location"] == job_page                    # same data: same job and file
    assert client.get(status["file_url"]).data == file.data


def test_pdf_without_weasyprint_says_so(client, login_as, no_pdf, files_dir):
    login_as("viewer")
    response = client.get(f"/reports/ks/{YEAR}/pdf")
    assert response.status_code == 503 and "PDF kan inte skapas" in response.get_data(as_text=True)


@pytest.fixture
def queued(queued_app, make_user, files_dir):
    queued_app.config["FILES_DIR"] = str(files_dir)
    user_id, email = make_user("portfolio_office")
    client = queued_app.test_client()
    assert login(client, email).status_code == 302
    return queued_app, client, user_id


@needs_chromium
def test_with_a_worker_the_page_shows_progress_then_the_file(queued):
    queued_app, client, _user = queued
    assert publish(client).status_code == 302                       # asks a worker for the PDF
    response = client.get(f"/reports/ks/{YEAR}/v1/pdf")
    assert response.status_code == 303                              # not made yet: the job's page
    job_page = response.headers["Location"]
    with queued_app.app_context():                                  # the job publishing asked for
        assert db.session.scalar(select(db.func.count()).select_from(BackgroundJob)) == 1
    data = client.get(job_page + "/status").get_json()
    assert data["status"] == QUEUED and not data["finished"] and data["file_url"] is None
    page = text_of(client.get(job_page))
    assert "Väntar på att starta." in page and "Uppdatera" in page and 'data-finished="false"' in page
    run_queue(queued_app)
    data = client.get(job_page + "/status").get_json()
    assert data["status"] == DONE and data["finished"] and data["file_url"].endswith(f"/reports/ks/{YEAR}/v1/pdf")
    assert 'id="pdf-file"' in data["html"]
    file = client.get(data["file_url"])
    assert file.status_code == 200 and file.data.startswith(b"%PDF")
    with queued_app.app_context():
        row = db.session.scalar(select(PublishedReport))
        assert row is not None and row.pdf_sha256 == hashlib.sha256(file.data).hexdigest()
        assert store.sha256_of(file.data) == row.pdf_sha256
