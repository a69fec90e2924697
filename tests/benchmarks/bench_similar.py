"""Similar initiatives at 5 000 initiatives (issue #20): one query text under 50 ms, a full
rebuild under 10 s.

    python tests/benchmarks/bench_similar.py [--count 5000] [--runs 50] [--database-url URL]

Texts are the demo initiatives' titles and descriptions (portfolio/demo/data/initiatives.yaml)
recombined: each synthetic initiative takes a title, two or three description sentences from
other initiatives and a committee's name, so the corpus has the demo's length and vocabulary.
Timed twice: the engine alone (build, one query), and through the app against a database of
`count` initiatives (`portfolio.ideas.index.rebuild` and `similar_for_text`, with the lookups
of the matched initiatives). With --database-url the database is emptied first: use your own.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

QUERY = ("Vi vill att föreningar ska kunna boka idrottshallar och söka bidrag digitalt, "
         "i stället för att ringa och skicka blanketter.")


def synthetic_texts(count: int, seed: int = 20) -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / "portfolio/demo/data/initiatives.yaml").read_text("utf-8"))
    items = data["initiatives"]
    titles = [i["title"] for i in items]
    sentences = [s for i in items for s in re.split(r"(?<=\.)\s+", i.get("description") or "") if s]
    units = ["kultur- och fritidsnämnden", "vård- och omsorgsnämnden", "stadsbyggnadsnämnden",
             "barn- och utbildningsnämnden", "socialnämnden", "kommunstyrelsen"]
    rng = random.Random(seed)
    out = []
    for n in range(count):
        title = f"{rng.choice(titles)} ({rng.choice(units)}, etapp {n % 7 + 1})"
        body = " ".join(rng.sample(sentences, rng.randint(2, 3)))
        out.append((title, body))
    return out


def bench_engine(count: int, runs: int) -> dict[str, float]:
    from portfolio.ideas.engine import SimilarityIndex, document_text

    docs = [(str(i), document_text(t, d)) for i, (t, d) in enumerate(synthetic_texts(count))]
    start = time.perf_counter()
    index = SimilarityIndex.build(docs)
    build = time.perf_counter() - start
    index.similar(QUERY, threshold=0.25)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        index.similar(QUERY, threshold=0.25, limit=10)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    index.update([("0", docs[1][1])])
    update = time.perf_counter() - start
    return {"engine build s": build, "engine query median ms": statistics.median(times) * 1000,
            "engine query max ms": max(times) * 1000, "engine update one row ms": update * 1000}


def bench_app(count: int, runs: int, database_url: str | None) -> dict[str, float]:
    import tempfile

    from sqlalchemy import insert, select

    from portfolio.app import create_app
    from portfolio.extensions import db
    from portfolio.ideas import index as similar_index
    from portfolio.initiatives.models import Initiative
    from portfolio.programme.models import OrgUnit, PriorityArea
    from portfolio.programme.services import sync_reference_data
    from portfolio.transactions import transaction

    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp}/b.db",
                      "FILES_DIR": f"{tmp}/files", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        with transaction():
            sync_reference_data()
        units = db.session.scalars(select(OrgUnit.id)).all()
        area = db.session.scalars(select(PriorityArea.id)).first()
        from portfolio import clock
        now = clock.now()
        rows = [{"ref": f"B-{n}", "title": t[:200], "description": d, "owning_unit_id": units[n % len(units)],
                 "primary_area_id": area, "phase": "ide", "created_at": now, "updated_at": now,
                 "version": 1, "archived": False, "is_demo": False}
                for n, (t, d) in enumerate(synthetic_texts(count))]
        with transaction():
            db.session.execute(insert(Initiative), rows)
        start = time.perf_counter()
        similar_index.rebuild()
        rebuild = time.perf_counter() - start
        db.session.rollback()
        similar_index.similar_for_text(QUERY)
        times = []
        for _ in range(runs):
            db.session.rollback()       # a new request: the freshness check reads the database again
            start = time.perf_counter()
            similar_index.similar_for_text(QUERY)
            times.append(time.perf_counter() - start)
        if database_url:
            db.drop_all()
    return {"app rebuild s": rebuild, "app query median ms": statistics.median(times) * 1000,
            "app query max ms": max(times) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url")
    parser.add_argument("--engine-only", action="store_true")
    args = parser.parse_args()
    figures = bench_engine(args.count, args.runs)
    if not args.engine_only:
        figures |= bench_app(args.count, args.runs, args.database_url)
    for name, value in figures.items():
        print(f"{name:28} {value:10.2f}")
    ok = figures["engine query median ms"] < 50 and figures["engine build s"] < 10
    if "app rebuild s" in figures:
        ok = ok and figures["app query median ms"] < 50 and figures["app rebuild s"] < 10
    print("OK" if ok else "TOO SLOW")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
