"""The yearly KS report at demo ×1 and ×N (default 100) in one run (issue #18): the web report's
server time (a KS reader, cold cache and warm), the stand-alone HTML's size, publishing, and the
PDF job's time and peak memory.

    python tests/benchmarks/bench_report.py [--factors 1,100] [--runs 5] [--database-url URL]

The PDF job runs in a process of its own, as a `portfolio worker` would: a fresh Python that
makes the app on the same database and runs the job function; its peak memory is its own
maximum resident set (ru_maxrss) and, separately, the largest of its child processes (no Chromium
since the charts are drawn in Python: ctypes' library lookups when WeasyPrint loads Pango).
Targets: server time under 1 s at ×100, stand-alone HTML under 4 MB, the PDF under 10 s at ×1
and under 20 s at ×100. With --database-url the database is emptied first: use one of your own."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_dashboards import clear_cache, measure, prepare, scale_to  # noqa: E402
from tests.benchmarks.floor import FLOOR_PATH, bench_app  # noqa: E402

YEAR = 2025
EMAIL, PASSWORD = "ks-lasare@example.se", "Instrumentpanel-2026-snabb"
OFFICE, OFFICE_PASSWORD = "projektkontor@example.se", "Publicera-2026-lugnt"

WORKER = r"""
import json, resource, sys, time
from portfolio import create_app
from portfolio.reports.jobs import make_pdf
from portfolio.reports import pdf

url, files, version_id, phases = sys.argv[1], sys.argv[2], int(sys.argv[3]), {}
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FILES_DIR": files, "TESTING": True})
original_fill, original_pdf = pdf.fill_figures, pdf.html_to_pdf
def fill(source, progress=None):
    t = time.perf_counter(); out = original_fill(source, progress); phases["charts"] = time.perf_counter() - t
    phases["print_html_bytes"] = len(out.encode()); return out
def to_pdf(html):
    t = time.perf_counter(); out = original_pdf(html); phases["weasyprint"] = time.perf_counter() - t; return out
pdf.fill_figures, pdf.html_to_pdf = fill, to_pdf
with app.app_context():
    t = time.perf_counter()
    result = make_pdf(year=0, version_id=version_id)
    phases["total"] = time.perf_counter() - t
phases["size"] = result["size"]
phases["self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
phases["children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(phases))
"""


def prepare_office(app) -> None:
    from portfolio.auth.services import create_user
    from portfolio.transactions import transaction

    with app.app_context(), transaction():
        create_user(email=OFFICE, roles=["portfolio_office"], password=OFFICE_PASSWORD)


def publish(app, client, files: str) -> tuple[float, int, int]:
    """Publish YEAR (timed); returns (seconds, the new row's id, stand-alone HTML bytes)."""
    from sqlalchemy import func, select

    from portfolio.extensions import db
    from portfolio.reports import pdf
    from portfolio.reports.models import PublishedReport

    saved = pdf.weasyprint_problem
    pdf.weasyprint_problem = lambda: "benchmark"     # the PDF is timed on its own, in a worker process
    try:
        with app.app_context():
            version = (db.session.scalar(select(func.max(PublishedReport.version))
                                         .where(PublishedReport.year == YEAR)) or 0) + 1
        started = time.perf_counter()
        response = client.post(f"/reports/ks/{YEAR}/publicera", data={
            "case_number": f"KS 2026/{version}", "meeting_date": "2026-03-10",
            "reason": "Benchmark" if version > 1 else ""})
        seconds = time.perf_counter() - started
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    finally:
        pdf.weasyprint_problem = saved
    with app.app_context():
        row = db.session.scalar(select(PublishedReport).where(PublishedReport.year == YEAR,
                                                              PublishedReport.version == version))
        assert row is not None
        return seconds, row.id, row.html_size


def pdf_job(url: str, files: str, version_id: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", WORKER, url, files, str(version_id)], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factors", default="1,100")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]

    app, url = bench_app(args.database_url)
    files = tempfile.mkdtemp(prefix="bench-report-files-")
    app.config["FILES_DIR"] = files
    prepare(app)
    prepare_office(app)
    reader, office = app.test_client(), app.test_client()
    assert reader.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    assert office.post("/login", data={"email": OFFICE, "password": OFFICE_PASSWORD}).status_code == 302
    print(f"database: {url.split(':')[0]}; year {YEAR}; times in ms unless marked")
    done = 1
    for factor in factors:
        if factor > done:
            started = time.perf_counter()
            with app.app_context():
                total = scale_to(factor // done)
            done = factor
            print(f"-- scaled demo ×{factor}: {total} initiatives ({time.perf_counter() - started:.1f} s)")
        draft = f"/reports/ks/{YEAR}/utkast"
        floor, _ = measure(app, reader, FLOOR_PATH, 15, cold=False)   # the machine's load, to compare
        cold, cold95 = measure(app, reader, draft, args.runs, cold=True)
        warm, _ = measure(app, reader, draft, args.runs, cold=False)
        clear_cache(app)
        started = time.perf_counter()
        standalone = reader.get(f"/reports/ks/{YEAR}/download")
        standalone_ms = (time.perf_counter() - started) * 1000
        seconds, version_id, html_size = publish(app, office, files)
        published, _ = measure(app, reader, f"/reports/ks/{YEAR}", args.runs, cold=False)
        job = pdf_job(url, files, version_id)
        print(f"×{factor}: floor p50 {floor:.1f}; web draft cold p50 {cold:.0f} (p95 {cold95:.0f}), "
              f"warm p50 {warm:.0f}; "
              f"published page p50 {published:.0f}; stand-alone draft {len(standalone.data) / 1e6:.2f} MB "
              f"in {standalone_ms:.0f}; publish {seconds * 1000:.0f} (stored HTML {html_size / 1e6:.2f} MB)",
              flush=True)
        print(f"×{factor}: PDF job {job['total']:.1f} s (charts {job['charts']:.1f} s, WeasyPrint "
              f"{job['weasyprint']:.1f} s, print HTML {job['print_html_bytes'] / 1e6:.2f} MB), "
              f"PDF {job['size'] / 1e6:.2f} MB; peak memory worker {job['self_mb']:.0f} MB, "
              f"largest child process {job['children_mb']:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
