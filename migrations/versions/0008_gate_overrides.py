"""gate overrides: the office's recorded exceptions from phase gates

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gate_override',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('from_phase', sa.String(length=20), nullable=False),
        sa.Column('to_phase', sa.String(length=20), nullable=False),
        sa.Column('missing', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'],
                                name=op.f('fk_gate_override_initiative_id_initiative'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decision_id'], ['portfolio_decision.id'],
                                name=op.f('fk_gate_override_decision_id_portfolio_decision')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_gate_override_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_override')),
    )
    with op.batch_alter_table('gate_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_override_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_override_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('gate_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_override_created_at'))
        batch_op.drop_index(batch_op.f('ix_gate_override_initiative_id'))
    op.drop_table('gate_override')
