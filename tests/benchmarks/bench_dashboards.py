"""Scale the demo data ×N (default 100) and time every dashboard and the yearly report
(issue: each dashboard under 500 ms, the report under 5 s).

    python tests/benchmarks/bench_dashboards.py [--factor 100] [--database-url URL]

The scale generator copies every demo initiative N times with all the rows the dashboards read
(funding, staffing, participants, needs analysis, risks, risk assessment, benefit case, benefits,
measurements, follow-ups, evaluations), in bulk with fresh ids."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select


def scale(factor: int) -> int:
    from portfolio.benefits.models import Benefit, BenefitCase
    from portfolio.extensions import db
    from portfolio.followups.models import Evaluation, FollowUp, Measurement
    from portfolio.initiatives.models import FundingLine, Initiative, StaffingLine, initiative_participant
    from portfolio.needs.models import NeedsAnalysis
    from portfolio.risks.models import Risk, RiskAssessment

    def rows(model):
        table = model.__table__ if hasattr(model, "__table__") else model
        return [dict(r._mapping) for r in db.session.execute(select(table))]

    def next_id(model):
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    base = {m: rows(m) for m in (Initiative, FundingLine, StaffingLine, NeedsAnalysis, Risk, RiskAssessment,
                                 BenefitCase, Benefit, Measurement, FollowUp, Evaluation)}
    participants = rows(initiative_participant)
    for copy in range(1, factor):
        ini_map, case_map, benefit_map = {}, {}, {}
        start = next_id(Initiative)
        new = []
        for i, r in enumerate(base[Initiative]):
            ini_map[r["id"]] = start + i
            new.append(dict(r, id=start + i, ref=f"{r['ref']}-x{copy}"))
        db.session.execute(insert(Initiative), new)

        def remap(model, **maps):
            out = []
            first = next_id(model)
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
        case_map.update(remap(BenefitCase, initiative_id=ini_map))
        benefit_map.update(remap(Benefit, initiative_id=ini_map, case_id=case_map))
        remap(Measurement, benefit_id=benefit_map)
        if participants:
            db.session.execute(insert(initiative_participant),
                               [dict(p, initiative_id=ini_map[p["initiative_id"]]) for p in participants])
    db.session.commit()
    return db.session.scalar(select(func.count(Initiative.id)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from portfolio import create_app
    from portfolio.clock import today
    from portfolio.dashboards.contract import Filters
    from portfolio.dashboards.host import plugins, run_dashboard
    from portfolio.demo.loader import load_demo
    from portfolio.programme.services import sync_reference_data
    from portfolio.reports.ks import build_report
    from portfolio.settings import MIGRATIONS_DIR

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        sync_reference_data()
        load_demo()
        started = time.perf_counter()
        total = scale(args.factor)
        print(f"scaled demo ×{args.factor}: {total} initiatives in {time.perf_counter() - started:.1f} s")
    with app.test_request_context():
        year = today().year
        worst = 0.0
        for plugin_id, plugin in sorted(plugins().items()):
            run_dashboard(plugin, Filters(year=year))  # warm
            timings = []
            for _ in range(3):
                result = run_dashboard(plugin, Filters(year=year))
                assert not result.failed, result.panels[0].error
                timings.append(result.seconds * 1000)
            worst = max(worst, min(timings))
            print(f"{plugin_id:<30} best of 3: {min(timings):7.1f} ms")
        t = time.perf_counter()
        html = build_report(year, standalone=True)
        print(f"yearly report (standalone HTML, {len(html) // 1024} kB): {time.perf_counter() - t:.2f} s")
        print(f"slowest dashboard {worst:.0f} ms (target < 500 ms)")


if __name__ == "__main__":
    main()
