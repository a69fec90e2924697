"""Scale the data for benchmarks and query-count tests, in bulk, on SQLite and PostgreSQL.

    scale_demo(factor)   every initiative in the database copied factor-1 times with every row
                         that hangs off it, the change log included
    scale_register(n)    n plain initiatives (two funding lines each), for the list pages

Both run inside an app context, commit (through `transaction()`) and then refresh the planner's
statistics (ANALYZE, on both databases: a bulk load leaves PostgreSQL with row estimates that
send dashboard queries into nested loops).

`scale_demo` finds what to copy from the models, not from a list kept by hand: every table with a
foreign key to `initiative.id`, and every table with a foreign key to one of those (benefit →
benefit_case, measurement → benefit, cost_line → benefit_case), so a table added later is copied
too. A copy is made in SQL (INSERT … SELECT), with ids shifted by a fixed offset per copy and
table: copy c of a row with id i gets id i + c·M, where M is the table's largest id before
scaling, so ids stay unique and the foreign keys between copied tables are shifted alike.
Foreign keys to anything else (org units, areas, users, criteria, decisions, plan goals) are
kept: a copy belongs to the same committee, is scored on the same criteria, sits in the same
portfolio decision. Change-log entries that belong to an initiative are copied with
`initiative_id` shifted and `entity_id` shifted when the entity is a copied table's row (an
entry about a criteria set, such as a score change, keeps its entity), so history and "as of"
views of past years read ×factor data too. A copied initiative's `ref` gets the suffix
`-x<its new id>` (unique when scaled again: ×4 then ×4 is ×16)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import String, Table, case, cast, func, insert, literal, select, text

ROOT = "initiative"
CHANGE_LOG = "change_log"
CHUNK = 5000


def owned_tables() -> list[Table]:
    """The initiative table and every table whose rows belong to an initiative (directly or
    through another such table), in dependency order."""
    from portfolio.extensions import db

    owned: list[Table] = []
    names: set[str] = set()
    for table in db.metadata.sorted_tables:
        if table.name == ROOT or any(fk.column.table.name in names for fk in table.foreign_keys):
            owned.append(table)
            names.add(table.name)
    return owned


def _single_id(table: Table):
    pk = list(table.primary_key.columns)
    return pk[0] if len(pk) == 1 and pk[0].name == "id" else None


def _max_ids(tables: Iterable[Table]) -> dict[str, int]:
    from portfolio.extensions import db

    out = {}
    for table in tables:
        column = _single_id(table)
        if column is not None:
            out[table.name] = db.session.scalar(select(func.max(column))) or 0
    return out


def _owned_fks(table: Table, owned: set[str]) -> dict[str, str]:
    """column name → the owned table it points to."""
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys
            if fk.column.table.name in owned and fk.column.name == "id"}


def scale_demo(factor: int) -> int:
    """Copy every initiative now in the database factor-1 times (×factor in all) with its rows
    and change log. Returns the number of initiatives afterwards."""
    from portfolio.extensions import db
    from portfolio.transactions import transaction

    tables = owned_tables()
    names = {t.name for t in tables}
    top = _max_ids(tables + [db.metadata.tables[CHANGE_LOG]])
    if top[ROOT] == 0 or factor <= 1:
        return db.session.scalar(select(func.count()).select_from(db.metadata.tables[ROOT]))
    with transaction():
        for table in tables:
            fks = _owned_fks(table, names)
            id_column = _single_id(table)
            # The original rows: those no copy made (ids and owned keys up to the old maximum).
            if id_column is not None:
                original = id_column <= top[table.name]
            else:
                column, target = next(iter(fks.items()))
                original = table.c[column] <= top[target]
            for c in range(1, factor):
                columns = []
                for col in table.columns:
                    if col is id_column:
                        columns.append((col + c * top[table.name]).label(col.name))
                    elif col.name in fks:
                        columns.append((col + c * top[fks[col.name]]).label(col.name))
                    elif table.name == ROOT and col.name == "ref":   # unique: the new id
                        new_id = cast(id_column + c * top[table.name], String)
                        columns.append((col + literal("-x") + new_id).label(col.name))
                    else:
                        columns.append(col)
                db.session.execute(insert(table).from_select(
                    [col.name for col in table.columns], select(*columns).where(original)))
        _copy_change_log(factor, top, names)
    refresh_statistics()
    return db.session.scalar(select(func.count()).select_from(db.metadata.tables[ROOT]))


def _copy_change_log(factor: int, top: dict[str, int], owned: set[str]) -> None:
    from portfolio.extensions import db

    log = db.metadata.tables[CHANGE_LOG]
    shifted = sorted(name for name in owned if name in top)
    original = (log.c.id <= top[CHANGE_LOG]) & log.c.initiative_id.is_not(None) \
        & (log.c.initiative_id <= top[ROOT])
    for c in range(1, factor):
        entity_shift = case({name: c * top[name] for name in shifted}, value=log.c.entity_type, else_=0)
        columns = []
        for col in log.columns:
            if col.name == "id":
                columns.append((col + c * top[CHANGE_LOG]).label("id"))
            elif col.name == "initiative_id":
                columns.append((col + c * top[ROOT]).label(col.name))
            elif col.name == "entity_id":
                columns.append((col + entity_shift).label(col.name))
            else:
                columns.append(col)
        db.session.execute(insert(log).from_select([col.name for col in log.columns],
                                                   select(*columns).where(original)))


WORDS = ["e-tjänst", "digital", "AI-stöd", "sensorer", "e-arkiv", "RPA", "plattform",
         "bygglov", "skola", "omsorg", "ekonomi", "HR", "öppna data", "välfärd"]


def scale_register(count: int, seed: int = 42) -> int:
    """Insert `count` plain initiatives (random committee, area, phase, 5 % archived, a title and
    description from a small vocabulary that includes "sensorer", two funding lines each), with
    ids after the ones there. Needs the reference data. Returns the number of initiatives."""
    from portfolio.domain.phases import ALL_PHASES
    from portfolio.extensions import db
    from portfolio.initiatives.models import FundingLine, Initiative
    from portfolio.programme.models import FundingSource, OrgUnit, PriorityArea
    from portfolio.transactions import transaction

    units = db.session.scalars(select(OrgUnit.id)).all()
    areas = db.session.scalars(select(PriorityArea.id)).all()
    sources = db.session.scalars(select(FundingSource.id)).all()
    first = (db.session.scalar(select(func.max(Initiative.id))) or 0) + 1
    rng = random.Random(seed)
    now = datetime(2026, 1, 1)
    with transaction():
        for start in range(first, first + count, CHUNK):
            rows, lines = [], []
            for i in range(start, min(start + CHUNK, first + count)):
                rows.append(dict(
                    id=i, ref=f"BENCH-{i:06d}", title=" ".join(rng.sample(WORDS, 3)).capitalize(),
                    description=" ".join(rng.choices(WORDS, k=30)), owning_unit_id=rng.choice(units),
                    primary_area_id=rng.choice(areas), phase=rng.choice(ALL_PHASES),
                    is_demo=False, archived=rng.random() < 0.05, version=1, created_at=now,
                    updated_at=now - timedelta(minutes=i)))
                for year in (2025, 2026):
                    lines.append(dict(initiative_id=i, year=year, source_id=rng.choice(sources),
                                      amount=Decimal(rng.randrange(10_000, 2_000_000))))
            db.session.execute(insert(Initiative), rows)
            db.session.execute(insert(FundingLine), lines)
    refresh_statistics()
    return db.session.scalar(select(func.count(Initiative.id)))


def refresh_statistics() -> None:
    """After a bulk load: on PostgreSQL move the id sequences past the ids inserted and ANALYZE
    (autovacuum would do it later); on SQLite ANALYZE (it keeps no statistics unless asked)."""
    from portfolio.extensions import db

    db.session.remove()
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:   # the rows came with explicit ids: move the sequences on
            for table in db.metadata.sorted_tables:
                if _single_id(table) is not None:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"GREATEST((SELECT max(id) FROM {table.name}), 1))"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
