"""Import initiatives from a file in the register export's format.

Every row is read and validated first and every problem is reported (sheet, row as seen in
Excel, column header, Swedish message). Only a file without problems is applied, all rows in the
caller's one transaction: all or nothing (a dry run or a file with problems leaves nothing behind:
its block of `transaction()` rolls back, and the result is still returned).

Any size, in flat memory: the file is streamed twice. Pass 1 validates every row, keeping only
the problems and the references seen (a reference twice is a problem); pass 2 reads the file
again and writes it, in batches that are flushed and then dropped from the session, so neither
the rows nor the written objects pile up. Both passes report progress (a background job shows
it on its progress page). Files of more than IMPORT_IN_BACKGROUND_ROWS rows are imported by a
job (`portfolio.imports.jobs`); smaller ones in the request; the CLI runs the same code.

Decisions:
- The file is the export's format: the same Swedish headers. Derived columns (Nämnd,
  Finansiering totalt, Årsarbetare totalt, Senast ändrad) are ignored. Unknown headers are
  problems (nothing in a file is silently dropped).
- Referens is the key. A reference that exists updates that initiative; a new reference creates
  one with that reference; an empty reference creates one with a generated reference (such rows
  are not idempotent: importing them twice creates two initiatives).
- Updating through the services means an identical row changes nothing: no new version, no
  change-log row. Re-importing a file is therefore idempotent for rows with a reference.
- A column left out of the file leaves that field as it is on existing initiatives (and empty
  on new ones); a column that is there but empty clears the field.
- Fas: the label in any of the app's languages or the code. A new initiative starts directly
  in the given phase (any phase); an existing one whose phase differs is moved to it, logged
  with the reason "Import från <file>" (only the project office imports); a gate it passes
  unmet is recorded as the office's override and shown with the other overrides. Empty:
  idé for new initiatives, unchanged for existing ones.
- Arkiverad (ja/nej, empty = nej) archives or restores with the same reason. An archived
  initiative stays read-only: a row that would change it while keeping it archived is a
  problem.
- Every change is written to the change log as the importing user.
"""

from __future__ import annotations

import gc
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from portfolio.auth.models import User, UserRole
from portfolio.extensions import db
from portfolio.imports.reader import Kind, ReadError, Source, inspect, open_rows
from portfolio.imports.rows import PlannedRow, Problem, RowReader
from portfolio.initiatives import services
from portfolio.jobs.models import BackgroundJob
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea
from portfolio.transactions import transaction
from portfolio.validation import ConflictError, PermissionDenied, ServiceValidationError

log = logging.getLogger(__name__)

MAX_PROBLEMS = 500
BATCH_ROWS = 500          # rows planned (and written) together, then dropped from the session
PROGRESS_ROWS = 100       # how often the write pass reports progress
CHECKING, SAVING = 1, 2   # progress "stage"
# What stays in the session between batches: the importer and the reference data every row
# uses (a few hundred rows at most). Everything else a batch loaded or wrote is dropped.
_KEPT = (User, UserRole, OrgUnit, PriorityArea, Principle, FundingSource, BackgroundJob)

Progress = Callable[..., None]


def can_import(user) -> bool:
    """Importing writes many initiatives at once: the project office and admin only."""
    return bool(user.is_authenticated and user.is_office)


@dataclass
class ImportResult:
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    status: int = 200
    checked: int = 0          # data rows read and checked

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        """JSON for a background job's stored result."""
        return {"dry_run": self.dry_run, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "status": self.status, "checked": self.checked,
                "problems": [[p.sheet, p.row, p.column, p.message] for p in self.problems]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportResult:
        return cls(dry_run=bool(data.get("dry_run")),
                   problems=[Problem(*item) for item in data.get("problems") or []],
                   created=int(data.get("created") or 0), updated=int(data.get("updated") or 0),
                   unchanged=int(data.get("unchanged") or 0), status=int(data.get("status") or 200),
                   checked=int(data.get("checked") or 0))


class _Discarded(Exception):
    """Nothing this import did is kept (a dry run, or a problem): raised inside its block of
    `transaction()`, which rolls the unit of work back; the result still goes to the caller."""

    def __init__(self, result: ImportResult):
        super().__init__()
        self.result = result


@dataclass
class _Pass1:
    sheet: str = ""
    with_ref: int = 0         # valid rows with their own Referens
    without_ref: int = 0


def _no_progress(**_values: Any) -> None:
    return None


def import_file(data: bytes, filename: str, actor, *, dry_run: bool) -> ImportResult:
    """`import_source` for a file in memory."""
    return import_source(Source.from_bytes(data, filename), actor, dry_run=dry_run)


def import_source(source: Source, actor, *, dry_run: bool, progress: Progress | None = None,
                  on_applied: Callable[[ImportResult], None] | None = None) -> ImportResult:
    """Read, validate and (unless dry_run or any problem) apply the file. Never raises for bad
    input: problems come back in the result, with `status` the HTTP status to answer with.
    `progress(stage=…, checked=…, saved=…, total=…)` is told how far it has come; `on_applied`
    is called with the result after the last row is written, inside the transaction (a job
    records there, atomically with the rows, that it has imported)."""
    if not can_import(actor):
        raise PermissionDenied()
    # What exists now is not the import's garbage: keep it out of the cycle collections that
    # free each batch (a full collection of a big process takes a good part of a second).
    gc.freeze()
    try:
        with transaction():       # nested in the caller's: only the caller's block commits
            return _import(source, actor, dry_run=dry_run, progress=progress or _no_progress,
                           on_applied=on_applied)
    except _Discarded as discarded:
        return discarded.result
    finally:
        gc.unfreeze()


def _import(source: Source, actor, *, dry_run: bool, progress: Progress,
            on_applied: Callable[[ImportResult], None] | None) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    try:
        kind = inspect(source)
        summary = _check(source, kind, actor, result, progress)
    except ReadError as err:
        result.problems = [Problem(None, None, None, err.message)]
        result.created = result.updated = result.unchanged = 0
        result.status = err.status
        raise _Discarded(result) from None
    if result.problems:
        result.created = result.updated = result.unchanged = 0
        result.status = 422
        raise _Discarded(result)
    if dry_run:
        raise _Discarded(result)
    _write(source, kind, actor, _("Import från %(file)s", file=_basename(source.filename)), result,
           summary, progress)
    if on_applied is not None:
        on_applied(result)
    return result


def _basename(filename: str) -> str:
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:100] or "fil"


def _batches(rows: Iterable[tuple[int, list]]) -> Iterator[list[tuple[int, list]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH_ROWS)):
        yield batch


def _trim_session(*, collect: bool = True) -> None:
    """Flush, then drop from the session what the batch loaded or wrote (it is in the database
    now, in this transaction), so the identity map stays small whatever the file's size.
    `collect`: also run the cycle collector (a batch that loaded or wrote initiatives)."""
    session = db.session()
    session.flush()
    for obj in list(session.identity_map.values()):
        if not isinstance(obj, _KEPT) and obj in session:
            session.expunge(obj)
    # Mapped objects refer to each other (an initiative and its funding lines): only the cycle
    # collector frees them, and left to itself it lets a long import's garbage pile up.
    if collect:
        gc.collect()


def _problems_of(reader: RowReader) -> list[Problem]:
    problems = list(reader.problems)
    if reader.problem_count > len(problems):
        problems.append(Problem(None, None, None, _(
            "… och %(n)d problem till. Rätta de listade och provkör igen.",
            n=reader.problem_count - len(problems))))
    return problems


def _check(source: Source, kind: Kind, actor, result: ImportResult, progress: Progress) -> _Pass1:
    """Pass 1: every row validated, problems collected; for a dry run, what it would do."""
    summary = _Pass1()
    with open_rows(source, kind) as stream:
        summary.sheet = stream.sheet
        reader = RowReader(stream.sheet, stream.headers, actor, max_problems=MAX_PROBLEMS)
        progress(stage=CHECKING, checked=0, saved=0)
        for batch in _batches(stream.rows):
            loaded = False
            for row in reader.plan(batch):
                loaded = loaded or row.existing is not None
                if row.data.ref or row.existing is not None:
                    summary.with_ref += 1
                else:
                    summary.without_ref += 1
                if result.dry_run and not reader.problem_count:
                    outcome = _outcome(row)
                    setattr(result, outcome, getattr(result, outcome) + 1)
            result.checked += len(batch)
            _trim_session(collect=loaded)
            progress(stage=CHECKING, checked=result.checked)
        reader.finish()
    result.problems = _problems_of(reader)
    progress(stage=SAVING if not result.problems and not result.dry_run else CHECKING,
             checked=result.checked, total=result.checked)
    return summary


def _outcome(row: PlannedRow) -> str:
    """created / updated / unchanged, worked out without writing (the dry run's summary)."""
    if row.existing is None:
        return "created"
    before = services.snapshot(row.existing)
    after = services.planned_snapshot(row.data, row.resolved, phase=row.phase, archived=row.archived)
    return "unchanged" if before == after else "updated"


def _write(source: Source, kind: Kind, actor, reason: str, result: ImportResult, summary: _Pass1,
           progress: Progress) -> None:
    """Pass 2: read the file again and write every row; on any failure nothing is kept (the
    caller commits the rest). Rows with their own Referens go first (a second read for the
    others): a generated DIG-nnnn then never takes a reference that a later row asks for."""
    saved = 0
    current: PlannedRow | None = None
    try:
        for with_ref in (True, False):
            if not (summary.with_ref if with_ref else summary.without_ref):
                continue
            with open_rows(source, kind) as stream:
                reader = RowReader(stream.sheet, stream.headers, actor, max_problems=MAX_PROBLEMS)
                wanted = (row for row in stream.rows if (reader.ref_of(row[1]) is not None) == with_ref)
                for batch in _batches(wanted):
                    planned = reader.plan(batch)
                    if reader.problem_count:       # the database changed since pass 1
                        _fail(result, _problems_of(reader))
                    for current in planned:
                        outcome = _write_row(current, actor, reason)
                        setattr(result, outcome, getattr(result, outcome) + 1)
                        saved += 1
                        if saved % PROGRESS_ROWS == 0:
                            progress(stage=SAVING, saved=saved)
                    current = None
                    _trim_session()
                    progress(stage=SAVING, saved=saved)
    except (ServiceValidationError, ConflictError, PermissionDenied, SQLAlchemyError) as err:
        if isinstance(err, OperationalError):
            raise       # the database went away: not the file's fault (a job is retried)
        if isinstance(err, ServiceValidationError):
            message = " ".join(str(m) for m in err.errors.values())
        else:
            log.exception("import failed at row %s", current.number if current else None)
            message = _("Raden kunde inte sparas.")
        _fail(result, [Problem(summary.sheet, current.number if current else None, None,
                               message + " " + _("Ingenting har sparats."))], cause=err)


def _fail(result: ImportResult, problems: list[Problem], cause: BaseException | None = None) -> None:
    result.problems = problems
    result.created = result.updated = result.unchanged = 0
    result.status = 422
    raise _Discarded(result) from cause


def _write_row(row: PlannedRow, actor, reason: str) -> str:
    if row.existing is None:
        ini = services.create_initiative(row.data, actor, any_phase=True)
        if row.archived:
            services.set_archived(ini, True, actor, expected_version=ini.version, reason=reason)
        return "created"
    ini = row.existing
    version = ini.version
    if ini.archived and row.archived:
        return "unchanged"  # validated: the row matches the archived initiative
    if ini.archived:
        services.set_archived(ini, False, actor, expected_version=ini.version, reason=reason)
    services.update_initiative(ini, row.data, actor, expected_version=ini.version)
    if row.phase != ini.phase:
        services.register_phase(ini, row.phase, actor, reason)
    if row.archived:
        services.set_archived(ini, True, actor, expected_version=ini.version, reason=reason)
    return "unchanged" if ini.version == version else "updated"
