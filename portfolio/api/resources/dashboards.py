"""KS dashboards as JSON: each panel's plotly figure (JSON) and its table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from portfolio.api.blueprint import Blueprint
from portfolio.api.errors import api_abort
from portfolio.api.fields import QueryId, StrictSchema
from portfolio.dashboards import host
from portfolio.dashboards.contract import Link

blp = Blueprint("api_dashboards", __name__, description="Uppföljningens instrumentpaneler (plugins) som JSON.")


class DashboardOut(ma.Schema):
    id = fields.String()
    title = fields.String()
    description = fields.String()
    audience = fields.String()


class TableOut(ma.Schema):
    caption = fields.String()
    columns = fields.List(fields.String())
    rows = fields.List(fields.List(fields.Raw(allow_none=True)))


class LinkOut(ma.Schema):
    label = fields.String()
    href = fields.String()


class PanelOut(ma.Schema):
    title = fields.String()
    summary = fields.String()
    width = fields.String()
    figure = fields.Dict(allow_none=True, metadata={"description": "plotly-figur som JSON"})
    table = fields.Nested(TableOut, allow_none=True)
    links = fields.List(fields.Nested(LinkOut))
    error = fields.String(allow_none=True)


class DashboardResultOut(DashboardOut):
    year = fields.Integer()
    committee_id = fields.Integer(allow_none=True)
    area_id = fields.Integer(allow_none=True)
    panels = fields.List(fields.Nested(PanelOut))


class DashboardQuery(StrictSchema):
    year = fields.Integer(load_default=None, metadata={"description": "År (standard: innevarande)"})
    committee = QueryId(load_default=None)
    area = QueryId(load_default=None)


def _cell(value):
    if isinstance(value, Link):
        return {"text": _cell(value.text), "href": value.href}
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _describe(plugin) -> dict:
    return {"id": plugin.id, "title": str(plugin.title), "description": str(getattr(plugin, "description", "")),
            "audience": plugin.audience}


@blp.route("/dashboards")
@blp.response(200, DashboardOut(many=True))
def list_dashboards():
    """Instrumentpaneler du kan se"""
    return [_describe(p) for p in host.visible_to(current_user)]


@blp.route("/dashboards/<dashboard_id>")
@blp.arguments(DashboardQuery, location="query", unknown=ma.RAISE)
@blp.response(200, DashboardResultOut)
def get_dashboard(args, dashboard_id: str):
    """En instrumentpanel för ett år (och ev. nämnd eller område)"""
    plugin = host.plugins().get(dashboard_id)
    if plugin is None or plugin not in host.visible_to(current_user):
        api_abort(404)
    filters, errors = host.checked_filters(args["year"], args["committee"], args["area"])
    if errors:
        api_abort(422, errors={"query": {key: [message] for key, message in errors.items()}})
    result = host.run_dashboard(plugin, filters)
    panels = [{
        "title": str(p.title), "summary": str(p.summary), "width": p.width, "figure": p.figure,
        "table": None if p.table is None else {
            "caption": str(p.table.caption), "columns": [str(c) for c in p.table.columns],
            "rows": [[_cell(v) for v in row] for row in p.table.rows]},
        "links": [{"label": str(label), "href": href} for label, href in p.links],
        "error": (p.error if current_user.has_role("admin") else _("Panelen kunde inte byggas.")) if p.error else None,
    } for p in result.panels]
    return _describe(plugin) | {"year": filters.year, "committee_id": filters.committee_id,
                                "area_id": filters.area_id, "panels": panels}
