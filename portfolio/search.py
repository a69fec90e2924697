"""Free-text search through an index, the same results as a plain substring search.

One function, `substring_condition`, gives the SQL condition "one of these text columns holds the
typed text, case-insensitively" and lets the database's own index answer it:

- PostgreSQL: `lower(column) LIKE '%text%'`, which the GIN trigram indexes (`pg_trgm`) on
  `lower(column)` answer without reading every row (migration 0014 creates them).
- SQLite: an FTS5 table with the trigram tokenizer, kept in step with the base table by triggers
  (migration 0014). The typed text is looked up there first; when few rows hold it, the condition
  is "id in those rows". When many do (a common word), walking the list's sort index and checking
  each row is cheaper than collecting them all, so the condition is the plain LIKE, and a page
  stops after its rows are found. Text shorter than three characters has no trigram: plain LIKE.

In every case the plain LIKE on the base columns is part of the condition, so the rows found are
exactly those of a substring search (the index only narrows which rows are looked at)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, text
from sqlalchemy.sql.elements import ColumnElement

from portfolio.extensions import db
from portfolio.text_rules import FORBIDDEN_CHARS

# Up to this many rows holding the text, the index's row ids are the condition; above it the
# text is common enough that checking rows in the list's sort order finds a page sooner.
FEW_ROWS = 1000


@dataclass(frozen=True)
class SearchIndex:
    """Where SQLite's FTS5 trigram table for a base table is (its rowid is the base row's id)."""

    fts_table: str


def is_search_index_table(name: str) -> bool:
    """Whether a table is one of SQLite's FTS5 search tables (the virtual table and its shadow
    tables `<name>_data`, `_idx`, `_content`, `_docsize`, `_config`): kept by triggers, never
    copied, compared or emptied as data (backups, restores, schema comparisons skip them)."""
    return name == "initiative_search" or name.startswith("initiative_search_")


def escape_like(text_: str) -> str:
    """A LIKE pattern's literal part; control characters dropped (every LIKE search goes
    through here)."""
    text_ = "".join(ch for ch in text_ if ch not in FORBIDDEN_CHARS)
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_condition(columns, query: str) -> ColumnElement[bool]:
    """The plain substring search: lower(column) LIKE '%query%' for any of the columns."""
    pattern = f"%{escape_like(query.lower())}%"
    return or_(*[func.lower(c).like(pattern, escape="\\") for c in columns])


def substring_condition(id_column, columns, query: str, index: SearchIndex) -> ColumnElement[bool]:
    """SQL condition: one of `columns` holds `query` (case-insensitive substring), answered
    through the dialect's index (see the module's text). `id_column` is the base table's key,
    equal to the FTS table's rowid on SQLite."""
    plain = like_condition(columns, query)
    if db.engine.dialect.name != "sqlite" or len(query) < 3:
        return plain
    phrase = '"' + query.replace('"', '""') + '"'
    ids = db.session.scalars(
        text(f"SELECT rowid FROM {index.fts_table} WHERE {index.fts_table} MATCH :phrase LIMIT :n"),
        {"phrase": phrase, "n": FEW_ROWS + 1}).all()
    if len(ids) > FEW_ROWS:
        return plain
    return id_column.in_(ids) & plain
