"""The same pages on SQLite and PostgreSQL, side by side in one run (issue #16: PostgreSQL within
1.5× of SQLite on every page).

    python tests/benchmarks/bench_databases.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_db
        [--factor 1] [--runs 15] [--only REGEX] [--cache]

Both databases get the demo (×factor with tests/benchmarks/scaling.py), the floor's tables and
the same user; then every page is requested on one database and the other in turn, request by
request (SQLite, PostgreSQL, SQLite, …), so a machine whose load drifts (other work on the same
cores) weighs on both alike. Prints p50 per page and database, the ratio PostgreSQL / SQLite, and
flags ratios over 1.5. The result cache is off unless --cache: then every timed request after the
warm-up reads a cached page on both, which compares the caches rather than the databases. The
PostgreSQL database is emptied first: use one of your own."""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_growth import (  # noqa: E402
    demo_pages,
    logged_in_client,
    make_app,
    prepare,
)
from tests.benchmarks.floor import FLOOR_PATH, reset_database  # noqa: E402

LIMIT = 1.5


def build(url: str, factor: int, cache: bool):
    reset_database(url)
    app = make_app(url, no_cache=not cache)
    token = prepare(app, demo=True)
    if factor > 1:
        from tests.benchmarks.scaling import scale_demo
        with app.app_context():
            scale_demo(factor)
    return app, logged_in_client(app), token


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of your own")
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only")
    parser.add_argument("--cache", action="store_true")
    args = parser.parse_args()
    only = re.compile(args.only) if args.only else None

    sqlite_url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    started = time.perf_counter()
    sides = {"SQLite": build(sqlite_url, args.factor, args.cache),
             "PostgreSQL": build(args.database_url, args.factor, args.cache)}
    print(f"built demo ×{args.factor} on both in {time.perf_counter() - started:.0f} s", flush=True)
    app = sides["SQLite"][0]
    from portfolio.clock import today
    year = today().year
    pages = {"floor": FLOOR_PATH} | demo_pages(app, year, year - 1)
    results: dict[str, dict[str, float]] = {}
    for name, url in pages.items():
        if only and name != "floor" and not only.search(name):
            continue
        timings: dict[str, list[float]] = {side: [] for side in sides}
        skipped = False
        for side, (_app, client, token) in sides.items():    # warm-up on both
            headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else None
            status = client.get(url, headers=headers).status_code
            skipped = skipped or status in (403, 404)
            assert status in (200, 403, 404), (side, url, status)
        if skipped:
            continue
        for _ in range(args.runs):
            for side, (_app, client, token) in sides.items():
                headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else None
                begin = time.perf_counter()
                response = client.get(url, headers=headers)
                timings[side].append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, (side, url, response.status_code)
        results[name] = {side: statistics.median(values) for side, values in timings.items()}

    print(f"\n## demo ×{args.factor}, p50 ms per page, requests interleaved "
          f"({'cache on' if args.cache else 'result cache off'})\n")
    print("| page | SQLite | PostgreSQL | PostgreSQL / SQLite |")
    print("|---|---|---|---|")
    worst = 0.0
    for name, by_side in results.items():
        ratio = by_side["PostgreSQL"] / by_side["SQLite"]
        worst = max(worst, ratio) if name != "floor" else worst
        flag = " **over 1.5**" if ratio > LIMIT and name != "floor" else ""
        print(f"| {name} | {by_side['SQLite']:.1f} | {by_side['PostgreSQL']:.1f} | {ratio:.2f}{flag} |")
    print(f"\nworst page ratio: {worst:.2f} ({'OK' if worst <= LIMIT else 'over ' + str(LIMIT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
