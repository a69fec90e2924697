"""placeholder (filled in by the work that needs it)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 12:00:00

"""
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
