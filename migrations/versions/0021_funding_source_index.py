"""the register's funding-source filter reads (source_id, initiative_id) from one index

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 12:10:00

"""
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('funding_line', schema=None) as batch_op:
        batch_op.create_index('ix_funding_line_source_initiative', ['source_id', 'initiative_id'],
                              unique=False)
        batch_op.drop_index('ix_funding_line_source_id')


def downgrade():
    with op.batch_alter_table('funding_line', schema=None) as batch_op:
        batch_op.create_index('ix_funding_line_source_id', ['source_id'], unique=False)
        batch_op.drop_index('ix_funding_line_source_initiative')
