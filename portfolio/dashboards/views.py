from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portfolio.clock import today
from portfolio.dashboards import host
from portfolio.dashboards.contract import Filters
from portfolio.domain import phases as P
from portfolio.forms_base import positive_int
from portfolio.plans.queries import committees
from portfolio.plotting import figure_dict
from portfolio.programme import queries as ref
from portfolio.viewkit import login_required_for

bp = Blueprint("dashboards", __name__, template_folder="templates")


login_required_for(bp)


def filters_from_args(args) -> Filters:
    """Validated filters (the host's one validator): on a page, a bad value falls back to its
    default rather than an error."""
    return host.checked_filters(positive_int(args.get("year", "")), positive_int(args.get("committee", "")),
                                positive_int(args.get("area", "")))[0]


@bp.route("/")
def index():
    return render_template("dashboards/index.html", dashboards=host.visible_to(current_user),
                           current_year=today().year)


# The yes/no conditions whose shares answer the audit's questions, in words (see the reader's
# `_metric`); the evidence page lists the initiatives behind each share.
EVIDENCE_METRICS = {
    "goal_linked": _l("kopplade till ett mål i en nämnds plan"),
    "priority_area": _l("kopplade till ett prioriterat område"),
    "owners_named": _l("med namngiven behovsägare, projektledare och nyttoägare"),
    "needs_and_case": _l("med klar behovsanalys och nyttokalkyl"),
    "several_units": _l("med flera deltagande enheter"),
    "involvement_inclusion": _l("med dokumenterad tidig involvering och digital inkludering"),
    "risk_analysis": _l("med riskanalys"),
    "evaluation": _l("utvärderade"),
    "followed_up": _l("uppföljda under året"),
}


@bp.route("/underlag")
def evidence():
    """The records an answer was computed from: the initiatives a share counts for one year (as
    it was then) and, when given, one committee, each marked as meeting the condition or not."""
    metric = request.args.get("metric", "")
    phases = tuple(p for p in request.args.get("phases", "").split(",") if p in P.ALL_PHASES)
    if metric not in EVIDENCE_METRICS or not phases:
        abort(404)
    filters = filters_from_args(request.args)
    members = host.evidence(filters, metric, phases)
    committee = next((c for c in committees() if c.id == filters.committee_id), None)
    return render_template("dashboards/evidence.html", members=members, filters=filters, metric=metric,
                           metric_label=EVIDENCE_METRICS[metric], phases=phases, committee=committee,
                           question=positive_int(request.args.get("fraga", "")))


@bp.route("/<dashboard_id>")
def show(dashboard_id: str):
    plugin = host.plugins().get(dashboard_id)
    if plugin is None or plugin not in host.visible_to(current_user):
        abort(404)
    filters = filters_from_args(request.args)
    result = host.run_dashboard(plugin, filters)
    return render_template(
        "dashboards/show.html", plugin=plugin, result=result, filters=filters,
        figures={i: figure_dict(p.figure) for i, p in enumerate(result.panels) if p.figure is not None},
        committees=committees(), areas=ref.areas(), years=range(today().year, 2019, -1),
        dashboards=host.visible_to(current_user), is_admin=current_user.has_role("admin"),
        demo=host.demo_share(filters))
