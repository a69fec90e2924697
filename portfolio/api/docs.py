"""Interactive API docs (Swagger UI) served entirely from the app: the page and its assets."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, abort, render_template, send_from_directory, url_for

bp = Blueprint("api_docs", __name__, template_folder="templates")

ASSETS = Path(swagger_ui_bundle.__file__).parent / "vendor"
ALLOWED = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}


def _assets_dir() -> Path:
    # swagger_ui_bundle keeps the files in vendor/swagger-ui-<version>/
    matches = sorted(p for p in ASSETS.iterdir() if p.is_dir())
    return matches[-1] if matches else ASSETS


@bp.route("/docs")
def docs():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


@bp.route("/docs/assets/<path:filename>")
def asset(filename: str):
    if filename not in ALLOWED:
        abort(404)
    return send_from_directory(_assets_dir(), filename, max_age=86400)
