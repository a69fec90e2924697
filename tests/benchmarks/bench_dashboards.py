"""Time every dashboard and the yearly report against "the floor" at demo ×1 and ×N (default
100) in one run (issue #16: each dashboard within 30× of the floor at demo ×100; the report's data
built once per request; a second KS reader pays nothing).

    python tests/benchmarks/bench_dashboards.py [--factors 1,100] [--runs 7] [--database-url URL]

The floor is a bare SQLAlchemy query of 25 rows of a 5 000-row table joined to one other table,
rendered by a trivial Jinja template, served by a bare route of the same app in the same process
(through the same test client as the pages). Each page is timed as whole requests by a KS reader
(a viewer): "cold" with the result cache emptied before every request (what the first reader
after a write pays), "warm" without (every later reader). The SQL statements of one cold and one
warm request are counted too. The demo data is scaled with `scaling.scale_demo` (every table
that hangs off an initiative, the change log included), or this file's own `scale` when that
module is missing. With --database-url the database is emptied first: use one of your own."""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.floor import FLOOR_PATH, FLOOR_ROWS, add_floor_route, bench_app, build_floor  # noqa: E402

YEAR = 2026
EMAIL, PASSWORD = "ks-lasare@example.se", "Instrumentpanel-2026-snabb"


def scale(factor: int) -> int:
    """Copy every initiative ×factor with the rows the dashboards read (a fallback for
    `scaling.scale_demo`, which also copies the change log)."""
    from portfolio.benefits.models import Benefit, BenefitCase
    from portfolio.extensions import db
    from portfolio.followups.models import Evaluation, FollowUp, Measurement
    from portfolio.initiatives.models import FundingLine, Initiative, StaffingLine, initiative_participant
    from portfolio.needs.models import NeedsAnalysis
    from portfolio.risks.models import Risk, RiskAssessment
    from portfolio.transactions import transaction

    def rows(model):
        table = model.__table__ if hasattr(model, "__table__") else model
        return [dict(r._mapping) for r in db.session.execute(select(table))]

    def next_id(model):
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    base = {m: rows(m) for m in (Initiative, FundingLine, StaffingLine, NeedsAnalysis, Risk, RiskAssessment,
                                 BenefitCase, Benefit, Measurement, FollowUp, Evaluation)}
    participants = rows(initiative_participant)
    with transaction():
        for copy in range(1, factor):
            start = next_id(Initiative)
            ini_map = {r["id"]: start + i for i, r in enumerate(base[Initiative])}
            db.session.execute(insert(Initiative), [dict(r, id=ini_map[r["id"]], ref=f"{r['ref']}-x{copy}")
                                                    for r in base[Initiative]])

            def remap(model, **maps):
                first = next_id(model)
                out = []
                for i, r in enumerate(base[model]):
                    row = dict(r, id=first + i)
                    for column, mapping in maps.items():
                        if row.get(column) is not None:
                            row[column] = mapping[row[column]]
                    out.append(row)
                if out:
                    db.session.execute(insert(model), out)
                return {r["id"]: first + i for i, r in enumerate(base[model])}

            for model in (FundingLine, StaffingLine, NeedsAnalysis, Risk, RiskAssessment, FollowUp, Evaluation):
                remap(model, initiative_id=ini_map)
            case_map = remap(BenefitCase, initiative_id=ini_map)
            benefit_map = remap(Benefit, initiative_id=ini_map, case_id=case_map)
            remap(Measurement, benefit_id=benefit_map)
            if participants:
                db.session.execute(insert(initiative_participant),
                                   [dict(p, initiative_id=ini_map[p["initiative_id"]]) for p in participants])
    return db.session.scalar(select(func.count(Initiative.id)))


def scale_to(factor: int) -> int:
    """Scale the (×1) demo data to ×factor with the shared generator when there is one."""
    try:
        from tests.benchmarks.scaling import scale_demo
    except ImportError:
        return scale(factor)
    return scale_demo(factor)


def prepare(app) -> None:
    """Schema, reference data, the demo, a KS reader (viewer) and the floor's two tables."""
    from flask_migrate import upgrade

    from portfolio.auth.services import create_user
    from portfolio.demo.loader import load_demo
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR
    from portfolio.transactions import transaction

    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        with transaction():
            sync_reference_data()
            load_demo()
            create_user(email=EMAIL, roles=["viewer"], password=PASSWORD)
        build_floor()
    add_floor_route(app)


class StatementCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.count += 1


def clear_cache(app) -> None:
    """Empty the result cache (nothing to do before the cache existed)."""
    cache = app.extensions.get("portfolio.cache")
    if cache is not None:
        cache.clear()


def measure(app, client, path: str, runs: int, cold: bool) -> tuple[float, float]:
    """p50 and p95 in ms of `runs` requests (after one unmeasured one)."""
    client.get(path)
    timings: list[float] = []
    for _ in range(runs):
        if cold:
            clear_cache(app)
        t = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[max(0, math.ceil(len(timings) * .95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factors", default="1,100")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]

    from portfolio.extensions import db

    app, url = bench_app(args.database_url)
    prepare(app)
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    with app.app_context():
        from portfolio.dashboards.host import plugins

        pages = [(plugin_id, f"/dashboards/{plugin_id}?year={YEAR}") for plugin_id in plugins()]
        pages.append(("yearly report", f"/reports/ks/{YEAR - 1}"))
        counter = StatementCounter(db.engine)
    print(f"database: {url.split(':')[0]}; floor = 25 of {FLOOR_ROWS} rows joined, trivial template")
    print(f"{'scale':>5}  {'page':<28} {'cold p50':>9} {'× floor':>8} {'warm p50':>9} {'× floor':>8}"
          f" {'SQL cold':>8} {'SQL warm':>8} {'floor':>6}")
    done = 1
    for factor in factors:
        if factor > done:
            started = time.perf_counter()
            with app.app_context():
                total = scale_to(factor // done)
            done = factor
            print(f"-- scaled demo ×{factor}: {total} initiatives ({time.perf_counter() - started:.1f} s)")
        floor, _ = measure(app, client, FLOOR_PATH, max(args.runs, 30), cold=False)
        print(f"{'×' + str(factor):>5}  {'floor':<28} {floor:9.1f} {1:8.1f}")
        for name, path in pages:
            # The floor again next to each page, so the ratio holds when the machine's load drifts.
            floor, _ = measure(app, client, FLOOR_PATH, 15, cold=False)
            clear_cache(app)
            counter.count = 0
            client.get(path)
            cold_sql = counter.count
            counter.count = 0
            client.get(path)
            warm_sql = counter.count
            cold, _ = measure(app, client, path, args.runs, cold=True)
            warm, _ = measure(app, client, path, args.runs, cold=False)
            print(f"{'×' + str(factor):>5}  {name:<28} {cold:9.1f} {cold / floor:8.1f} {warm:9.1f}"
                  f" {warm / floor:8.1f} {cold_sql:>8} {warm_sql:>8} {floor:6.1f}", flush=True)


if __name__ == "__main__":
    main()
