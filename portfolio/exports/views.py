"""Downloads of the register (filters applied) and follow-up data, and the open-data JSON."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request
from flask_login import login_required

from portfolio.clock import today
from portfolio.exports import formats, tables
from portfolio.initiatives.forms import register_filter_from_args

bp = Blueprint("exports", __name__)


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _export(kind: str, fmt: str):
    flt, _page = register_filter_from_args(request.args)
    columns, rows = ((tables.REGISTER_COLUMNS, tables.register_rows(flt)) if kind == "initiativ"
                     else (tables.FOLLOWUP_COLUMNS, tables.followup_rows(flt)))
    stamp = today().isoformat()
    if fmt == "csv":
        data = formats.to_csv(columns, rows, decimal_comma=request.args.get("decimal") == "comma")
        return _download(data, "text/csv", f"{kind}-{stamp}.csv")   # Flask adds "; charset=utf-8" once
    if fmt == "xlsx":
        return _download(formats.to_xlsx(columns, rows, sheet=kind.capitalize()),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         f"{kind}-{stamp}.xlsx")
    abort(404)


@bp.route("/exports/initiatives.<fmt>")
@login_required
def initiatives(fmt: str):
    return _export("initiativ", fmt)


@bp.route("/exports/followups.<fmt>")
@login_required
def followups(fmt: str):
    return _export("uppfoljningar", fmt)


@bp.route("/open-data/initiatives.json")
def open_data():
    """The portfolio as open data: only what the project office has reviewed and marked
    publishable, nothing archived, no names or e-mail addresses."""
    keep = [i for i, c in enumerate(tables.REGISTER_COLUMNS) if c not in tables.PERSONAL]
    keys = ["ref", "title", "description", "owning_unit", "committee", "participating_units",
            "primary_area", "secondary_areas", "principles", "phase", "start_date", "end_date",
            "need_owner", "project_lead", "benefit_owner", "funding_total_sek", "funding",
            "fte_total", "fte_per_year", "archived", "updated"]
    data = []
    for row, published in tables.open_data_rows():
        item = {keys[i]: row[i] for i in keep}
        for key in ("start_date", "end_date"):
            item[key] = item[key].isoformat() if item[key] else None
        item["funding_total_sek"] = str(item["funding_total_sek"])
        item["fte_total"] = str(item["fte_total"])
        item["published"] = published.isoformat()
        data.append(item)
    return jsonify(generated=today().isoformat(), licence="CC0", initiatives=data)
