from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from portfolio.clock import today
from portfolio.core.health import database_answers
from portfolio.decision_basis.labels import REQUIREMENT_LABELS
from portfolio.decision_basis.links import requirement_url
from portfolio.start.queries import start_page
from portfolio.viewkit import safe_next

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def index():
    """The start page: what waits for the user, one section per role."""
    return render_template("start/index.html", start=start_page(current_user, today()),
                           requirement_labels=REQUIREMENT_LABELS, requirement_url=requirement_url)


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own; the icon is an SVG in static/."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/healthz")
def healthz():
    if not database_answers():
        current_app.logger.error("health check: database did not answer")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/language", methods=["POST"])
def language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("core.index")))
