"""failed logins are counted by the rate limiter (Redis or memory, with expiry), not in a table

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 09:05:00

The old table kept one row per address ever tried, locked accounts for anyone who knew the
address, and was never cleaned up.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('login_throttle')


def downgrade():
    op.create_table('login_throttle',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_login_throttle'))
    )
