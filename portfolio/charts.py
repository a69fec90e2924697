"""plotly.js served by the app itself (never a CDN): the bundle ships inside the plotly wheel."""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, send_file

bp = Blueprint("charts", __name__)


@bp.route("/assets/plotly.min.js")
def plotly_js():
    path = files("plotly") / "package_data" / "plotly.min.js"
    return send_file(str(path), mimetype="text/javascript", max_age=86400)
