"""Time the register list and the API list as the register grows (issue #16: a page of 25 must
cost the same at 320 000 initiatives as at 5 000; within 3x).

    python tests/benchmarks/bench_register_list.py [--count 5000 20000 80000 320000] [--runs 15]
        [--database-url URL] [--only NAME ...] [--time-upgrade]

For every count, in one run: builds a fresh database (a SQLite file in a temp folder, or the
PostgreSQL database of --database-url with its schema dropped and created again), inserts the
initiatives in bulk, logs in a viewer through the real login form and times whole HTTP requests
through the WSGI app (routing, query, template or JSON) for the plain list, every sort, the
filters, free text (one word most initiatives hold, one that few hold), page 100 and the API
list. Prints p50/p95 per page and count, then each page's p50 at the largest count as a ratio of
its p50 at the smallest, and the SQL statements per request. The result cache is off, so every
request runs the list's queries (as the first reader of a page after a write does).

--time-upgrade takes the largest count's database back to migration 0013 and times `upgrade` to
0014 on it (the register's indexes and search index), which must stay under a minute."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.floor import reset_database  # noqa: E402

WORDS = ["e-tjänst", "digital", "AI-stöd", "sensorer", "e-arkiv", "RPA", "plattform",
         "bygglov", "skola", "omsorg", "ekonomi", "HR", "öppna data", "välfärd"]
RARE = "hyperspektral"     # in one title of 2 000

CASES = {
    "list": "/initiatives/",
    "sort title": "/initiatives/?sort=title",
    "sort ref": "/initiatives/?sort=ref",
    "sort phase": "/initiatives/?sort=phase",
    "sort start": "/initiatives/?sort=start",
    "sort unit": "/initiatives/?sort=unit",
    "q=sensorer": "/initiatives/?q=sensorer",
    f"q={RARE[:8]}": f"/initiatives/?q={RARE[:8]}",
    "q=sensorer sort title": "/initiatives/?q=sensorer&sort=title",
    "area + phase": "/initiatives/?area=1&phase=genomforande",
    "unit + source": "/initiatives/?unit=1&source=2",
    "basis=now": "/initiatives/?basis=now",
    "basis=next": "/initiatives/?basis=next",
    "archived": "/initiatives/?archived=1",
    "page 100": "/initiatives/?page=100",
    "page 100 sort title": "/initiatives/?page=100&sort=title",
    "api list": "/api/v1/initiatives",
    "api q=sensorer": "/api/v1/initiatives?q=sensorer",
    f"api q={RARE[:8]}": f"/api/v1/initiatives?q={RARE[:8]}",
    "api area + phase": "/api/v1/initiatives?area=1&phase=genomforande",
    "api basis=now": "/api/v1/initiatives?basis=now",
    "api sort unit": "/api/v1/initiatives?sort=unit",
    "api page 100": "/api/v1/initiatives?page=100&per_page=25",
}


def build(app, count: int, *, at_revision: str | None = None) -> float | None:
    """Fill a fresh database with `count` initiatives; with `at_revision`, insert them at that
    migration and return the seconds `upgrade` to head takes on them."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from portfolio.auth.services import create_user
    from portfolio.auth.tokens import create_token
    from portfolio.domain.phases import ALL_PHASES
    from portfolio.extensions import db
    from portfolio.initiatives.models import FundingLine, Initiative
    from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR

    upgrade_seconds = None
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        sync_reference_data()
        units = db.session.scalars(db.select(OrgUnit.id)).all()
        areas = db.session.scalars(db.select(PriorityArea.id)).all()
        sources = db.session.scalars(db.select(FundingSource.id)).all()
        rng = random.Random(42)
        now = datetime(2026, 1, 1)
        table = Initiative.__table__
        line_table = FundingLine.__table__
        for start in range(1, count + 1, 20_000):
            rows, lines = [], []
            for i in range(start, min(count, start + 19_999) + 1):
                title = " ".join(rng.sample(WORDS, 3)).capitalize()
                if i % 2000 == 7:
                    title += f" {RARE}"
                rows.append(dict(
                    id=i, ref=f"BENCH-{i:06d}", title=title,
                    description=" ".join(rng.choices(WORDS, k=30)), owning_unit_id=rng.choice(units),
                    primary_area_id=rng.choice(areas), phase=rng.choice(ALL_PHASES),
                    start_date=(now - timedelta(days=rng.randrange(2000))).date()
                    if rng.random() < 0.8 else None,
                    is_demo=False, archived=rng.random() < 0.05, version=1, created_at=now,
                    updated_at=now - timedelta(minutes=i)))
                for year in (2025, 2026):
                    lines.append(dict(initiative_id=i, year=year, source_id=rng.choice(sources),
                                      amount=Decimal(rng.randrange(10_000, 2_000_000))))
            db.session.execute(table.insert(), rows)
            db.session.execute(line_table.insert(), lines)
        db.session.commit()
        if at_revision is not None:     # back to it, and time the way up again over the rows
            db.session.remove()
            downgrade(directory=str(MIGRATIONS_DIR), revision=at_revision)
            started = time.perf_counter()
            upgrade(directory=str(MIGRATIONS_DIR), revision="0014")
            upgrade_seconds = time.perf_counter() - started
            upgrade(directory=str(MIGRATIONS_DIR))
        user = create_user(email="bench@test.se", roles=["viewer"], password="ljus-fjord-9317-tall")
        db.session.flush()
        app.config["BENCH_TOKEN"] = create_token(user, "bench").secret
        db.session.execute(text("ANALYZE"))     # as after an import or any bulk load
        db.session.commit()
    return upgrade_seconds


def measure(client, url: str, runs: int, statements: list, token: str) -> tuple[float, float, int, float]:
    """p50 and p95 of the whole request, its SQL statements and the p50 of their time (ms)."""
    timings, sql_times = [], []
    headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
    for _ in range(runs):
        before, sql_before = statements[0], statements[1]
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        sql_times.append(statements[1] - sql_before)
        assert response.status_code == 200, (url, response.status_code)
        per_request = statements[0] - before
    timings.sort()
    return (statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], per_request,
            statistics.median(sql_times))


def run_count(url: str, count: int, runs: int, cases: dict[str, str], time_upgrade: bool):
    from sqlalchemy import event

    from portfolio import create_app
    from portfolio.extensions import db

    reset_database(url)
    # The result cache off: the register's rows are cached per data version (listing.py), so with
    # it on every request after the warm-up would measure a cache read, not the list's queries.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RESULT_CACHE": False})
    started = time.perf_counter()
    upgrade_seconds = build(app, count, at_revision="0013" if time_upgrade else None)
    print(f"built {count} initiatives in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})",
          flush=True)
    if upgrade_seconds is not None:
        print(f"upgrade 0013 -> 0014 on {count} initiatives: {upgrade_seconds:.1f} s", flush=True)
    statements = [0, 0.0]      # statements run, milliseconds spent in them
    with app.app_context():
        engine = db.engine

    def count_statement(conn, *_args):
        statements[0] += 1
        conn.info["bench_started"] = time.perf_counter()

    def time_statement(conn, *_args):
        statements[1] += (time.perf_counter() - conn.info["bench_started"]) * 1000

    event.listen(engine, "before_cursor_execute", count_statement)
    event.listen(engine, "after_cursor_execute", time_statement)
    client = app.test_client()
    assert client.post("/login", data={"email": "bench@test.se",
                                       "password": "ljus-fjord-9317-tall"}).status_code == 302
    client.get("/initiatives/")     # warm up templates and connection
    token = app.config["BENCH_TOKEN"]
    assert client.get("/api/v1/initiatives", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    results = {}
    for name, path in cases.items():
        results[name] = measure(client, path, runs, statements, token)
        median, p95, sql, sql_ms = results[name]
        print(f"  {count:>7} {name:<24} p50 {median:8.1f} ms   p95 {p95:8.1f} ms   {sql:3d} SQL"
              f" taking {sql_ms:7.1f} ms", flush=True)
    event.remove(engine, "before_cursor_execute", count_statement)
    event.remove(engine, "after_cursor_execute", time_statement)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, nargs="+", default=[5000])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--only", nargs="*", default=None, help="names of the cases to time")
    parser.add_argument("--time-upgrade", action="store_true",
                        help="time the 0014 upgrade on the largest count")
    args = parser.parse_args()

    cases = {k: v for k, v in CASES.items() if not args.only or k in args.only}
    by_count = {}
    counts = sorted(args.count)
    for count in counts:
        tmp = tempfile.mkdtemp()
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if url.startswith("postgresql://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        by_count[count] = run_count(url, count, args.runs, cases,
                                    args.time_upgrade and count == counts[-1])
    if len(counts) > 1:
        first, last = counts[0], counts[-1]
        for label, at in (("request p50", 0), ("SQL time p50", 3)):
            print(f"\n{label} in ms per count, and the ratio of {last} to {first} (target <= 3)")
            print(f"{'page':<24}" + "".join(f"{c:>10}" for c in counts) + "     ratio")
            worst = 0.0
            for name in cases:
                ratio = by_count[last][name][at] / max(by_count[first][name][at], 0.01)
                worst = max(worst, ratio)
                print(f"{name:<24}" + "".join(f"{by_count[c][name][at]:10.1f}" for c in counts)
                      + f"{ratio:10.2f}" + ("" if ratio <= 3 else "  TOO SLOW"))
            print(f"worst ratio: {worst:.2f} ({'OK' if worst <= 3 else 'TOO SLOW'})")


if __name__ == "__main__":
    main()
