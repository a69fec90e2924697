"""A bounded load on the app as the README runs it in production: gunicorn with 2 workers, the
demo data, N logged-in clients for S seconds on loopback; counts every status and times requests.

    pip install gunicorn
    python tests/benchmarks/bench_gunicorn_load.py [--clients 20] [--seconds 30] [--page PATH]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load]
        [--redis-url redis://127.0.0.1:6379/7]

Without --database-url the demo data goes into a fresh SQLite file. The database named by
--database-url is emptied (its tables dropped) first: never point it at real data. With
--redis-url the rate-limit counters live in Redis (as in production with several workers).
Every client logs in through the real login form as one of the demo users and then walks pages
each role uses (start page, register, an initiative, the ranked view, dashboards,
exports: 429 there is the per-user export limit at work). Success means zero connection errors
and zero 5xx."""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-losenord"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> None:
    """Empty the database and load the demo data through the CLI (as an operator would)."""
    from sqlalchemy import create_engine, inspect, text

    url = env["PORTFOLIO_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            for table in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE "{table}"'))
    engine.dispose()
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([sys.executable, "-c", "from portfolio.cli import main; main()", *args],
                       env=env, check=True, cwd=ROOT, capture_output=True)


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "--no-control-socket", "-w", "2", "-b", f"127.0.0.1:{port}",
         "portfolio:create_app()"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])


def log_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/login", data={"email": email, "password": PASSWORD,
                                                   "csrf_token": token}, allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"login as {email} failed: {answer.status_code}")
    return session


def pages(base: str, session: requests.Session, only: str | None = None) -> list[str]:
    """The pages a client walks: every kind (default), or one page over and over (`--page`)."""
    if only:
        return [only]
    register = session.get(f"{base}/initiatives/").text
    links = sorted(set(re.findall(r'href="(/initiatives/\d+)"', register)))[:5]
    return ["/", "/initiatives/", "/initiatives/?q=e-tj%C3%A4nst", *links, "/prioritisation/",
            "/dashboards/", "/exports/initiatives.csv"]


def run(base: str, emails: list[str], clients: int, seconds: float, only: str | None = None) -> dict:
    statuses: collections.Counter = collections.Counter()
    errors: collections.Counter = collections.Counter()
    timings: list[float] = []
    lock = threading.Lock()
    sessions = [log_in(base, emails[n % len(emails)]) for n in range(clients)]
    plans = [pages(base, s, only) for s in sessions]
    if only:            # warm up once per worker (e.g. a cached dashboard), not counted
        for s in sessions[:4]:
            s.get(base + only)
    start_signal = threading.Event()
    stop_at = [0.0]

    def client(n: int) -> None:
        session, plan = sessions[n], plans[n]
        i = n
        start_signal.wait()
        while time.time() < stop_at[0]:
            url = plan[i % len(plan)]
            i += 1
            begin = time.perf_counter()
            try:
                answer = session.get(base + url, timeout=30, allow_redirects=False)
                code = answer.status_code
            except requests.RequestException as exc:
                with lock:
                    errors[type(exc).__name__] += 1
                continue
            elapsed = time.perf_counter() - begin
            with lock:
                statuses[code] += 1
                timings.append(elapsed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.time() + seconds
    start_signal.set()
    for t in threads:
        t.join()
    timings.sort()
    total = sum(statuses.values())
    return {
        "requests": total, "per_second": total / seconds, "statuses": dict(sorted(statuses.items())),
        "errors": dict(errors), "five_xx": sum(v for k, v in statuses.items() if k >= 500),
        "p50_ms": 1000 * statistics.median(timings) if timings else None,
        "p95_ms": 1000 * timings[int(0.95 * (len(timings) - 1))] if timings else None,
        "max_ms": 1000 * timings[-1] if timings else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--page", help="one path requested over and over, e.g. /initiatives/ or "
                                         "/dashboards/portfoljoversikt?year=2025")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-load-")
    env = dict(os.environ,
               PORTFOLIO_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/load.db",
               PORTFOLIO_SECRET_KEY="bench-" + os.urandom(16).hex(),
               PORTFOLIO_SESSION_COOKIE_SECURE="false")   # plain HTTP on loopback
    if args.redis_url:
        env["PORTFOLIO_REDIS_URL"] = args.redis_url
    sys.path.insert(0, str(ROOT))
    from portfolio.demo.loader import demo_logins

    prepare(env)
    port = free_port()
    server = start_gunicorn(env, port)
    try:
        result = run(f"http://127.0.0.1:{port}", [e for e, _ in demo_logins()], args.clients,
                     args.seconds, args.page)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    database = "PostgreSQL" if args.database_url and "postgres" in args.database_url else "SQLite"
    print(f"gunicorn -w 2, {args.clients} clients, {args.seconds:.0f} s, {database}"
          f"{', Redis' if args.redis_url else ''}, pages: {args.page or 'every kind'}")
    for key, value in result.items():
        print(f"  {key}: {value if not isinstance(value, float) else round(value, 1)}")
    ok = result["five_xx"] == 0 and not result["errors"]
    print("OK: zero errors and zero 5xx" if ok else "FAILED: errors or 5xx")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
