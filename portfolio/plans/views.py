from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audits.queries import committees_audited_in
from portfolio.auth import permissions
from portfolio.clock import today
from portfolio.followups.models import FollowUpStatus
from portfolio.forms_base import positive_int
from portfolio.initiatives.loading import load_initiative
from portfolio.plans import queries, services
from portfolio.plans.forms import PLAN_STATUS_LABELS, GoalFollowUpForm, GoalForm, GoalLinkForm, PlanForm
from portfolio.plans.models import CommitteePlan, PlanGoal
from portfolio.programme.models import OrgUnit
from portfolio.viewkit import get_or_404, login_required_for, run_form

bp = Blueprint("plans", __name__, template_folder="templates")


login_required_for(bp)


@bp.route("/")
def index():
    year_arg = request.args.get("year", "")
    year = positive_int(year_arg) or 0
    year = year if 2000 <= year <= today().year else today().year
    return render_template("plans/index.html", matrix=queries.matrix(year, today()),
                           audited=committees_audited_in(year),
                           years=range(today().year, 2019, -1), labels=PLAN_STATUS_LABELS,
                           can_edit=permissions.can_manage_plans(current_user))


@bp.route("/committee/<int:committee_id>", methods=["GET", "POST"])
def committee(committee_id: int):
    unit = get_or_404(OrgUnit, committee_id)
    if unit.kind == "forvaltning":
        abort(404)
    form = PlanForm()
    if form.is_submitted():
        permissions.require(permissions.can_manage_plans(current_user))
    return run_form(form, lambda: services.save_plan(unit, form.to_input(), current_user),
                    success=_("Planen är registrerad."),
                    redirect_to=lambda plan: url_for(".plan", plan_id=plan.id),
                    render=lambda status: (render_template(
                        "plans/committee.html", committee=unit, plans=queries.committee_plans(unit.id),
                        form=form, labels=PLAN_STATUS_LABELS,
                        can_edit=permissions.can_manage_plans(current_user)), status),
                    check=lambda: services.check_plan(form.to_input()))


def _render_plan(plan, status=200, form=None, goal_form=None):
    return render_template(
        "plans/plan.html", plan=plan, labels=PLAN_STATUS_LABELS, today=today(),
        form=form or PlanForm(obj=plan), goal_form=goal_form or GoalForm().setup(),
        can_edit=permissions.can_manage_plans(current_user)), status


@bp.route("/<int:plan_id>", methods=["GET", "POST"])
def plan(plan_id: int):
    item = get_or_404(CommitteePlan, plan_id)
    form = PlanForm()
    if not form.is_submitted():
        return _render_plan(item)
    permissions.require(permissions.can_manage_plans(current_user))
    return run_form(form, lambda: services.save_plan(item.committee, form.to_input(), current_user,
                                                     plan=item, expected_version=form.version.data),
                    success=_("Planen är sparad."),
                    redirect_to=lambda _: url_for(".plan", plan_id=item.id),
                    render=lambda status: _render_plan(item, status, form=form),
                    check=lambda: services.check_plan(form.to_input()))


@bp.route("/<int:plan_id>/goals", methods=["POST"])
def add_goal(plan_id: int):
    item = get_or_404(CommitteePlan, plan_id)
    permissions.require(permissions.can_manage_plans(current_user))
    form = GoalForm().setup()
    return run_form(form, lambda: services.save_goal(item, form.to_input(), current_user),
                    success=_("Målet är tillagt."),
                    redirect_to=lambda goal: url_for(".goal", goal_id=goal.id),
                    render=lambda status: _render_plan(item, status, goal_form=form))


@bp.route("/goals/<int:goal_id>", methods=["GET", "POST"])
def goal(goal_id: int):
    item = get_or_404(PlanGoal, goal_id)
    form = GoalFollowUpForm(followed_on=today())
    if form.is_submitted():
        permissions.require(permissions.can_manage_plans(current_user))
    return run_form(form, lambda: services.add_goal_followup(item, form.to_input(), current_user),
                    success=_("Uppföljningen av målet är sparad."),
                    redirect_to=lambda _: url_for(".goal", goal_id=item.id),
                    render=lambda status: (render_template(
                        "plans/goal.html", goal=item, form=form, statuses=FollowUpStatus.labels(),
                        can_edit=permissions.can_manage_plans(current_user)), status))


@bp.route("/initiative/<int:initiative_id>/goals", methods=["POST"])
def link_goal(initiative_id: int):
    """Link (or with remove=1 unlink) an initiative and a plan goal."""
    ini = load_initiative(initiative_id)
    permissions.require(permissions.can_edit_initiative(current_user, ini))
    form = GoalLinkForm()
    form.goal.choices = [(g.id, g.text) for g in queries.all_goals()] + [
        (g.id, g.text) for g in ini.plan_goals]
    linked = request.form.get("remove") != "1"
    target = url_for("initiatives.detail", initiative_id=ini.id) + "#plan-goals"

    def save():
        goal = get_or_404(PlanGoal, form.goal.data)
        services.set_goal_link(ini, goal, linked, current_user)
        return goal

    from portfolio.initiatives.views import render_detail
    return run_form(form, save, success=_("Kopplingen till målet är sparad.") if linked
                    else _("Kopplingen till målet är borttagen."),
                    redirect_to=lambda _: target,
                    render=lambda status: render_detail(load_initiative(initiative_id),
                                                         status=status, goal_form=form))
