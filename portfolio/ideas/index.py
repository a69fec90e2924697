"""The similarity index of the app: every initiative and idea as a document, kept in the file
store and in each process's memory.

- A full build (`rebuild`: `portfolio similar rebuild`, the job `similar.rebuild`, or the first
  question when there is no stored index) reads every document, computes the inverse document
  frequencies and writes `FILES_DIR/similar/index.npz` (numpy arrays, no pickle: the file store
  is shared with other machines).
- Every process keeps the index it loaded and brings it up to date before answering: when the
  data version (portfolio.cache) differs from the one it last saw, the documents saved since
  (rows whose `updated_at` is at or after the newest it has) are vectorised again and replace
  their rows; when the stored file was replaced (a rebuild elsewhere) it is loaded first. So an
  initiative or idea is found as soon as it is saved, in every web process and worker, without
  the initiatives package knowing about this one. After many such updates the process writes
  its index back, so a process that starts later does not redo them.
- In the process that saved, a session hook (`install_hooks`, at app start) hands the keys of
  the documents a commit changed to the index directly: found at once, whatever the clock says;
  a bulk write to those tables (an import, a restore, a test emptying the tables) makes the next
  question rebuild.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portfolio.cache import data_version
from portfolio.extensions import db
from portfolio.ideas.engine import Match, SimilarityIndex, document_text
from portfolio.ideas.models import Idea
from portfolio.initiatives.models import Initiative
from portfolio.needs.models import NeedsAnalysis
from portfolio.operations.schema import files_folder

EXTENSION_KEY = "portfolio.similar_index"
FILE = Path("similar") / "index.npz"
SAVE_AFTER = 50          # documents updated in memory before the process writes the index back


def initiative_key(initiative_id: int) -> str:
    return f"initiative:{initiative_id}"


def idea_key(idea_id: int) -> str:
    return f"idea:{idea_id}"


def parse_key(key: str) -> tuple[str, int]:
    kind, _sep, number = key.partition(":")
    return kind, int(number)


def threshold() -> float:
    """Similar from this cosine similarity on (the programme file's `similarity.threshold`)."""
    return float(current_app.extensions["portfolio.programme"].similarity_threshold)


class _Changes:
    """The documents this process committed changes to, in order (for every app of the process:
    a test process may serve two apps on one database). Each app's index takes in what it has
    not seen; a bulk write (no keys known) makes every index rebuild."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sequence = 0
        self.changed: dict[str, int] = {}    # key → the sequence number of its last change
        self.bulk = 0                        # the sequence number of the last bulk write

    def record(self, keys: set[str], bulk: bool) -> None:
        with self.lock:
            self.sequence += 1
            for key in keys:
                self.changed[key] = self.sequence
            if bulk:
                self.bulk = self.sequence
                self.changed.clear()

    def since(self, seen: int) -> tuple[set[str], bool, int]:
        """(keys changed after `seen`, whether a bulk write came after it, the newest number)."""
        with self.lock:
            return ({k for k, n in self.changed.items() if n > seen}, self.bulk > seen, self.sequence)


_changes = _Changes()


@dataclass
class _State:
    lock: threading.RLock = field(default_factory=threading.RLock)
    index: SimilarityIndex | None = None
    watermark: datetime | None = None      # the newest updated_at in the index
    seen_version: str | None = None        # the data version the index was brought up to
    file_stamp: tuple[int, int] | None = None
    unsaved: int = 0
    seen_change: int = 0          # the last of this process's committed changes taken in (_Changes)


def _state() -> _State:
    return current_app.extensions.setdefault(EXTENSION_KEY, _State())


def _path() -> Path | None:
    """Where the index is stored; None when it is kept in memory only: `SIMILAR_INDEX_STORED`
    (default: on, except under TESTING, where one test app serves many emptied databases and
    parallel runs would share the instance folder)."""
    if not current_app.config.get("SIMILAR_INDEX_STORED", not current_app.config.get("TESTING")):
        return None
    return files_folder(current_app) / FILE


def _stamp(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_size


# --- the documents ----------------------------------------------------------------------------

def _documents(since: datetime | None) -> tuple[list[tuple[str, str]], datetime | None]:
    """(key, text) of every initiative and idea, or of those saved at or after `since`; and the
    newest `updated_at` among them."""
    if since is not None:
        return _documents_since(since)
    newest: datetime | None = None
    stmt = (select(Initiative.id, Initiative.title, Initiative.description, NeedsAnalysis.problem,
                   Initiative.updated_at, NeedsAnalysis.updated_at)
            .outerjoin(NeedsAnalysis, NeedsAnalysis.initiative_id == Initiative.id))
    docs = []
    for ini_id, title, description, problem, changed, needs_changed in db.session.execute(stmt):
        docs.append((initiative_key(ini_id), document_text(title, description, problem)))
        newest = max(d for d in (newest, changed, needs_changed) if d is not None)
    idea_stmt = select(Idea.id, Idea.title, Idea.need, Idea.who, Idea.today, Idea.benefit, Idea.updated_at)
    for idea_id, title, need, who, today, benefit, changed in db.session.execute(idea_stmt):
        docs.append((idea_key(idea_id), idea_text(title, need, who, today, benefit)))
        newest = max(d for d in (newest, changed) if d is not None)
    return docs, newest


def _documents_since(since: datetime) -> tuple[list[tuple[str, str]], datetime | None]:
    """The documents saved at or after `since` (each table read by its own `updated_at`)."""
    found: dict[str, datetime] = {}
    for model, column, key in ((Initiative, Initiative.id, initiative_key),
                               (NeedsAnalysis, NeedsAnalysis.initiative_id, initiative_key),
                               (Idea, Idea.id, idea_key)):
        for number, changed in db.session.execute(select(column, model.updated_at)
                                                  .where(model.updated_at >= since)):
            found[key(number)] = max(changed, found.get(key(number), changed))
    if not found:
        return [], None
    docs, _gone = _documents_by_key(set(found))
    return docs, max(found.values())


def idea_text(title: str | None, need: str | None, who: str | None = None, today: str | None = None,
              benefit: str | None = None) -> str:
    return document_text(title, need, who, today, benefit)


# --- building, loading, saving -----------------------------------------------------------------

def rebuild() -> dict[str, float]:
    """A full build from the database, stored in the file store and used by this process."""
    state = _state()
    with state.lock:
        start = time.perf_counter()
        version = data_version()
        docs, newest = _documents(None)
        index = SimilarityIndex.build(docs)
        _save(index, newest)
        state.index, state.watermark, state.seen_version, state.unsaved = index, newest, version, 0
        return {"documents": len(docs), "seconds": round(time.perf_counter() - start, 3)}


def _save(index: SimilarityIndex, watermark: datetime | None) -> None:
    path = _path()
    if path is None:
        return
    index.save(path, index.keys, meta={"watermark": watermark.isoformat() if watermark else ""})
    _state().file_stamp = _stamp(path)


def _load(path: Path) -> bool:
    state = _state()
    try:
        index, meta = SimilarityIndex.load(path, str)
    except (OSError, ValueError, KeyError):
        return False
    state.index = index
    state.watermark = datetime.fromisoformat(meta["watermark"]) if meta.get("watermark") else None
    state.seen_version, state.unsaved, state.file_stamp = None, 0, _stamp(path)
    return True


def _documents_by_key(keys: set[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The texts of these documents now, and the keys of those that no longer exist."""
    wanted: dict[str, set[int]] = {"initiative": set(), "idea": set()}
    for key in keys:
        kind, number = parse_key(key)
        wanted.setdefault(kind, set()).add(number)
    docs = []
    if wanted["initiative"]:
        stmt = (select(Initiative.id, Initiative.title, Initiative.description, NeedsAnalysis.problem)
                .outerjoin(NeedsAnalysis, NeedsAnalysis.initiative_id == Initiative.id)
                .where(Initiative.id.in_(wanted["initiative"])))
        docs += [(initiative_key(i), document_text(t, d, p)) for i, t, d, p in db.session.execute(stmt)]
    if wanted["idea"]:
        stmt2 = select(Idea.id, Idea.title, Idea.need, Idea.who, Idea.today, Idea.benefit).where(
            Idea.id.in_(wanted["idea"]))
        docs += [(idea_key(i), idea_text(t, n, w, d, b)) for i, t, n, w, d, b in db.session.execute(stmt2)]
    found = {key for key, _text in docs}
    return docs, sorted(keys - found)


def current_index() -> SimilarityIndex:
    """The index with every saved document in it (see the module's docstring)."""
    state = _state()
    with state.lock:
        path = _path()
        stamp = _stamp(path)
        keys, bulk, latest = _changes.since(state.seen_change)
        if path is None or stamp is None:
            usable = state.index is not None and not bulk      # kept in memory only
        elif bulk:
            usable = False
        else:       # the stored index replaced by another process's rebuild: take it
            usable = (state.index is not None and stamp == state.file_stamp) or _load(path)
        if not usable:
            rebuild()
            state.seen_change = latest
            assert state.index is not None
            return state.index
        assert state.index is not None
        if keys:            # committed by this process: taken in whatever the clock says
            docs, removed = _documents_by_key(keys)
            state.index.update(docs, removed)
        state.seen_change = latest
        assert state.index is not None
        version = data_version()
        if version is None or version == state.seen_version:
            return state.index      # nothing committed since (or uncommitted writes: wait for them)
        docs, newest = _documents(state.watermark)
        if docs:
            state.index.update(docs)
            state.watermark = max(d for d in (state.watermark, newest) if d is not None)
            state.unsaved += len(docs)
            if state.unsaved >= SAVE_AFTER:
                _save(state.index, state.watermark)
                state.unsaved = 0
        state.seen_version = version
        return state.index


# --- the session hook -----------------------------------------------------------------------------

_CHANGED = "portfolio.similar.changed"
_BULK = "portfolio.similar.bulk"
_TABLES = frozenset({"initiative", "idea", "needs_analysis"})


def _keys_of(obj) -> str | None:
    if isinstance(obj, Initiative):
        return initiative_key(obj.id) if obj.id is not None else None
    if isinstance(obj, Idea):
        return idea_key(obj.id) if obj.id is not None else None
    if isinstance(obj, NeedsAnalysis):
        return initiative_key(obj.initiative_id) if obj.initiative_id is not None else None
    return None


def _after_flush(session: Session, _context) -> None:
    keys = {key for obj in (*session.new, *session.dirty, *session.deleted)
            if (key := _keys_of(obj)) is not None}
    if keys:
        session.info.setdefault(_CHANGED, set()).update(keys)


def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table in _TABLES:
            state.session.info[_BULK] = True


def _after_commit(session: Session) -> None:
    keys, bulk = session.info.pop(_CHANGED, None), session.info.pop(_BULK, None)
    if keys or bulk:
        _changes.record(set(keys or ()), bool(bulk))


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_BULK, None)


def install_hooks() -> None:
    """Hook the index into the app's session (once per process; idempotent)."""
    target = db.session
    for name, fn in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                     ("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(target, name, fn):
            event.listen(target, name, fn)


def forget(app) -> None:
    """Drop this process's copy (tests; after a restore)."""
    app.extensions.pop(EXTENSION_KEY, None)


# --- asking -----------------------------------------------------------------------------------

# Questions run under the process's lock: another thread's update replaces the index's rows.

def similar_for_text(text: str, *, limit: int = 10, exclude: tuple[str, ...] = ()) -> list[Match]:
    with _state().lock:
        return current_index().similar(text, threshold=threshold(), limit=limit, exclude=exclude)


def similar_for_key(key: str, fallback_text: str, *, limit: int = 10) -> list[Match]:
    """Documents similar to the indexed document `key` (its text when not indexed yet)."""
    with _state().lock:
        index = current_index()
        if key in index:
            return index.similar_to(key, threshold=threshold(), limit=limit)
        return index.similar(fallback_text, threshold=threshold(), limit=limit, exclude=(key,))



def groups(keys: list[str], labels: list[int], excluded: set[tuple[str, str]]) -> list[tuple[list[str], float]]:
    """Groups of similar documents among `keys` joined across different `labels` (the engine's
    `groups`), at the programme file's threshold."""
    with _state().lock:
        return current_index().groups(keys, labels, threshold=threshold(), excluded=excluded)
