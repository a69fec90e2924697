"""placeholder (filled in by the work that needs it)

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 12:00:00

"""
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
