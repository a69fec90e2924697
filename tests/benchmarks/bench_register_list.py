"""Time the register list with 5 000 initiatives (issue: under 200 ms).

    python tests/benchmarks/bench_register_list.py [--count 5000] [--runs 30] [--database-url URL]

Builds a fresh database (SQLite in a temp folder unless --database-url is given), inserts the
initiatives in bulk, logs in a viewer through the real login form and times whole HTTP requests
through the WSGI app (routing, query, template), for the plain list and for typical filters."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path


def build(app, count: int) -> None:
    from flask_migrate import upgrade

    from portfolio.auth.services import create_user
    from portfolio.domain.phases import ALL_PHASES
    from portfolio.extensions import db
    from portfolio.initiatives.models import FundingLine, Initiative
    from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR

    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        sync_reference_data()
        create_user(email="bench@test.se", roles=["viewer"], password="bench-password-1")
        units = db.session.scalars(db.select(OrgUnit.id)).all()
        areas = db.session.scalars(db.select(PriorityArea.id)).all()
        sources = db.session.scalars(db.select(FundingSource.id)).all()
        rng = random.Random(42)
        words = ["e-tjänst", "digital", "AI-stöd", "sensorer", "e-arkiv", "RPA", "plattform",
                 "bygglov", "skola", "omsorg", "ekonomi", "HR", "öppna data", "välfärd"]
        now = datetime(2026, 1, 1)
        rows, lines = [], []
        for i in range(1, count + 1):
            rows.append(dict(
                id=i, ref=f"BENCH-{i:05d}", title=" ".join(rng.sample(words, 3)).capitalize(),
                description=" ".join(rng.choices(words, k=30)), owning_unit_id=rng.choice(units),
                primary_area_id=rng.choice(areas), phase=rng.choice(ALL_PHASES),
                is_demo=False, archived=rng.random() < 0.05, version=1, created_at=now,
                updated_at=now - timedelta(minutes=i)))
            for year in (2025, 2026):
                lines.append(dict(initiative_id=i, year=year, source_id=rng.choice(sources),
                                  amount=Decimal(rng.randrange(10_000, 2_000_000))))
        db.session.execute(db.insert(Initiative), rows)
        db.session.execute(db.insert(FundingLine), lines)
        db.session.commit()


def measure(client, url: str, runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from portfolio import create_app

    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    started = time.perf_counter()
    build(app, args.count)
    print(f"built {args.count} initiatives in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    client = app.test_client()
    assert client.post("/login", data={"email": "bench@test.se",
                                       "password": "bench-password-1"}).status_code == 302
    cases = {
        "list, default sort": "/initiatives/",
        "list, sort by title": "/initiatives/?sort=title",
        "free text 'sensorer'": "/initiatives/?q=sensorer",
        "area + phase": "/initiatives/?area=1&phase=genomforande",
        "committee + funding source": "/initiatives/?unit=1&source=2",
        "page 100": "/initiatives/?page=100",
    }
    client.get("/initiatives/")  # warm up templates and connection
    worst = 0.0
    for name, path in cases.items():
        median, p95 = measure(client, path, args.runs)
        worst = max(worst, p95)
        print(f"{name:<28} median {median:6.1f} ms   p95 {p95:6.1f} ms")
    print(f"worst p95: {worst:.1f} ms (target < 200 ms): {'OK' if worst < 200 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
