"""How each page's time grows with the data, against a floor, in one run (issue #16).

    python tests/benchmarks/bench_growth.py [--factors 1,4,16,64] [--register-sizes 5000,20000]
                                            [--runs 10] [--database-url URL] [--only REGEX]
                                            [--no-cache] [--role ROLE] [--json FILE]

The floor: a bare SQLAlchemy query of 25 rows of a 5 000-row table joined to one other table
(two tables of this script's own, in the same database), rendered by a trivial Jinja template,
served by the same app through the same test client as the pages (so routing, the session and
the response hooks are in it too).

The demo pages (the register list plain, filtered, free text and page 100, the API list, the
ranked view, every dashboard this year and one past year, the yearly report) are timed on the
demo ×f for each factor (built once and scaled up in place with tests/benchmarks/scaling.py, the
change log included, so the factors must divide each other: 1,4,16,64). With --register-sizes the
register and API list are also timed on that many plain initiatives (a second database, grown in
place: sizes ascending). Each page: one warm-up request, then --runs timed whole requests; p50,
p95 (nearest rank), p50 / floor p50, and the growth exponent: the least-squares slope of
log p50 against log(number of initiatives) — 0 means flat, 1 linear.

SQLite in a temporary folder by default; --database-url takes a PostgreSQL database that is
emptied (schema public dropped and created again) — use one of your own, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/bench_growth (the register sizes use the same
database after the demo is done). --no-cache turns the result cache off (RESULT_CACHE=False:
dashboards and the report computed on every request); by default the app's caching is on and a
cached page is measured as served, after the warm-up request filled the cache."""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select  # noqa: E402

EMAIL, PASSWORD = "bench@test.se", "korrekt-hast-batteri"
from tests.benchmarks.floor import FLOOR_PATH, add_floor_route, build_floor, reset_database  # noqa: E402


def make_app(url: str, no_cache: bool):
    from portfolio import create_app

    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    if no_cache:
        config |= {"RESULT_CACHE": False, "CACHE_TYPE": "NullCache"}
    app = create_app(config)
    add_floor_route(app)
    return app


def prepare(app, demo: bool, role: str = "portfolio_office") -> str:
    """Migrate, reference data, (the demo), the floor's tables, a user with `role`; returns an
    API token."""
    from flask_migrate import upgrade

    from portfolio.auth.services import create_user
    from portfolio.auth.tokens import create_token
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR
    from portfolio.transactions import transaction

    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        with transaction():
            sync_reference_data()
            if demo:
                from portfolio.demo.loader import load_demo
                load_demo()
        with transaction():
            user = create_user(email=EMAIL, roles=[role], password=PASSWORD)
            token = create_token(user, "bench").secret
        build_floor()
        from tests.benchmarks.scaling import refresh_statistics
        refresh_statistics()
        return token


def logged_in_client(app):
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def time_page(client, url: str, runs: int, headers=None) -> tuple[float, float] | None:
    """p50 and p95 in ms; None when the page is not for this role (403, 404)."""
    response = client.get(url, headers=headers)   # warm-up: templates, caches, connection
    if response.status_code in (403, 404):
        return None
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[max(0, math.ceil(len(timings) * 0.95) - 1)]


def list_pages() -> dict[str, str]:
    return {
        "register": "/initiatives/",
        "register ?area&phase": "/initiatives/?area=1&phase=genomforande",
        "register ?q=sensorer": "/initiatives/?q=sensorer",
        "register page 100": "/initiatives/?page=100",
        "api list": "/api/v1/initiatives",
        "api page 100": "/api/v1/initiatives?page=100",
    }


def demo_pages(app, year: int, past: int) -> dict[str, str]:
    from portfolio.dashboards.host import plugins

    pages = list_pages() | {"ranked /prioritisation/": f"/prioritisation/?year={year}"}
    with app.app_context():
        ids = list(plugins())
    for plugin_id in ids:
        pages[f"dashboard {plugin_id}"] = f"/dashboards/{plugin_id}?year={year}"
    for plugin_id in ids:
        pages[f"dashboard {plugin_id} {past}"] = f"/dashboards/{plugin_id}?year={past}"
    pages[f"report {year}"] = f"/reports/ks/{year}"
    pages[f"report {past}"] = f"/reports/ks/{past}"
    return pages


def count_initiatives(app) -> int:
    from portfolio.extensions import db
    from portfolio.initiatives.models import Initiative

    with app.app_context():
        return db.session.scalar(select(db.func.count(Initiative.id)))


def measure_all(client, token, pages: dict[str, str], runs: int, only) -> dict[str, tuple[float, float]]:
    auth = {"Authorization": f"Bearer {token}"}
    floor = time_page(client, FLOOR_PATH, runs)
    assert floor is not None
    out = {"floor": floor}
    for name, url in pages.items():
        if only and not only.search(name):
            continue
        timed = time_page(client, url, runs, headers=auth if url.startswith("/api/") else None)
        if timed is not None:
            out[name] = timed
    # The floor again at the end: the machine's load drifts; the smaller of the two is kept.
    again = time_page(client, FLOOR_PATH, runs)
    assert again is not None
    out["floor"] = min(floor, again)
    return out


def slope(points: list[tuple[int, float]]) -> float | None:
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(ms) for _, ms in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else None


def report(title: str, results: dict[int, dict[str, tuple[float, float]]], labels: dict[int, str]) -> list[dict]:
    sizes = sorted(results)
    names = list(dict.fromkeys(name for size in sizes for name in results[size]))
    print(f"\n## {title}\n")
    head = " | ".join(f"{labels[s]} p50 / p95 ms (×floor)" for s in sizes)
    print(f"| page | {head} | growth exponent |")
    print("|---|" + "---|" * len(sizes) + "---|")
    rows = []
    for name in names:
        cells, points = [], []
        for size in sizes:
            if name not in results[size]:
                cells.append("–")
                continue
            p50, p95 = results[size][name]
            ratio = p50 / results[size]["floor"][0]
            cells.append(f"{p50:,.1f} / {p95:,.1f} ({ratio:,.0f}×)")
            points.append((size, p50))
            rows.append({"table": title, "page": name, "initiatives": size, "label": labels[size],
                         "p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "ratio": round(ratio, 2)})
        k = slope(points) if name != "floor" else None
        print(f"| {name} | " + " | ".join(cells) + f" | {'' if k is None else f'{k:.2f}'} |")
        for row in rows:
            if row["page"] == name and row["table"] == title:
                row["exponent"] = None if k is None else round(k, 3)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,4,16,64",
                        help="demo factors, each dividing the next (empty: skip the demo)")
    parser.add_argument("--register-sizes", default="",
                        help="plain-initiative counts for the register and API, e.g. 5000,20000,80000,320000")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--only", default=None, help="regex: time only the pages whose name matches")
    parser.add_argument("--past-year", type=int, default=None, help="the past year's views (default: last year)")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--role", default="portfolio_office",
                        help="the logged-in user's role (default portfolio_office: every page, and the "
                             "navigation's to-do count; viewer: no to-do list)")
    parser.add_argument("--json", default=None, help="write the figures to this file too")
    args = parser.parse_args()
    factors = [int(x) for x in args.factors.split(",") if x.strip()]
    sizes = sorted(int(x) for x in args.register_sizes.split(",") if x.strip())
    only = re.compile(args.only) if args.only else None
    for a, b in zip(factors, factors[1:], strict=False):
        if b % a:
            parser.error("each factor must divide the next (the data is scaled up in place)")

    from portfolio.clock import today
    from tests.benchmarks.scaling import scale_demo, scale_register

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench_growth.db'}"
    backend = url.split(":")[0]
    year = today().year
    past = args.past_year or year - 1
    rows: list[dict] = []
    run_started = time.perf_counter()
    print(f"# bench_growth on {backend}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{args.runs} runs a page, cache {'off' if args.no_cache else 'as configured'}, "
          f"logged in as {args.role}")

    if factors:
        reset_database(url)
        app = make_app(url, args.no_cache)
        t = time.perf_counter()
        token = prepare(app, demo=True, role=args.role)
        print(f"demo loaded in {time.perf_counter() - t:.1f} s")
        client = logged_in_client(app)
        pages = demo_pages(app, year, past)
        results, labels, current = {}, {}, 1
        for factor in factors:
            if factor != current:
                t = time.perf_counter()
                with app.app_context():
                    scale_demo(factor // current)
                current = factor
                print(f"scaled to demo ×{factor} in {time.perf_counter() - t:.1f} s")
            n = count_initiatives(app)
            t = time.perf_counter()
            results[n] = measure_all(client, token, pages, args.runs, only)
            labels[n] = f"×{factor} ({n})"
            print(f"timed demo ×{factor} ({n} initiatives) in {time.perf_counter() - t:.1f} s", flush=True)
        rows += report(f"demo ×{'/'.join(map(str, factors))}, {backend}", results, labels)
        with app.app_context():
            from portfolio.extensions import db
            db.session.remove()
            db.engine.dispose()

    if sizes:
        if not args.database_url:
            url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench_register.db'}"
        reset_database(url)
        app = make_app(url, args.no_cache)
        token = prepare(app, demo=False, role=args.role)
        client = logged_in_client(app)
        results, labels = {}, {}
        for size in sizes:
            t = time.perf_counter()
            have = count_initiatives(app)
            with app.app_context():
                scale_register(size - have)
            print(f"grew the register to {size} initiatives in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            results[size] = measure_all(client, token, list_pages(), args.runs, only)
            labels[size] = f"{size:,}"
            print(f"timed {size} initiatives in {time.perf_counter() - t:.1f} s", flush=True)
        rows += report(f"register and API, plain initiatives, {backend}", results, labels)

    print(f"\nwhole run: {time.perf_counter() - run_started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
