"""single sign-on (the identity provider's subject and grants on users, break-glass accounts)
and the append-only security log

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

PG_FUNCTION = ("CREATE OR REPLACE FUNCTION security_event_no_update() RETURNS trigger AS $$ "
               "BEGIN RAISE EXCEPTION 'security_event is append-only'; END; $$ LANGUAGE plpgsql")
PG_TRIGGER = ("CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_event "
              "FOR EACH ROW EXECUTE FUNCTION security_event_no_update()")
SQLITE_TRIGGER = ("CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_event "
                  "BEGIN SELECT RAISE(ABORT, 'security_event is append-only'); END")


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('idp_grants', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('break_glass', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_unique_constraint('uq_user_account_oidc_issuer_oidc_subject',
                                          ['oidc_issuer', 'oidc_subject'])
    op.create_table(
        'security_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(), nullable=False),
        sa.Column('event', sa.String(length=32), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=254), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('subject_label', sa.String(length=254), nullable=True),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.Column('details', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_event')),
    )
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.create_index('ix_security_event_occurred_at', ['occurred_at'], unique=False)
        batch_op.create_index('ix_security_event_event', ['event'], unique=False)
        batch_op.create_index('ix_security_event_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_security_event_subject_id', ['subject_id'], unique=False)
    # Append-only: the database refuses to change a written row.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS security_event_no_update ON security_event")
        op.execute("DROP FUNCTION IF EXISTS security_event_no_update()")
    op.drop_table('security_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_account_oidc_issuer_oidc_subject', type_='unique')
        batch_op.drop_column('break_glass')
        batch_op.drop_column('idp_grants')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
