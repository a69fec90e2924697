"""Plotly figures for pages: user text escaped, Swedish labels, served with the app's own
plotly.js (never a CDN). Every chart on a page comes with a table equivalent."""

from __future__ import annotations

import json
from importlib.resources import files

import plotly.graph_objects as go
from flask import Blueprint, Response, send_file
from markupsafe import escape

bp = Blueprint("charts", __name__)

PALETTE = ["#00476b", "#b35806", "#1d6b32", "#7b3294", "#a3161c", "#4a525c"]
# Markers and dashes so series differ without colour.
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def safe(text) -> str:
    """User text for a chart label or hover text: plotly renders a subset of HTML (links
    included), so everything is escaped."""
    return str(escape("" if text is None else text))


def base_layout(title: str, x_title: str = "", y_title: str = "") -> dict:
    return dict(
        template="none", title=dict(text=safe(title), x=0, font=dict(size=16)),
        font=dict(family="system-ui, sans-serif", size=13, color="#1b1f24"),
        xaxis=dict(title=dict(text=safe(x_title)), gridcolor="#e3e7eb"),
        yaxis=dict(title=dict(text=safe(y_title)), gridcolor="#e3e7eb", separatethousands=True),
        margin=dict(l=60, r=20, t=50, b=50), legend=dict(orientation="h", y=-0.2),
        separators=", ", colorway=PALETTE, hoverlabel=dict(namelength=-1))


def figure_dict(fig: go.Figure) -> dict:
    """The figure as plain JSON data, for `|tojson` into the page."""
    return json.loads(fig.to_json())


@bp.route("/assets/plotly.min.js")
def plotly_js():
    path = files("plotly") / "package_data" / "plotly.min.js"
    response: Response = send_file(str(path), mimetype="text/javascript", max_age=86400)
    return response

