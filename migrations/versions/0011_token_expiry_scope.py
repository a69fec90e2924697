"""api tokens expire (default 90 days after creation) and may be read-only

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 08:45:00

Existing tokens get an expiry 90 days after they were created (a token older than that has
expired and must be replaced from "Min profil").
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('read_only', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    token = sa.table('api_token', sa.column('id', sa.Integer()),
                     sa.column('created_at', sa.DateTime()), sa.column('expires_at', sa.DateTime()))
    bind = op.get_bind()
    from datetime import timedelta
    for row in bind.execute(sa.select(token.c.id, token.c.created_at)).all():
        bind.execute(token.update().where(token.c.id == row.id)
                     .values(expires_at=row.created_at + timedelta(days=90)))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('read_only')
        batch_op.drop_column('expires_at')
