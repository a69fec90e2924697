"""data version: one row given a new value by every commit that wrote, so cached dashboards and
report figures (keyed by it) are never stale, in any process

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 09:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 'start'}])


def downgrade():
    op.drop_table('data_version')
