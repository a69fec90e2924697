"""Time the ranked portfolio view against "the floor" at 500, 2 000, 8 000 and 32 000 candidates
in one run (issue #16: within 20× of the floor at 2 000, growing no faster than linearly).

    python tests/benchmarks/bench_prioritisation.py [--counts 500,2000,8000,32000] [--runs 15]
        [--budget-s 20] [--database-url URL] [--gc-freeze]

The floor is a bare SQLAlchemy query of 25 rows of a 5 000-row table joined to one other table,
rendered by a trivial Jinja template, served by a bare route of the same app in the same process
(through the same test client as the pages). One database is grown step by step: candidates are
inserted in bulk (most pass the gates, all are scored on every criterion, all have central
funding this year); the stored scores are refreshed when the load commits. Each page is timed
as whole requests; the SQL statements of one request are counted too. With --database-url the
database is emptied first: use one of your own."""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.floor import FLOOR_PATH, FLOOR_ROWS, add_floor_route, bench_app, build_floor  # noqa: E402

YEAR = 2026
EMAIL, PASSWORD = "viewer@example.se", "Rangordning-2026-sakta"


def prepare(app) -> None:
    """Schema, reference data, a viewer and the floor's two tables."""
    from flask_migrate import upgrade

    from portfolio.auth.services import create_user
    from portfolio.extensions import db
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR

    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        sync_reference_data()
        create_user(email=EMAIL, roles=["viewer"], password=PASSWORD)
        db.session.commit()
        build_floor()
    add_floor_route(app)


def grow(app, start: int, count: int) -> None:
    """Candidates start+1 … count, in bulk (the stored scores are refreshed at the commit: a bulk
    INSERT of scores through the session is seen by prioritisation.stored)."""
    from portfolio.extensions import db
    from portfolio.initiatives.models import FundingLine, Initiative
    from portfolio.needs.models import NeedsAnalysis
    from portfolio.prioritisation.models import CriteriaSet, Score
    from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
    from portfolio.risks.models import RiskAssessment

    with app.app_context():
        units = db.session.scalars(db.select(OrgUnit.id)).all()
        areas = db.session.scalars(db.select(PriorityArea.id)).all()
        central = db.session.scalar(db.select(FundingSource.id).where(FundingSource.code == "centrala-medel"))
        criteria_set = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == YEAR))
        criteria = criteria_set.criteria
        rng = random.Random(7 + start)
        now = datetime(2026, 1, 1)
        phases = ["behovsanalys", "prioriterad", "planering", "genomforande"]
        step = 4000
        for first in range(start + 1, count + 1, step):
            inis, funding, needs, assessments, scores = [], [], [], [], []
            for i in range(first, min(first + step, count + 1)):
                inis.append(dict(id=i, ref=f"B-{i:05d}", title=f"Kandidat {i}", description="",
                                 owning_unit_id=rng.choice(units), primary_area_id=rng.choice(areas),
                                 phase=rng.choice(phases), need_owner="Chef", is_demo=False,
                                 archived=False, version=1, created_at=now, updated_at=now))
                funding.append(dict(initiative_id=i, year=YEAR, source_id=central,
                                    amount=Decimal(rng.randrange(50_000, 3_000_000))))
                if rng.random() < 0.9:
                    needs.append(dict(initiative_id=i, status="klar", involvement_who="x",
                                      involvement_how="y", involvement_when=now.date(), version=1,
                                      updated_at=now))
                    assessments.append(dict(initiative_id=i, no_significant_risks=True, reason="r",
                                            assessed_at=now))
                for c in criteria:
                    scores.append(dict(initiative_id=i, criterion_id=c.id, score=rng.randint(1, 5),
                                       motivation="m", scored_at=now))
            for model, rows in ((Initiative, inis), (FundingLine, funding), (NeedsAnalysis, needs),
                                (RiskAssessment, assessments), (Score, scores)):
                if rows:
                    db.session.execute(db.insert(model), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")


class StatementCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.count += 1


def measure(client, path: str, runs: int, budget_s: float) -> tuple[float, float, float, int]:
    """p50 and p95 in ms of at least 3 and at most `runs` requests (fewer past `budget_s`), and
    the p50 of this process's CPU time per request (SQLite runs in the process; on a busy
    machine CPU time says what a request costs when wall time also says how long it waited)."""
    client.get(path)
    timings: list[float] = []
    cpu: list[float] = []
    started = time.perf_counter()
    while len(timings) < runs and (len(timings) < 3 or time.perf_counter() - started < budget_s):
        t, c = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return (statistics.median(timings), timings[max(0, math.ceil(len(timings) * .95) - 1)],
            statistics.median(cpu), len(timings))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="500,2000,8000,32000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--budget-s", type=float, default=20.0, help="time per page and size")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after start-up, as a server would after loading the app")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    from portfolio.extensions import db

    app, url = bench_app(args.database_url)
    prepare(app)
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    pages = (("ranked view", f"/prioritisation/?year={YEAR}"),
             ("what-if ceiling", f"/prioritisation/?year={YEAR}&ceiling=50000000"),
             ("transparency page", f"/prioritisation/transparency?year={YEAR}"),
             ("initiative page", "/initiatives/1"))
    with app.app_context():
        counter = StatementCounter(db.engine)
    if args.gc_freeze:      # the start-up objects leave the collector's view (gen 2 scans get short)
        gc.collect()
        gc.freeze()
    print(f"database: {url.split(':')[0]}; floor = 25 of {FLOOR_ROWS} rows joined, trivial template")
    print(f"{'candidates':>10}  {'page':<18} {'p50 ms':>9} {'p95 ms':>9} {'× floor':>8} {'ms/1000':>8}"
          f" {'cpu ms':>8} {'cpu ×':>6} {'SQL':>4} {'runs':>4}")
    done, results = 0, {}
    for count in counts:
        started = time.perf_counter()
        grow(app, done, count)
        done = count
        print(f"-- built {count} candidates ({time.perf_counter() - started:.1f} s)")
        floor, floor95, floor_cpu, n = measure(client, FLOOR_PATH, max(args.runs, 30), args.budget_s)
        print(f"{count:>10}  {'floor':<18} {floor:9.1f} {floor95:9.1f} {1:8.1f} {'':>8} {floor_cpu:8.1f}"
              f" {1:6.1f} {'':>4} {n:>4}")
        for name, path in pages:
            counter.count = 0
            client.get(path)
            statements = counter.count
            p50, p95, cpu, n = measure(client, path, args.runs, args.budget_s)
            results[(name, count)] = p50
            print(f"{count:>10}  {name:<18} {p50:9.1f} {p95:9.1f} {p50 / floor:8.1f} "
                  f"{p50 / count * 1000:8.1f} {cpu:8.1f} {cpu / floor_cpu:6.1f} {statements:>4} {n:>4}")
    if len(counts) > 1:
        print("growth exponent (log-log slope of p50, first to last size):")
        for name, _path in pages:
            first, last = results[(name, counts[0])], results[(name, counts[-1])]
            print(f"  {name:<18} {math.log(last / first) / math.log(counts[-1] / counts[0]):.2f}")


if __name__ == "__main__":
    main()
