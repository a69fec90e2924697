"""placeholder (filled in by the work that needs it)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 12:00:00

"""
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
