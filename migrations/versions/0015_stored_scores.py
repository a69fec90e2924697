"""ranked view: scores stored per criteria-set version

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 09:15:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
