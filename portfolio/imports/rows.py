"""Read the rows of an import table into service input, collecting every problem.

Writes nothing: the checks are the services' own (`validate_input`), run row by row, plus what
only a file can get wrong (unknown headers, unknown codes, bad dates and numbers, a reference
twice in the file).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import selectinload

from portfolio.domain import phases as P
from portfolio.exports.tables import COMPUTED, REGISTER_COLUMNS
from portfolio.extensions import db
from portfolio.imports import parsing
from portfolio.initiatives import services
from portfolio.initiatives.models import FundingLine, Initiative
from portfolio.labels import PHASE_LABELS
from portfolio.programme import queries as ref
from portfolio.validation import PermissionDenied, ServiceValidationError

# Column header (as the export writes it) → the field it fills.
FIELD_BY_HEADER = {
    "Referens": "ref", "Titel": "title", "Beskrivning": "description", "Ägande enhet": "owning_unit",
    "Deltagande enheter": "participating_units", "Primärt område": "primary_area",
    "Sekundära områden": "secondary_areas", "Principer": "principles", "Fas": "phase",
    "Startdatum": "start_date", "Slutdatum": "end_date", "Behovsägare": "need_owner",
    "Projektledare": "project_lead", "Nyttoägare": "benefit_owner",
    "Finansiering per år och källa": "funding", "Årsarbetare per år": "staffing", "Arkiverad": "archived",
}
HEADER_BY_FIELD = {v: k for k, v in FIELD_BY_HEADER.items()}
IMPORT_COLUMNS = tuple(c for c in REGISTER_COLUMNS if c not in COMPUTED)
REQUIRED = ("Referens", "Titel", "Ägande enhet", "Primärt område")
_ABSENT = object()


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None
    column: str | None
    message: str


@dataclass
class PlannedRow:
    number: int
    data: services.InitiativeInput
    phase: str
    archived: bool
    existing: Initiative | None
    resolved: dict


def _norm(header: str) -> str:
    return " ".join(str(header).split()).casefold()


def _header_for(service_key: str) -> str:
    """The column a service error key ("owning_unit", "funding-3-year") belongs to."""
    if service_key.startswith("funding"):
        return HEADER_BY_FIELD["funding"]
    if service_key.startswith("staffing"):
        return HEADER_BY_FIELD["staffing"]
    return HEADER_BY_FIELD.get(service_key, HEADER_BY_FIELD["ref"])


def _phase_lookup() -> dict[str, str]:
    """Phase code by code and by label in every language the app speaks."""
    names: dict[str, str] = {}
    for code, label in PHASE_LABELS.items():
        names[code.casefold()] = code
        for locale in current_app.config.get("LANGUAGES", ["sv"]):
            with force_locale(locale):
                names[_norm(str(label))] = code
    return names


def input_from(ini: Initiative) -> services.InitiativeInput:
    """An existing initiative as service input (the starting point for a row that updates it)."""
    return services.InitiativeInput(
        title=ini.title, owning_unit_id=ini.owning_unit_id, primary_area_id=ini.primary_area_id,
        description=ini.description or "", participating_unit_ids=[u.id for u in ini.participating_units],
        secondary_area_ids=[a.id for a in ini.secondary_areas], principle_ids=[p.id for p in ini.principles],
        phase=ini.phase, start_date=ini.start_date, end_date=ini.end_date, need_owner=ini.need_owner,
        project_lead=ini.project_lead, benefit_owner=ini.benefit_owner,
        funding=[services.FundingInput(f.year, f.source_id, f.amount, i) for i, f in enumerate(ini.funding)],
        staffing=[services.StaffingInput(s.year, s.fte, i) for i, s in enumerate(ini.staffing)])


class RowReader:
    """Plans rows of one read of a file, a batch at a time, collecting problems (at most
    `max_problems` of them kept; `problem_count` counts all). What it keeps across batches is
    small: the references seen so far (a reference twice in the file is a problem) and the
    problems."""

    def __init__(self, sheet: str, headers: list[str], actor, *, max_problems: int = 500):
        self.sheet = sheet
        self.headers = headers
        self.actor = actor
        self.max_problems = max_problems
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.rows_read = 0
        self.seen: dict[str, int] = {}        # Referens → the row it first appeared on
        self.units = parsing.Lookup(ref.org_units(), extra_keys=lambda u: (u.label,))
        self.areas = parsing.Lookup(ref.areas())
        self.principles = parsing.Lookup(ref.principles())
        self.sources = parsing.Lookup(ref.funding_sources())
        self.phases = _phase_lookup()
        self._unlabelled_reported: set[int] = set()
        self.columns = self._columns()        # None: a required column is missing

    def _problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(Problem(self.sheet, row, column, message))

    def ref_of(self, cells: list) -> str | None:
        """The row's Referens (None when empty or when the file has no such column)."""
        if self.columns is None or "ref" not in self.columns:
            return None
        return parsing.text(cells[self.columns["ref"]])

    def plan(self, batch: list[tuple[int, list]]) -> list[PlannedRow]:
        """The batch's rows as planned input (rows with a problem are left out; check
        `problem_count` before using them)."""
        if self.columns is None:
            return []
        existing = self._existing(batch)
        planned = []
        for number, cells in batch:
            self.rows_read += 1
            row = self._row(number, cells, self.columns, existing, self.seen)
            if row is not None:
                planned.append(row)
        return planned

    def finish(self) -> None:
        """After the last batch: a file with a header and no rows is a problem too."""
        if not self.rows_read and not self.problem_count:
            self._problem(None, None, _("Filen innehåller inga rader med initiativ under rubrikraden."))

    def _columns(self) -> dict[str, int] | None:
        known = {_norm(h): h for h in REGISTER_COLUMNS}
        columns: dict[str, int] = {}
        self.unlabelled: list[int] = []
        for index, header in enumerate(self.headers):
            if not header:
                self.unlabelled.append(index)
                continue
            canonical = known.get(_norm(header))
            if canonical is None:
                self._problem(1, header, _("Okänd kolumnrubrik «%(header)s». Använd rubrikerna från mallen "
                                           "eller från exporten.", header=header))
            elif canonical in COMPUTED:
                continue
            elif FIELD_BY_HEADER[canonical] in columns:
                self._problem(1, header, _("Kolumnen «%(header)s» finns mer än en gång.", header=header))
            else:
                columns[FIELD_BY_HEADER[canonical]] = index
        missing = [h for h in REQUIRED if FIELD_BY_HEADER[h] not in columns]
        for header in missing:
            self._problem(1, header, _("Kolumnen «%(header)s» saknas. Första raden ska ha rubrikerna från "
                                       "mallen.", header=header))
        return None if missing else columns

    def _existing(self, batch: list[tuple[int, list]]) -> dict[str, Initiative]:
        """The initiatives the batch's references name, with what a row compares."""
        refs = sorted({ref for _n, cells in batch if (ref := self.ref_of(cells)) is not None})
        found: dict[str, Initiative] = {}
        for start in range(0, len(refs), 500):
            stmt = db.select(Initiative).where(Initiative.ref.in_(refs[start:start + 500])).options(
                selectinload(Initiative.participating_units), selectinload(Initiative.secondary_areas),
                selectinload(Initiative.principles),
                selectinload(Initiative.funding).joinedload(FundingLine.source),
                selectinload(Initiative.staffing))
            found.update({ini.ref: ini for ini in db.session.scalars(stmt).unique()})
        return found

    def _row(self, number: int, cells: list, columns: dict[str, int], existing_by_ref: dict,
             seen: dict[str, int]) -> PlannedRow | None:
        reported: set[str] = set()

        def bad(key: str, message: str) -> None:
            header = HEADER_BY_FIELD.get(key, key)
            reported.add(header)
            self._problem(number, header, message)

        def cell(key: str):
            return cells[columns[key]] if key in columns else _ABSENT

        self._check_unlabelled(number, cells)
        ref_text = parsing.text(cell("ref"))
        if ref_text and ref_text in seen:
            bad("ref", _("Referensen %(ref)s finns redan på rad %(row)d. Varje referens får bara "
                         "förekomma en gång i filen.", ref=ref_text, row=seen[ref_text]))
        elif ref_text:
            seen[ref_text] = number
        existing = existing_by_ref.get(ref_text) if ref_text else None
        if existing is not None:
            data = input_from(existing)
        else:
            data = services.InitiativeInput(title="", owning_unit_id=None, primary_area_id=None,
                                            phase=P.IDE, ref=ref_text)
        phase = existing.phase if existing is not None else P.IDE
        archived = existing.archived if existing is not None else False
        self._texts(data, cell, existing, bad)
        self._references(data, cell, bad)
        if (value := cell("phase")) is not _ABSENT and (label := parsing.text(value)):
            phase = self.phases.get(_norm(label))
            if phase is None:
                bad("phase", _("Okänd fas «%(value)s». Giltiga faser: %(valid)s.", value=label,
                               valid=", ".join(str(v) for v in PHASE_LABELS.values())))
        data.phase = phase
        for key in ("start_date", "end_date"):
            if (value := cell(key)) is not _ABSENT:
                try:
                    setattr(data, key, parsing.a_date(value))
                except parsing.CellError as err:
                    bad(key, err.message)
                    setattr(data, key, None)
        self._lines(data, cell, bad)
        if (value := cell("archived")) is not _ABSENT:
            try:
                archived = parsing.yes_no(value)
            except parsing.CellError as err:
                bad("archived", err.message)
        resolved = self._validate(data, existing, reported, bad)
        if resolved is not None and existing is not None and existing.archived and archived and (
                services.planned_snapshot(data, resolved, phase=phase or existing.phase, archived=True)
                != services.snapshot(existing)):
            bad("archived", _("Initiativet %(ref)s är arkiverat och kan inte ändras. Sätt Arkiverad till nej "
                              "för att återställa och ändra det, eller ta bort raden.", ref=existing.ref))
        if reported or resolved is None:
            return None
        return PlannedRow(number, data, phase, archived, existing, resolved)

    def _check_unlabelled(self, number: int, cells: list) -> None:
        extra = list(self.unlabelled) + list(range(len(self.headers), len(cells)))
        for index in extra:
            value = cells[index] if index < len(cells) else None
            if index not in self._unlabelled_reported and parsing.text(value) is not None:
                self._unlabelled_reported.add(index)
                self._problem(number, _("Kolumn %(letter)s", letter=get_column_letter(index + 1)),
                              _("Cellen har innehåll men kolumnen saknar rubrik. Lägg till en rubrik från "
                                "mallen eller töm kolumnen."))

    def _texts(self, data, cell, existing, bad) -> None:
        for key in ("title", "description", "need_owner", "project_lead", "benefit_owner"):
            value = cell(key)
            if value is _ABSENT:
                continue
            new = parsing.text(value)
            if existing is not None and parsing.same_text(getattr(existing, key), new):
                new = getattr(existing, key)  # only the newline convention differs: keep
            if key == "title":
                if not new:
                    bad("title", _("Titel saknas."))
                data.title = new or ""
            elif key == "description":
                data.description = new or ""
            else:
                setattr(data, key, new or None)

    def _references(self, data, cell, bad) -> None:
        for key, lookup, missing, unknown in (
                ("owning_unit", self.units, _("Ange ägande enhet (enhetskod, t.ex. SBF)."),
                 lambda v: _("Okänd enhet «%(value)s». Använd en enhetskod från fliken Listor i mallen.",
                             value=v)),
                ("primary_area", self.areas, _("Ange primärt prioriterat område."),
                 lambda v: _("Okänt prioriterat område «%(value)s». Använd ett namn från fliken Listor i "
                             "mallen.", value=v))):
            if (value := cell(key)) is _ABSENT:
                continue
            name = parsing.text(value)
            row = lookup.get(name) if name else None
            if not name:
                bad(key, missing)
            elif row is None:
                bad(key, unknown(name))
            setattr(data, f"{key}_id", row.id if row else None)
        for key, attr, lookup, unknown in (
                ("participating_units", "participating_unit_ids", self.units,
                 lambda v: _("Okänd enhet «%(value)s». Använd enhetskoder från fliken Listor i mallen, "
                             "åtskilda med kommatecken.", value=v)),
                ("secondary_areas", "secondary_area_ids", self.areas,
                 lambda v: _("Okänt prioriterat område «%(value)s». Använd namn från fliken Listor i mallen, "
                             "åtskilda med kommatecken.", value=v)),
                ("principles", "principle_ids", self.principles,
                 lambda v: _("Okänd princip «%(value)s». Använd namn från fliken Listor i mallen, åtskilda "
                             "med kommatecken.", value=v))):
            if (value := cell(key)) is _ABSENT:
                continue
            rows, unknown_names = lookup.many(parsing.text(value) or "")
            for name in unknown_names:
                bad(key, unknown(name))
            setattr(data, attr, [r.id for r in rows])

    def _lines(self, data, cell, bad) -> None:
        if (value := cell("funding")) is not _ABSENT:
            lines, messages = parsing.funding(value, self.sources)
            for message in messages:
                bad("funding", message)
            data.funding = [services.FundingInput(y, s.id, a, i) for i, (y, s, a) in enumerate(lines)]
        if (value := cell("staffing")) is not _ABSENT:
            staff_lines, messages = parsing.staffing(value)
            for message in messages:
                bad("staffing", message)
            data.staffing = [services.StaffingInput(y, f, i) for i, (y, f) in enumerate(staff_lines)]

    def _validate(self, data, existing, reported: set[str], bad) -> dict | None:
        """The services' own checks (rules, permission, scope), without writing."""
        try:
            return services.validate_input(
                data, self.actor, creating=existing is None,
                initiative=existing if existing is not None and not existing.archived else None,
                any_phase=True)
        except ServiceValidationError as err:
            for key, message in err.errors.items():
                header = _header_for(key)
                if header not in reported:
                    bad(header, str(message))
        except PermissionDenied:
            bad("ref", _("Du har inte behörighet att ändra initiativet."))
        return None
