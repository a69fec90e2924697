from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from sqlalchemy import text

from portfolio.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return redirect(url_for("initiatives.index"))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own; the icon is an SVG in static/."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        current_app.logger.exception("health check: database did not answer")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/language", methods=["POST"])
def language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.index")
    return redirect(target)
