"""Stored scores (issue #16): each initiative's scores in a criteria set summed up once per save,
so the ranked view and the priority card never score candidates per request.

A row of `stored_score` holds the scores packed one digit per criterion (in the set's order), how
many are scored, the weighted 0–100 score in hundredths (None until every weighted criterion is
scored) and the score on the most heavily weighted criterion (the tie rule's third step), for the
set's current version.

They are kept fresh by a hook on the session, so no writer can forget them: a flush that adds,
changes or deletes scores refreshes those initiatives' rows; one that changes a criterion or the
set (a new weight, a new version) refreshes the whole set; a bulk INSERT/UPDATE/DELETE of scores
or criteria through the session refreshes every set when the transaction commits. Only a write
that bypasses the session (raw SQL on a connection) must call `refresh_sets()` itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from portfolio.domain import scoring
from portfolio.extensions import db
from portfolio.prioritisation.models import CriteriaSet, Criterion, Score, StoredScore

NOT_SCORED = "-"
_REFRESH_ALL = "prioritisation.refresh_all_scores"


@dataclass(frozen=True)
class SetShape:
    """What a set's stored rows are computed from: its criteria in order and their weights."""

    set_id: int
    version: int
    codes: tuple[str, ...]
    weights: dict[str, Decimal]
    index: dict[int, int]           # criterion id → position in `codes`


def criteria_order(criteria: Iterable) -> list:
    """The order the digits are packed in (the set's own order; id breaks a tie)."""
    return sorted(criteria, key=lambda c: (c.sort_order, c.id))


def summarise(scores: dict[str, int], weights: dict[str, Decimal]) -> tuple[int | None, int]:
    """(100 × the weighted score or None when it cannot be computed yet, the score on the
    heaviest weighted criterion or 0). The same arithmetic as the ranking (domain.scoring)."""
    try:
        score = scoring.weighted_score(scores, weights)
    except scoring.ScoringError:
        return None, 0
    heaviest = max(weights, key=lambda c: (weights[c], c))
    return int(score * 100), scores.get(heaviest, 0)


def pack(codes: tuple[str, ...], scores: dict[str, int]) -> str:
    return "".join(str(scores[c]) if c in scores else NOT_SCORED for c in codes)


def unpack(codes: tuple[str, ...], packed: str) -> dict[str, int]:
    return {code: int(ch) for code, ch in zip(codes, packed, strict=False) if ch != NOT_SCORED}


def _shapes(conn: Connection, set_ids: Iterable[int] | None) -> dict[int, SetShape]:
    stmt = (select(CriteriaSet.id, CriteriaSet.version, Criterion.id, Criterion.code, Criterion.weight,
                   Criterion.sort_order).join(Criterion, Criterion.set_id == CriteriaSet.id))
    if set_ids is not None:
        stmt = stmt.where(CriteriaSet.id.in_(list(set_ids)))
    rows: dict[int, list] = {}
    versions: dict[int, int] = {}
    for set_id, version, crit_id, code, weight, sort_order in conn.execute(stmt):
        versions[set_id] = version
        rows.setdefault(set_id, []).append(_Crit(crit_id, code, weight, sort_order))
    shapes = {}
    for set_id, crits in rows.items():
        ordered = criteria_order(crits)
        shapes[set_id] = SetShape(set_id, versions[set_id], tuple(c.code for c in ordered),
                                  {c.code: c.weight for c in ordered},
                                  {c.id: i for i, c in enumerate(ordered)})
    return shapes


@dataclass(frozen=True)
class _Crit:
    id: int
    code: str
    weight: Decimal
    sort_order: int


def _refresh(conn: Connection, set_ids: Iterable[int] | None,
             initiatives: dict[int, set[int]] | None = None) -> None:
    """Recompute the stored rows of these sets (all of them when None), or only of the given
    initiatives per set: delete, then insert from the scores (a constant number of statements)."""
    shapes = _shapes(conn, set_ids)
    for shape in shapes.values():
        only = initiatives.get(shape.set_id) if initiatives is not None else None
        wipe = delete(StoredScore).where(StoredScore.set_id == shape.set_id)
        read = (select(Score.initiative_id, Score.criterion_id, Score.score)
                .where(Score.criterion_id.in_(list(shape.index))))
        if only is not None:
            wipe = wipe.where(StoredScore.initiative_id.in_(list(only)))
            read = read.where(Score.initiative_id.in_(list(only)))
        conn.execute(wipe)
        by_initiative: dict[int, dict[str, int]] = {}
        for ini_id, crit_id, value in conn.execute(read):
            by_initiative.setdefault(ini_id, {})[shape.codes[shape.index[crit_id]]] = value
        rows = []
        for ini_id, scores in by_initiative.items():
            cents, heaviest = summarise(scores, shape.weights)
            rows.append({"set_id": shape.set_id, "initiative_id": ini_id, "set_version": shape.version,
                         "scores": pack(shape.codes, scores), "scored": len(scores),
                         "score_cents": cents, "heaviest": heaviest})
        if rows:
            conn.execute(insert(StoredScore), rows)


def refresh_sets(set_ids: Iterable[int] | None = None) -> None:
    """Recompute every stored row of these sets (all sets when None): after a bulk load that
    went around the session, and by the migration that introduced them."""
    _refresh(db.session.connection(), set_ids)


# --- the session hook ---------------------------------------------------------------------------

def _after_flush(session: Session, _context) -> None:
    whole_sets: set[int] = set()
    criteria: dict[int, set[int]] = {}       # criterion id → initiatives whose score changed
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Score):
            if obj.criterion_id is not None and obj.initiative_id is not None:
                criteria.setdefault(obj.criterion_id, set()).add(obj.initiative_id)
        elif isinstance(obj, Criterion):
            if obj.set_id is not None:
                whole_sets.add(obj.set_id)
        elif isinstance(obj, CriteriaSet) and inspect(obj).attrs.version.history.has_changes():
            whole_sets.add(obj.id)          # a new version (new weights): every row anew
    if not (whole_sets or criteria):
        return
    conn = session.connection()
    initiatives: dict[int, set[int]] = {}
    if criteria:
        for crit_id, set_id in conn.execute(select(Criterion.id, Criterion.set_id)
                                            .where(Criterion.id.in_(list(criteria)))):
            if set_id not in whole_sets:
                initiatives.setdefault(set_id, set()).update(criteria[crit_id])
    if whole_sets:
        _refresh(conn, whole_sets)
    if initiatives:
        _refresh(conn, initiatives, initiatives)


def _on_execute(state) -> None:
    """A bulk write of scores or criteria (no flush sees it): refresh every set at the commit."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ in (Score, Criterion, CriteriaSet):
        state.session.info[_REFRESH_ALL] = True


def _before_commit(session: Session) -> None:
    if session.info.pop(_REFRESH_ALL, False):
        _refresh(session.connection(), None)


def _after_rollback(session: Session, _previous) -> None:
    session.info.pop(_REFRESH_ALL, None)


def track_score_changes() -> None:
    """Hook the stored scores into the app's session (once per process; idempotent)."""
    target = db.session
    for name, fn in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                     ("before_commit", _before_commit), ("after_soft_rollback", _after_rollback)):
        if not event.contains(target, name, fn):
            event.listen(target, name, fn)
