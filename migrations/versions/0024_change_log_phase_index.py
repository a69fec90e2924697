"""a past year's phases: the change log's phase changes per initiative in time order, from one index

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 15:00:00

"""
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index('ix_change_log_phase', ['field', 'initiative_id', 'changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_phase')
