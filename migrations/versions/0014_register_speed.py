"""register list and API list: indexes that match the filters and sorts, derived statuses in SQL, indexed free text

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 09:15:00

Composite indexes for the register's filters and sorts (both databases); free text through an
index: PostgreSQL gets pg_trgm and GIN trigram indexes on lower(title/ref/description), SQLite an
FTS5 table with the trigram tokenizer (`initiative_search`, rowid = initiative.id), filled here
and kept in step by triggers (so bulk inserts, imports and restores stay searchable too).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The phase order as in portfolio/initiatives/models.py (PHASE_ORDER_SQL), frozen here.
PHASES = ("ide", "behovsanalys", "prioriterad", "planering", "genomforande", "uppfoljning",
          "avslutad", "pausad", "avslagen", "avbruten")
PHASE_ORDER_SQL = "CASE phase\n" + "".join(
    f"    WHEN '{p}' THEN {i}\n" for i, p in enumerate(PHASES)) + "    ELSE NULL\nEND"

INDEXES = {
    "ix_initiative_list": ["archived", "phase", "updated_at", "id"],
    "ix_initiative_updated": ["archived", "updated_at", "id"],
    "ix_initiative_area_updated": ["archived", "primary_area_id", "updated_at", "id"],
    "ix_initiative_area_phase_updated": ["archived", "primary_area_id", "phase", "updated_at", "id"],
    "ix_initiative_unit_updated": ["archived", "owning_unit_id", "updated_at", "id"],
    "ix_initiative_unit_sort": ["archived", "owning_unit_id", "id"],
    "ix_initiative_ref_sort": ["archived", "ref"],
    "ix_initiative_start_sort": ["archived", "start_date", "id"],
    "ix_initiative_title_sort": ["archived", sa.text("lower(title)"), "id"],
    "ix_initiative_phase_sort": ["archived", sa.text(f"(\n{PHASE_ORDER_SQL})"), "id"],
}
TEXT_COLUMNS = ("title", "ref", "description")

SQLITE_SEARCH = [
    # A restore drops the app's tables and migrates again; the search index goes with them.
    "DROP TABLE IF EXISTS initiative_search",
    "CREATE VIRTUAL TABLE initiative_search USING fts5("
    "title, ref, description, tokenize='trigram')",
    "INSERT INTO initiative_search(rowid, title, ref, description) "
    "SELECT id, title, ref, description FROM initiative",
    "CREATE TRIGGER initiative_search_insert AFTER INSERT ON initiative BEGIN "
    "INSERT INTO initiative_search(rowid, title, ref, description) "
    "VALUES (new.id, new.title, new.ref, new.description); END",
    "CREATE TRIGGER initiative_search_delete AFTER DELETE ON initiative BEGIN "
    "DELETE FROM initiative_search WHERE rowid = old.id; END",
    "CREATE TRIGGER initiative_search_update AFTER UPDATE OF title, ref, description ON initiative "
    "BEGIN DELETE FROM initiative_search WHERE rowid = old.id; "
    "INSERT INTO initiative_search(rowid, title, ref, description) "
    "VALUES (new.id, new.title, new.ref, new.description); END",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_initiative_list", table_name="initiative")
    for name, columns in INDEXES.items():
        op.create_index(name, "initiative", columns)
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for column in TEXT_COLUMNS:
            op.create_index(f"ix_initiative_{column}_trgm", "initiative", [sa.text(f"lower({column})")],
                            postgresql_using="gin", postgresql_ops={f"lower({column})": "gin_trgm_ops"})
        op.execute("ANALYZE initiative")
    elif dialect == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
        op.execute("ANALYZE initiative")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for column in TEXT_COLUMNS:
            op.drop_index(f"ix_initiative_{column}_trgm", table_name="initiative")
    elif dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS initiative_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS initiative_search")
    for name in INDEXES:
        op.drop_index(name, table_name="initiative")
    op.create_index("ix_initiative_list", "initiative", ["archived", "phase"])
