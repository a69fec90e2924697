"""The upload form: one file, and a choice between a dry run and the real import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from portfolio.forms_base import BaseForm


class ImportForm(BaseForm):
    file = FileField(_l("Fil att importera (Excel .xlsx eller CSV)"), validators=[
        FileRequired(_l("Välj en fil att importera.")),
        FileAllowed(["xlsx", "csv"], _l("Filen ska vara en Excel-fil (.xlsx) eller en CSV-fil (.csv)."))])
    dry_run = SubmitField(_l("Provkör (ingenting sparas)"))
    run = SubmitField(_l("Importera"))
