"""reminders: the digest preference on users and the log of reminders sent

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_frequency', sa.String(length=10),
                                      server_default='weekly', nullable=False))
        batch_op.add_column(sa.Column('digest_locale', sa.String(length=5),
                                      server_default='sv', nullable=False))
    op.create_table(
        'reminder_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('period_key', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('item_count', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.String(length=200), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_reminder_delivery_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['background_job.id'],
                                name=op.f('fk_reminder_delivery_job_id_background_job'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_delivery')),
        sa.UniqueConstraint('user_id', 'period_key', name='uq_reminder_delivery_user_period'),
    )
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_delivery_status_claimed', ['status', 'claimed_at'],
                              unique=False)


def downgrade():
    op.drop_table('reminder_delivery')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('digest_locale')
        batch_op.drop_column('digest_frequency')
