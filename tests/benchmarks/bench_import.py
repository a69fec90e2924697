"""What an import of a big file costs (issue #17): seconds and peak memory of the check pass (a
dry run) and of the whole import (check, then write in batches), for files of several sizes.

    python tests/benchmarks/bench_import.py [--rows 5000,20000,50000] [--database-url URL]
                                            [--tracemalloc] [--xlsx]

Each measurement runs in a fresh child process, so its peak resident memory (ru_maxrss, minus
what the process held before the import) is the import's own. With --tracemalloc the Python
heap's peak is measured too (about 5× slower). The file is in the export's format with every
column filled (about 330 bytes a row as CSV). With --database-url the database is migrated and
used as it is (initiatives are added): use one of your own.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Referens", "Titel", "Beskrivning", "Ägande enhet", "Deltagande enheter", "Primärt område",
          "Sekundära områden", "Principer", "Fas", "Startdatum", "Slutdatum", "Behovsägare",
          "Projektledare", "Nyttoägare", "Finansiering per år och källa", "Årsarbetare per år", "Arkiverad"]
EMAIL = "bench-import@test.se"


def write_file(path: Path, rows: int, prefix: str, *, xlsx: bool) -> None:
    def row(i: int) -> list[str]:
        return [f"{prefix}-{i:06d}", f"Initiativ nummer {i} om digital service",
                f"Beskrivning av initiativ {i}: en e-tjänst som ersätter en pappersblankett.",
                "SBF", "KLK, SEF", "Självklar service", "Effektiva stödprocesser",
                "Behovsdriven utveckling", "Idé", "2026-01-01", "2027-06-30", "Anna Andersson",
                "Per Persson", "Eva Eriksson", f"2026 Egen ram: {1000 + i}; 2027 Statsbidrag: 250000",
                "2026: 1,5; 2027: 2", "nej"]
    if xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Initiativ")
        sheet.append(HEADER)
        for i in range(rows):
            sheet.append(row(i))
        book.save(path)
        return
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(row(i))


def prepare(url: str) -> None:
    from flask_migrate import upgrade

    from portfolio import create_app
    from portfolio.auth.models import User
    from portfolio.auth.services import create_user
    from portfolio.extensions import db
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR
    from portfolio.transactions import transaction

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        with transaction():
            sync_reference_data()
        if db.session.scalar(db.select(User).where(User.email == EMAIL)) is None:
            with transaction():
                create_user(email=EMAIL, roles=["portfolio_office"], password="bench-password-123")


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Start the process's peak resident size (VmHWM) afresh (Linux); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _rss_mb() -> float:
    """The peak resident size since the last reset (or since the start)."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, path: str, dry_run: bool, trace: bool) -> dict:
    """One import in this (fresh) process."""
    import gc
    import tracemalloc

    from portfolio import create_app
    from portfolio.auth.models import User
    from portfolio.extensions import db
    from portfolio.imports.reader import Source
    from portfolio.imports.service import import_source
    from portfolio.transactions import transaction

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    progress: dict = {}
    saved_at: list[tuple[float, int]] = []       # (seconds, rows saved): is writing linear?

    def report(**values) -> None:
        progress.update(values)
        if "saved" in values and values.get("stage") == 2:
            saved_at.append((time.perf_counter(), int(values["saved"])))
    with app.test_request_context():
        actor = db.session.scalar(db.select(User).where(User.email == EMAIL))
        # Warm up: imports, statement caches, gettext (a tiny file of its own).
        with tempfile.TemporaryDirectory() as tmp:
            small = Path(tmp) / "warm.csv"
            write_file(small, 20, "WARM", xlsx=False)
            with transaction():
                import_source(Source.from_path(small, "warm.csv"), actor, dry_run=True)
        gc.collect()
        _reset_peak()
        before = _status_mb("VmRSS") or _rss_mb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        with transaction():
            result = import_source(Source.from_path(path, os.path.basename(path)), actor,
                                   dry_run=dry_run, progress=report)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
    assert result.ok, result.problems[:3]
    rates = None
    points = [(t, n) for t, n in saved_at if n]
    if len(points) >= 20:
        tenth = len(points) // 10
        first = (points[tenth][1] - points[0][1]) / max(points[tenth][0] - points[0][0], 1e-6)
        last = (points[-1][1] - points[-1 - tenth][1]) / max(points[-1][0] - points[-1 - tenth][0], 1e-6)
        rates = [round(first), round(last)]
    return {"write_rows_per_s_first_last_tenth": rates, "seconds": round(seconds, 1),
            "rows": result.checked, "written": result.rows,
            "rss_growth_mb": round(_rss_mb() - before, 1), "rss_peak_mb": round(_rss_mb(), 1),
            "heap_peak_mb": round(peak / 1e6, 1) if peak is not None else None,
            "progress": progress}


def run_child(url: str, path: Path, dry_run: bool, trace: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(path), "--database-url", url]
    if dry_run:
        command.append("--dry-run")
    if trace:
        command.append("--tracemalloc")
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"the measurement failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="50000", help="file sizes, comma-separated")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--xlsx", action="store_true", help="an Excel file instead of CSV")
    parser.add_argument("--dry-run-only", action="store_true")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--dry-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.database_url, args.child, args.dry_run, args.tracemalloc)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'import.db'}"
        prepare(url)
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        stamp = time.strftime("%H%M%S")
        for rows in (int(n) for n in args.rows.split(",")):
            path = Path(tmp) / (f"initiativ-{rows}.xlsx" if args.xlsx else f"initiativ-{rows}.csv")
            write_file(path, rows, f"B{stamp}-{rows}", xlsx=args.xlsx)
            size = path.stat().st_size / 1e6
            checked = run_child(url, path, True, args.tracemalloc)
            print(f"{database}, {rows} rows ({size:.1f} MB {path.suffix[1:]}), check pass (dry run): "
                  f"{checked['seconds']} s, RSS +{checked['rss_growth_mb']} MB "
                  f"(peak {checked['rss_peak_mb']} MB)"
                  + (f", heap peak {checked['heap_peak_mb']} MB" if args.tracemalloc else ""), flush=True)
            if args.dry_run_only:
                continue
            done = run_child(url, path, False, args.tracemalloc)
            print(f"{database}, {rows} rows, import (check + write): {done['seconds']} s "
                  f"({done['written'] / max(done['seconds'], 0.001):.0f} rows/s), "
                  f"RSS +{done['rss_growth_mb']} MB (peak {done['rss_peak_mb']} MB)"
                  + (f", heap peak {done['heap_peak_mb']} MB" if args.tracemalloc else "")
                  + (f"; writing {done['write_rows_per_s_first_last_tenth'][0]} rows/s in the first "
                     f"tenth, {done['write_rows_per_s_first_last_tenth'][1]} in the last"
                     if done["write_rows_per_s_first_last_tenth"] else "")
                  + f"; last progress {done['progress']}", flush=True)


if __name__ == "__main__":
    main()
