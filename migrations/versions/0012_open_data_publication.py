"""open data: an initiative is published only after the project office has reviewed it

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 08:46:00

Nothing is published after the upgrade: the office reviews and marks each initiative.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_initiative_published_by_id_user_account'),
                                    'user_account', ['published_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_initiative_published_at'), ['published_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_published_at'))
        batch_op.drop_constraint(batch_op.f('fk_initiative_published_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('published_at')
