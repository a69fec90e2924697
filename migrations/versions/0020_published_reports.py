"""published reports: the frozen yearly follow-up KS received (files in the file store)

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'published_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('case_number', sa.String(length=60), nullable=False),
        sa.Column('meeting_date', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_by_name', sa.String(length=200), nullable=False),
        sa.Column('html_path', sa.String(length=200), nullable=False),
        sa.Column('html_sha256', sa.String(length=64), nullable=False),
        sa.Column('html_size', sa.Integer(), nullable=False),
        sa.Column('print_path', sa.String(length=200), nullable=False),
        sa.Column('pdf_path', sa.String(length=200), nullable=True),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
        sa.Column('pdf_size', sa.Integer(), nullable=True),
        sa.Column('pdf_created_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'],
                                name=op.f('fk_published_report_published_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_published_report')),
        sa.UniqueConstraint('year', 'version', name='uq_published_report_year_version'),
    )
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.create_index('ix_published_report_year', ['year'], unique=False)


def downgrade():
    op.drop_table('published_report')
