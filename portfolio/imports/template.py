"""The import template: an xlsx with the import headers, instructions, and drop-down lists built
from the current reference data (units, areas, phases)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portfolio.imports.reader import MAX_BYTES, MAX_ROWS, PREFERRED_SHEET
from portfolio.imports.rows import IMPORT_COLUMNS
from portfolio.labels import PHASE_LABELS
from portfolio.programme import queries as ref

LIST_SHEET = "Listor"


def _instructions() -> list[tuple[str, str]]:
    return [
        ("Referens", _("Lämna tom för ett nytt initiativ (referensen skapas då). Finns referensen redan "
                       "uppdateras det initiativet; en ny referens skapar ett initiativ med den referensen. "
                       "Samma fil två gånger ändrar ingenting andra gången.")),
        ("Titel", _("Obligatorisk. Högst 200 tecken.")),
        ("Beskrivning", _("Fritext.")),
        ("Ägande enhet", _("Obligatorisk. Enhetskod, t.ex. SBF (se fliken Listor).")),
        ("Deltagande enheter", _("Enhetskoder åtskilda med kommatecken, t.ex. KLK, SOF.")),
        ("Primärt område", _("Obligatorisk. Områdets namn (se fliken Listor).")),
        ("Sekundära områden", _("Områdesnamn åtskilda med kommatecken.")),
        ("Principer", _("Principernas namn åtskilda med kommatecken.")),
        ("Fas", _("Fasens namn, t.ex. Idé eller Genomförande. Tom: Idé för nya initiativ, oförändrad "
                  "för befintliga.")),
        ("Startdatum", _("Datum som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.")),
        ("Slutdatum", _("Datum som ÅÅÅÅ-MM-DD. Inte före startdatum.")),
        ("Behovsägare", _("Namn, högst 200 tecken.")),
        ("Projektledare", _("Namn, högst 200 tecken.")),
        ("Nyttoägare", _("Namn, högst 200 tecken.")),
        ("Finansiering per år och källa", _("År, källa, kolon och belopp i kronor; flera åtskilda med "
                                            "semikolon. Exempel: 2025 Egen ram: 450000; 2026 Statsbidrag: "
                                            "120000,50")),
        ("Årsarbetare per år", _("År, kolon och antal årsarbetare; flera åtskilda med semikolon. "
                                 "Exempel: 2025: 1,5; 2026: 2")),
        ("Arkiverad", _("ja eller nej (tom betyder nej).")),
    ]


def _general() -> list[str]:
    return [
        _("Fyll i en rad per initiativ på fliken %(sheet)s. Rad 1 ska innehålla rubrikerna.",
          sheet=PREFERRED_SHEET),
        _("En exportfil från registret (Excel eller CSV) kan importeras direkt. Kolumnerna Nämnd, "
          "Finansiering totalt, Årsarbetare totalt och Senast ändrad räknas fram och läses inte."),
        _("En kolumn som saknas i filen lämnar fältet oförändrat på befintliga initiativ. En tom cell "
          "tömmer fältet."),
        _("Importen sparar allt eller ingenting. Provkör först: då visas alla problem med rad och "
          "kolumn, och ingenting sparas."),
        _("CSV-filer får ha semikolon eller kommatecken som avgränsare och decimalkomma."),
        _("Högst %(rows)d rader och %(mb)d MB per fil.", rows=MAX_ROWS, mb=MAX_BYTES // (1024 * 1024)),
    ]


def build_template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = PREFERRED_SHEET
    sheet.append(list(IMPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(IMPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)

    help_sheet = book.create_sheet(_("Instruktioner"))
    help_sheet.append([_("Import av initiativ")])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for line in _general():
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append([_("Kolumn"), _("Så fyller du i")])
    for cell in help_sheet[help_sheet.max_row]:
        cell.font = Font(bold=True)
    for header, text in _instructions():
        help_sheet.append([header, text])
    help_sheet.column_dimensions["A"].width = 32
    help_sheet.column_dimensions["B"].width = 100
    for row in help_sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    lists = book.create_sheet(LIST_SHEET)
    units = ref.org_units()
    columns = [
        (_("Enhetskod"), [u.code for u in units]),
        (_("Enhet"), [u.name for u in units]),
        (_("Prioriterat område"), [a.name for a in ref.areas()]),
        (_("Princip"), [p.name for p in ref.principles()]),
        (_("Fas"), [str(label) for label in PHASE_LABELS.values()]),
        (_("Finansieringskälla"), [s.name for s in ref.funding_sources()]),
    ]
    for col, (title, values) in enumerate(columns, start=1):
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value)
        lists.column_dimensions[letter].width = max([len(title)] + [len(v) for v in values]) + 2

    def list_range(col: int) -> str:
        letter = get_column_letter(col)
        return f"{LIST_SHEET}!${letter}$2:${letter}${max(2, len(columns[col - 1][1]) + 1)}"

    for header, formula in (("Ägande enhet", list_range(1)), ("Primärt område", list_range(3)),
                            ("Fas", list_range(5)), ("Arkiverad", '"ja,nej"')):
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                    errorTitle=_("Ogiltigt värde"),
                                    error=_("Välj ett värde i listan (se fliken Listor)."))
        letter = get_column_letter(IMPORT_COLUMNS.index(header) + 1)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
