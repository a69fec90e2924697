"""ideas: ideas from anyone with the office's triage, and marks on similar pairs

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'idea',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('need', sa.Text(), nullable=False),
        sa.Column('who', sa.Text(), nullable=False),
        sa.Column('today', sa.Text(), nullable=False),
        sa.Column('benefit', sa.Text(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('need_score', sa.Integer(), nullable=True),
        sa.Column('feasibility_score', sa.Integer(), nullable=True),
        sa.Column('office_message', sa.Text(), nullable=True),
        sa.Column('initiative_id', sa.Integer(), nullable=True),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('need_score IS NULL OR need_score BETWEEN 1 AND 5',
                           name=op.f('ck_idea_need_score_range')),
        sa.CheckConstraint('feasibility_score IS NULL OR feasibility_score BETWEEN 1 AND 5',
                           name=op.f('ck_idea_feasibility_score_range')),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_idea_unit_id_org_unit')),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'],
                                name=op.f('fk_idea_initiative_id_initiative'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'],
                                name=op.f('fk_idea_submitted_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_idea_decided_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idea')),
    )
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.create_index('ix_idea_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_idea_submitter', ['submitted_by_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_updated_at'), ['updated_at'], unique=False)
    op.create_table(
        'similar_mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_a', sa.String(length=40), nullable=False),
        sa.Column('key_b', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('key_a < key_b', name=op.f('ck_similar_mark_keys_ordered')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_similar_mark_created_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_similar_mark')),
        sa.UniqueConstraint('key_a', 'key_b', name='uq_similar_mark_pair'),
    )
    with op.batch_alter_table('similar_mark', schema=None) as batch_op:
        batch_op.create_index('ix_similar_mark_key_b', ['key_b'], unique=False)


def downgrade():
    op.drop_table('similar_mark')
    op.drop_table('idea')
