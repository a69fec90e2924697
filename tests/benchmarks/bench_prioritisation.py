"""Time the ranked portfolio view with 2 000 candidate initiatives (issue: under 300 ms).

    python tests/benchmarks/bench_prioritisation.py [--count 2000] [--runs 20] [--database-url URL]

Builds a fresh database, inserts candidates in bulk (most pass the gates, all are scored on every
criterion, all have central funding this year), logs in a viewer and times whole requests."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

YEAR = 2026


def build(app, count: int) -> None:
    from flask_migrate import upgrade

    from portfolio.auth.services import create_user
    from portfolio.extensions import db
    from portfolio.initiatives.models import FundingLine, Initiative
    from portfolio.needs.models import NeedsAnalysis
    from portfolio.prioritisation.models import CriteriaSet, Score
    from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
    from portfolio.programme.services import sync_reference_data
    from portfolio.risks.models import RiskAssessment
    from portfolio.settings import MIGRATIONS_DIR

    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        sync_reference_data()
        create_user(email="bench@test.se", roles=["viewer"], password="bench-password-1")
        units = db.session.scalars(db.select(OrgUnit.id)).all()
        areas = db.session.scalars(db.select(PriorityArea.id)).all()
        central = db.session.scalar(db.select(FundingSource.id).where(FundingSource.code == "centrala-medel"))
        criteria = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == YEAR)).criteria
        rng = random.Random(7)
        now = datetime(2026, 1, 1)
        phases = ["behovsanalys", "prioriterad", "planering", "genomforande"]
        inis, funding, needs, assessments, scores = [], [], [], [], []
        for i in range(1, count + 1):
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
            db.session.execute(db.insert(model), rows)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from portfolio import create_app

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    started = time.perf_counter()
    build(app, args.count)
    print(f"built {args.count} candidates in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    client = app.test_client()
    assert client.post("/login", data={"email": "bench@test.se",
                                       "password": "bench-password-1"}).status_code == 302
    for name, path in (("ranked view", f"/prioritisation/?year={YEAR}"),
                       ("what-if ceiling", f"/prioritisation/?year={YEAR}&ceiling=50000000"),
                       ("transparency page", f"/prioritisation/transparency?year={YEAR}")):
        client.get(path)
        timings = []
        for _ in range(args.runs):
            t = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        timings.sort()
        p95 = timings[int(len(timings) * .95) - 1]
        print(f"{name:<20} median {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
