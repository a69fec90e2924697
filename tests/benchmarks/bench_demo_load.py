"""Count what loading the demo data costs: commits, SQL statements and seconds (issue #14 asks for
these before and after moving the transaction to the callers).

    python tests/benchmarks/bench_demo_load.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import event


def measure(url: str) -> dict:
    from flask_migrate import upgrade

    from portfolio import create_app
    from portfolio.demo.loader import load_demo
    from portfolio.extensions import db
    from portfolio.programme.services import sync_reference_data
    from portfolio.settings import MIGRATIONS_DIR
    from portfolio.transactions import transaction

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        with transaction():
            sync_reference_data()
        counts = {"commits": 0, "statements": 0}
        engine = db.engine

        def on_commit(_conn):
            counts["commits"] += 1

        def on_statement(*_args):
            counts["statements"] += 1

        event.listen(engine, "commit", on_commit)
        event.listen(engine, "before_cursor_execute", on_statement)
        started = time.perf_counter()
        with transaction():      # the caller owns the transaction (issue #14); before: one per service call
            assert load_demo()
        counts["seconds"] = round(time.perf_counter() - started, 2)
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "before_cursor_execute", on_statement)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'demo.db'}"
        result = measure(url)
    print(f"demo load: {result['commits']} commits, {result['statements']} SQL statements, "
          f"{result['seconds']} s")


if __name__ == "__main__":
    main()
