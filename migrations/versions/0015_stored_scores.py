"""ranked view: scores stored per criteria-set version

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 09:15:00

"""
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_score',
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('set_version', sa.Integer(), nullable=False),
    sa.Column('scores', sa.String(length=64), nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('score_cents', sa.Integer(), nullable=True),
    sa.Column('heaviest', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_stored_score_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_id'], ['criteria_set.id'], name=op.f('fk_stored_score_set_id_criteria_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('set_id', 'initiative_id', name=op.f('pk_stored_score'))
    )
    with op.batch_alter_table('stored_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_score_initiative_id'), ['initiative_id'], unique=False)
    _backfill()


def downgrade():
    with op.batch_alter_table('stored_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_score_initiative_id'))
    op.drop_table('stored_score')


def _backfill():
    """Store the scores already given, as prioritisation.stored computes them (the arithmetic
    of domain.scoring, repeated here so this migration never changes with the code)."""
    conn = op.get_bind()
    sets = {}
    for set_id, version, crit_id, code, weight, sort_order in conn.execute(sa.text(
            "SELECT s.id, s.version, c.id, c.code, c.weight, c.sort_order FROM criteria_set s "
            "JOIN criterion c ON c.set_id = s.id")):
        sets.setdefault(set_id, (version, []))[1].append((sort_order, crit_id, code, Decimal(weight) / 100))
    table = sa.table('stored_score', *[sa.column(n) for n in (
        'set_id', 'initiative_id', 'set_version', 'scores', 'scored', 'score_cents', 'heaviest')])
    for set_id, (version, crits) in sets.items():
        crits.sort()
        codes = [code for _o, _i, code, _w in crits]
        code_of = {crit_id: code for _o, crit_id, code, _w in crits}
        weights = {code: w for _o, _i, code, w in crits}
        by_initiative = {}
        for ini_id, crit_id, value in conn.execute(sa.text(
                "SELECT sc.initiative_id, sc.criterion_id, sc.score FROM criterion_score sc "
                "JOIN criterion c ON c.id = sc.criterion_id WHERE c.set_id = :s"), {"s": set_id}):
            by_initiative.setdefault(ini_id, {})[code_of[crit_id]] = value
        rows = []
        for ini_id, scores in by_initiative.items():
            cents, heaviest = _summarise(scores, weights)
            rows.append({'set_id': set_id, 'initiative_id': ini_id, 'set_version': version,
                         'scores': "".join(str(scores[c]) if c in scores else "-" for c in codes),
                         'scored': len(scores), 'score_cents': cents, 'heaviest': heaviest})
        if rows:
            op.bulk_insert(table, rows)


def _summarise(scores, weights):
    total_weight = sum(weights.values(), Decimal(0))
    if not weights or any(w < 0 for w in weights.values()) or total_weight == 0:
        return None, 0
    weighted = [c for c, w in weights.items() if w]
    if any(c not in scores or not 1 <= scores[c] <= 5 for c in weighted):
        return None, 0
    total = sum((weights[c] * scores[c] for c in weighted), Decimal(0))
    score = (Decimal(100) * total / (5 * total_weight)).quantize(Decimal("0.01"))
    heaviest = max(weights, key=lambda c: (weights[c], c))
    return int(score * 100), scores.get(heaviest, 0)
