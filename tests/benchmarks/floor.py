"""What every benchmark compares a page with, and how it empties a PostgreSQL database.

The floor: a bare SQLAlchemy query of 25 rows of a 5 000-row table joined to one other table,
rendered by a trivial Jinja template, served by the same app through the same client as the
pages (`add_floor_route` + `build_floor`, inside an app context)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine, insert, select, text

FLOOR_PATH = "/__bench_floor"
FLOOR_ROWS, FLOOR_GROUPS = 5000, 20
FLOOR_TEMPLATE = ("<!doctype html><title>golv</title><table>{% for r in rows %}"
                  "<tr><td>{{ r.id }}</td><td>{{ r.name }}</td><td>{{ r.group }}</td></tr>"
                  "{% endfor %}</table>")

floor_meta = MetaData()
floor_group = Table("bench_floor_group", floor_meta, Column("id", Integer, primary_key=True),
                    Column("name", String(100)))
floor_item = Table("bench_floor_item", floor_meta, Column("id", Integer, primary_key=True),
                   Column("name", String(100)),
                   Column("group_id", ForeignKey("bench_floor_group.id"), index=True))


def add_floor_route(app) -> None:
    from flask import render_template_string

    from portfolio.extensions import db

    def floor():
        rows = db.session.execute(
            select(floor_item.c.id, floor_item.c.name, floor_group.c.name.label("group"))
            .join(floor_group, floor_group.c.id == floor_item.c.group_id)
            .order_by(floor_item.c.id).limit(25).offset(FLOOR_ROWS // 2)).all()
        return render_template_string(FLOOR_TEMPLATE, rows=rows)

    app.add_url_rule(FLOOR_PATH, "bench_floor", floor)


def build_floor() -> None:
    """The floor's two tables, filled (in an app context)."""
    from portfolio.extensions import db

    floor_meta.drop_all(db.engine)
    floor_meta.create_all(db.engine)
    with db.engine.begin() as conn:
        conn.execute(insert(floor_group), [{"id": g, "name": f"Grupp {g}"} for g in range(1, FLOOR_GROUPS + 1)])
        conn.execute(insert(floor_item), [{"id": i, "name": f"Rad {i}", "group_id": i % FLOOR_GROUPS + 1}
                                          for i in range(1, FLOOR_ROWS + 1)])


def reset_database(url: str) -> None:
    """Empty a PostgreSQL database (its public schema dropped and made again); a SQLite
    benchmark starts from a new file instead."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def bench_app(database_url: str | None):
    """The app a benchmark measures, on an empty database (`database_url`, emptied first, or a
    new SQLite file), and that URL."""
    import tempfile
    from pathlib import Path

    from portfolio import create_app

    url = database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    reset_database(url)
    return app, url
