"""A reminder run for 2 000 users and 20 000 due items (issue #17): time, peak memory and SQL
statements of `run_digests`, the mails going to a real SMTP server in this process (aiosmtpd).

    python tests/benchmarks/bench_reminders.py [--users 2000] [--initiatives 2000]
        [--risks-per-initiative 9] [--database-url URL]

The database (a new SQLite file, or with --database-url one of your own, emptied first) gets
the initiatives in genomförande spread over the programme's units and areas (each one's delår
follow-up missing: one due item), nine risks each with review dates from 60 days ago to 25 days
ahead (due or due soon: nine items), so 2 000 initiatives make 20 000 due items; and the users:
editors of one unit each, programledare of one area each and a few from the project office, all
on the weekly digest, run on a Monday morning. "Att göra" is computed once per distinct scope
(users with the same units and areas share it); each mail lists at most 100 lines."""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import event, insert, select  # noqa: E402

from tests.benchmarks.floor import bench_app  # noqa: E402

MONDAY = datetime(2026, 11, 30, 8, 5)


class SinkProcess:
    """aiosmtpd's Sink handler (accepts and discards) in a process of its own."""

    def __enter__(self):
        import socket
        import subprocess

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l",
                                         f"127.0.0.1:{self.port}", "-c", "aiosmtpd.handlers.Sink"])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)

    def settings(self, **extra):
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_SECURITY": "none",
                "MAIL_SENDER": "portfolj@kommun.test", **extra}


def populate(app, users: int, initiatives: int, risks_per: int) -> None:
    from portfolio import clock
    from portfolio.auth.models import User, UserRole, user_area, user_unit
    from portfolio.extensions import db
    from portfolio.initiatives.models import Initiative
    from portfolio.programme.models import OrgUnit, PriorityArea
    from portfolio.risks.models import Risk

    rng = random.Random(17)
    now = clock.now()
    unit_ids = list(db.session.scalars(select(OrgUnit.id)))
    area_ids = list(db.session.scalars(select(PriorityArea.id)))
    db.session.execute(insert(Initiative), [
        {"id": i, "ref": f"B-{i:05d}", "title": f"Initiativ {i}", "description": "",
         "owning_unit_id": rng.choice(unit_ids), "primary_area_id": rng.choice(area_ids),
         "phase": "genomforande", "created_at": now, "updated_at": now}
        for i in range(1, initiatives + 1)])
    today = MONDAY.date()
    db.session.execute(insert(Risk), [
        {"initiative_id": i, "category": "teknik", "title": f"Risk {i}.{n}", "probability": 3,
         "consequence": 3, "status": "oppen", "kind": "risk",
         "review_date": today + timedelta(days=rng.randint(-60, 25)), "created_at": now,
         "updated_at": now}
        for i in range(1, initiatives + 1) for n in range(risks_per)])
    office = max(1, users // 200)
    managers = max(1, users // 50)
    db.session.execute(insert(User), [
        {"id": u, "email": f"anvandare{u}@kommun.test", "name": f"Användare {u}",
         "password_hash": "x", "digest_frequency": "weekly", "digest_locale": "en" if u % 10 == 0 else "sv"}
        for u in range(1, users + 1)])
    roles, units, areas = [], [], []
    for u in range(1, users + 1):
        if u <= office:
            roles.append({"user_id": u, "role": "portfolio_office"})
        elif u <= office + managers:
            roles.append({"user_id": u, "role": "programme_manager"})
            areas.append({"user_id": u, "area_id": rng.choice(area_ids)})
        else:
            roles.append({"user_id": u, "role": "editor"})
            units.append({"user_id": u, "unit_id": rng.choice(unit_ids)})
    db.session.execute(insert(UserRole), roles)
    db.session.execute(insert(user_unit), units)
    db.session.execute(insert(user_area), areas)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--initiatives", type=int, default=2000)
    parser.add_argument("--risks-per-initiative", type=int, default=9)
    parser.add_argument("--database-url")
    parser.add_argument("--smtp-in-process", action="store_true",
                        help="aiosmtpd in this process (reads the mails; slower: it shares the GIL)")
    args = parser.parse_args()

    import time_machine
    from flask_migrate import upgrade

    from portfolio.auth.models import User
    from portfolio.extensions import db
    from portfolio.followups.queries import todo
    from portfolio.programme.services import sync_reference_data
    from portfolio.reminders import runs
    from portfolio.settings import MIGRATIONS_DIR
    from tests.smtp_server import SmtpServer

    app, _url = bench_app(args.database_url)
    smtp = SmtpServer() if args.smtp_in_process else SinkProcess()
    with smtp, time_machine.travel(MONDAY.replace(hour=12), tick=True):
        app.config.update(smtp.settings(BASE_URL="https://portfolj.kommun.test", SMTP_TIMEOUT=30))
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            sync_reference_data()
            db.session.commit()
            started = time.perf_counter()
            populate(app, args.users, args.initiatives, args.risks_per_initiative)
            print(f"data: {time.perf_counter() - started:.1f} s")
            office = db.session.get(User, 1)
            due = todo(office, date(2026, 11, 30)).count
            print(f"{args.users} users, {args.initiatives} initiatives, {due} due items "
                  "(the office's Att göra)")
            db.session.remove()

            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
            tracemalloc.start()
            started, cpu = time.perf_counter(), time.process_time()
            result = runs.run_digests(MONDAY)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            db.session.remove()
        received = (f"{len(smtp.messages)} mails received by aiosmtpd, " if args.smtp_in_process
                    else "to aiosmtpd's Sink in another process, ")
        print(f"reminder run: {elapsed:.1f} s ({cpu:.1f} s CPU in this process), "
              f"{result['sent']} sent, {result['empty']} empty, "
              f"{received}"
              f"{len(statements)} SQL statements, Python peak {peak / 2**20:.0f} MiB, "
              f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        with app.app_context():
            started = time.perf_counter()
            again = runs.run_digests(MONDAY)
            print(f"second run (all sent): {time.perf_counter() - started:.2f} s, "
                  f"{again['sent']} sent, {again['skipped']} skipped")
            db.session.remove()


if __name__ == "__main__":
    main()
