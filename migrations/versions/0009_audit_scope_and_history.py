"""audit scope and questions; recommendation-response status history; action done dates;
per-committee answer deadline; demo markers per field

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 05:00:00

"""
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _day(value) -> date | None:
    """A DATE/TIMESTAMP as it comes back from either database (SQLite gives text)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def upgrade():
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_year', sa.Integer(), nullable=True))

    op.create_table(
        'audit_committee',
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('committee_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['audit.id'],
                                name=op.f('fk_audit_committee_audit_id_audit'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['committee_id'], ['org_unit.id'],
                                name=op.f('fk_audit_committee_committee_id_org_unit')),
        sa.PrimaryKeyConstraint('audit_id', 'committee_id', name=op.f('pk_audit_committee')),
    )
    with op.batch_alter_table('audit_committee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_committee_committee_id'), ['committee_id'], unique=False)

    op.create_table(
        'audit_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('wording', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['audit.id'],
                                name=op.f('fk_audit_question_audit_id_audit'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_question')),
        sa.UniqueConstraint('audit_id', 'number', name=op.f('uq_audit_question_audit_id_number')),
    )

    op.create_table(
        'response_status_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['response_id'], ['recommendation_response.id'],
                                name=op.f('fk_response_status_change_response_id_recommendation_response'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_response_status_change_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_response_status_change')),
    )
    with op.batch_alter_table('response_status_change', schema=None) as batch_op:
        batch_op.create_index('ix_response_status_change_response', ['response_id', 'valid_from'], unique=False)

    with op.batch_alter_table('recommendation_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_deadline', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('demo_fields', sa.String(length=200), nullable=True))

    with op.batch_alter_table('response_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('demo_fields', sa.String(length=200), nullable=True))

    _backfill()


def _backfill():
    """Existing answers get one history row: their status from the answer date (or, without one,
    from their last save). Done actions get the day the change log says they were marked done
    (or the day they were registered)."""
    conn = op.get_bind()
    response = sa.table('recommendation_response', sa.column('id'), sa.column('status'),
                        sa.column('answer_date', sa.Date()), sa.column('updated_at', sa.DateTime()))
    history = sa.table('response_status_change', sa.column('response_id'), sa.column('status'),
                       sa.column('valid_from', sa.Date()), sa.column('is_demo', sa.Boolean()),
                       sa.column('recorded_at', sa.DateTime()),
                       sa.column('user_id'))
    rows = [{"response_id": id_, "status": status,
             "valid_from": _day(answered) or _day(updated), "is_demo": False,
             "recorded_at": updated, "user_id": None}
            for id_, status, answered, updated in conn.execute(sa.select(
                response.c.id, response.c.status, response.c.answer_date, response.c.updated_at)
                .where(response.c.status != 'ej_paborjad'))]
    if rows:
        conn.execute(history.insert(), rows)

    action = sa.table('response_action', sa.column('id'), sa.column('done', sa.Boolean()),
                      sa.column('done_on', sa.Date()), sa.column('created_at', sa.DateTime()))
    log = sa.table('change_log', sa.column('entity_type'), sa.column('entity_id'), sa.column('field'),
                   sa.column('new_value'), sa.column('changed_at', sa.DateTime()))
    marked = dict(conn.execute(
        sa.select(log.c.entity_id, sa.func.max(log.c.changed_at))
        .where(log.c.entity_type == 'response_action', log.c.field == 'done', log.c.new_value == 'ja')
        .group_by(log.c.entity_id)).all())
    for id_, created in conn.execute(sa.select(action.c.id, action.c.created_at)
                                     .where(action.c.done.is_(True))).all():
        conn.execute(action.update().where(action.c.id == id_)
                     .values(done_on=_day(marked.get(id_)) or _day(created)))


def downgrade():
    with op.batch_alter_table('response_action', schema=None) as batch_op:
        batch_op.drop_column('demo_fields')
        batch_op.drop_column('done_on')

    with op.batch_alter_table('recommendation_response', schema=None) as batch_op:
        batch_op.drop_column('demo_fields')
        batch_op.drop_column('answer_deadline')

    with op.batch_alter_table('response_status_change', schema=None) as batch_op:
        batch_op.drop_index('ix_response_status_change_response')
    op.drop_table('response_status_change')
    op.drop_table('audit_question')
    with op.batch_alter_table('audit_committee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_committee_committee_id'))
    op.drop_table('audit_committee')

    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_column('audit_year')
