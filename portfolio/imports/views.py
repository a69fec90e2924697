"""Upload page and template download for the import (project office and admin only)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.clock import today
from portfolio.db_statistics import refresh_statistics
from portfolio.imports.forms import ImportForm
from portfolio.imports.reader import MAX_BYTES, MAX_ROWS
from portfolio.imports.service import can_import, import_file
from portfolio.imports.template import build_template
from portfolio.transactions import transaction
from portfolio.viewkit import login_required_for

bp = Blueprint("imports", __name__, template_folder="templates")
login_required_for(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/import", methods=["GET", "POST"])
def upload():
    permissions.require(can_import(current_user))
    form, result, status = ImportForm(), None, 200
    if form.is_submitted():
        status = 422
        if form.validate():
            upload = form.file.data
            with transaction():
                result = import_file(upload.stream.read(MAX_BYTES + 1), upload.filename, current_user,
                                     dry_run=not form.run.data)
            if result.ok and not result.dry_run:
                refresh_statistics(result.created + result.updated)
            status = result.status
    return render_template("imports/upload.html", form=form, result=result,
                           max_mb=MAX_BYTES // (1024 * 1024), max_rows=MAX_ROWS), status


@bp.route("/import/mall.xlsx")
def template():
    permissions.require(can_import(current_user))
    return Response(build_template(), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="importmall-initiativ-{today().isoformat()}.xlsx"'})
