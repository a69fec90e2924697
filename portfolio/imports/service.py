"""Import initiatives from a file in the register export's format.

Every row is read and validated first and every problem is reported (sheet, row as seen in
Excel, column header, Swedish message). Only a file without problems is applied, all rows in the
caller's one transaction: all or nothing (a dry run or a file with problems leaves nothing behind:
its block of `transaction()` rolls back, and the result is still returned).

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

import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from portfolio.extensions import db
from portfolio.imports.reader import ReadError, read_table
from portfolio.imports.rows import PlannedRow, Problem, RowReader
from portfolio.initiatives import services
from portfolio.transactions import transaction
from portfolio.validation import ConflictError, PermissionDenied, ServiceValidationError

log = logging.getLogger(__name__)


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

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


MAX_PROBLEMS = 500


class _Discarded(Exception):
    """Nothing this import did is kept (a dry run, or a problem): raised inside its block of
    `transaction()`, which rolls the unit of work back; the result still goes to the caller."""

    def __init__(self, result: ImportResult):
        super().__init__()
        self.result = result


def import_file(data: bytes, filename: str, actor, *, dry_run: bool) -> ImportResult:
    """Read, validate and (unless dry_run or any problem) apply the file. Never raises for bad
    input: problems come back in the result, with `status` the HTTP status to answer with."""
    if not can_import(actor):
        raise PermissionDenied()
    try:
        with transaction():       # nested in the caller's: only the caller's block commits
            return _import(data, filename, actor, dry_run=dry_run)
    except _Discarded as discarded:
        return discarded.result


def _import(data: bytes, filename: str, actor, *, dry_run: bool) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except ReadError as err:
        result.problems.append(Problem(None, None, None, err.message))
        result.status = err.status
        return result
    reader = RowReader(table, actor)
    rows = reader.parse()
    if reader.problems:
        result.problems = reader.problems[:MAX_PROBLEMS]
        if len(reader.problems) > MAX_PROBLEMS:
            result.problems.append(Problem(None, None, None, _(
                "… och %(n)d problem till. Rätta de listade och provkör igen.",
                n=len(reader.problems) - MAX_PROBLEMS)))
        result.status = 422
        raise _Discarded(result)
    if dry_run:
        for row in rows:
            outcome = _outcome(row)
            setattr(result, outcome, getattr(result, outcome) + 1)
        raise _Discarded(result)
    return _apply(rows, actor, _("Import från %(file)s", file=_basename(filename)), result, table.sheet)


def _basename(filename: str) -> str:
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:100] or "fil"


def _outcome(row: PlannedRow) -> str:
    """created / updated / unchanged, worked out without writing (the dry run's summary)."""
    if row.existing is None:
        return "created"
    before = services.snapshot(row.existing)
    after = services.planned_snapshot(row.data, row.resolved, phase=row.phase, archived=row.archived)
    return "unchanged" if before == after else "updated"


def _apply(rows: list[PlannedRow], actor, reason: str, result: ImportResult, sheet: str) -> ImportResult:
    """Write every row; on any failure nothing is kept (the caller commits the rest)."""
    current = None
    # Rows with their own Referens first: a generated DIG-nnnn then never takes a reference that
    # a later row of the same file asks for.
    rows = sorted(rows, key=lambda r: not r.data.ref)
    try:
        for current in rows:
            outcome = _write_row(current, actor, reason)
            setattr(result, outcome, getattr(result, outcome) + 1)
        db.session.flush()
    except (ServiceValidationError, ConflictError, PermissionDenied, SQLAlchemyError) as err:
        if isinstance(err, ServiceValidationError):
            message = " ".join(str(m) for m in err.errors.values())
        else:
            log.exception("import failed at row %s", current.number if current else None)
            message = _("Raden kunde inte sparas.")
        result.problems = [Problem(sheet, current.number if current else None, None,
                                   message + " " + _("Ingenting har sparats."))]
        result.created = result.updated = result.unchanged = 0
        result.status = 422
        raise _Discarded(result) from err
    return result


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
