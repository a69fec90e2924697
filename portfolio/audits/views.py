from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audits import queries, services
from portfolio.audits.forms import (
    RESPONSE_STATUS_LABELS,
    ActionForm,
    AuditForm,
    QuestionForm,
    RecommendationForm,
    ResponseForm,
)
from portfolio.audits.models import Audit, Recommendation, RecommendationResponse, ResponseAction
from portfolio.auth import permissions
from portfolio.clock import today
from portfolio.forms_base import BaseForm
from portfolio.plans.queries import committees
from portfolio.transactions import transaction
from portfolio.viewkit import get_or_404, login_required_for, run_form

bp = Blueprint("audits", __name__, template_folder="templates")


login_required_for(bp)


def _audit_form(**kwargs) -> AuditForm:
    form = AuditForm(**kwargs)
    form.committee_ids.choices = [(c.id, c.name) for c in committees()]
    return form


@bp.route("/", methods=["GET", "POST"])
def index():
    form = _audit_form()
    if form.is_submitted():
        permissions.require(permissions.can_manage_plans(current_user))
    audits = queries.audits_newest_first()
    return run_form(form, lambda: services.save_audit(form.to_input(), current_user),
                    success=_("Granskningen är registrerad."),
                    redirect_to=lambda audit: url_for(".audit", audit_id=audit.id),
                    render=lambda status: (render_template(
                        "audits/index.html", audits=audits, form=form,
                        can_edit=permissions.can_manage_plans(current_user)), status))


def _recommendation_form() -> RecommendationForm:
    form = RecommendationForm()
    form.committee_ids.choices = [(c.id, c.name) for c in committees()]
    return form


def _render_audit(audit, status=200, rec_form=None, question_form=None):
    return render_template(
        "audits/audit.html", audit=audit, today=today(), labels=RESPONSE_STATUS_LABELS,
        rec_form=rec_form or _recommendation_form(), question_form=question_form or QuestionForm(),
        can_edit=permissions.can_manage_plans(current_user),
        can_answer=lambda r: permissions.can_answer_for(current_user, r.committee_id)), status


@bp.route("/<int:audit_id>")
def audit(audit_id: int):
    return _render_audit(get_or_404(Audit, audit_id))


@bp.route("/<int:audit_id>/edit", methods=["GET", "POST"])
def edit_audit(audit_id: int):
    item = get_or_404(Audit, audit_id)
    permissions.require(permissions.can_manage_plans(current_user))
    form = _audit_form(obj=item)
    if not form.is_submitted():
        form.committee_ids.data = [c.id for c in item.committees]
    return run_form(form, lambda: services.save_audit(form.to_input(), current_user, audit=item,
                                                      expected_version=form.version.data),
                    success=_("Granskningen är sparad."),
                    redirect_to=lambda _: url_for(".audit", audit_id=item.id),
                    render=lambda status: (render_template("audits/edit.html", audit=item, form=form,
                                                           rec_form=None), status))


@bp.route("/recommendations/<int:rec_id>/edit", methods=["GET", "POST"])
def edit_recommendation(rec_id: int):
    rec = get_or_404(Recommendation, rec_id)
    permissions.require(permissions.can_manage_plans(current_user))
    form = _recommendation_form()
    if not form.is_submitted():
        form.code.data, form.text.data = rec.code, rec.text
        form.committee_ids.data = [r.committee_id for r in rec.responses]
        form.version.data = rec.version
    return run_form(form, lambda: services.update_recommendation(rec, form.to_input(), current_user,
                                                                 expected_version=form.version.data),
                    success=_("Rekommendationen är sparad."),
                    redirect_to=lambda _: url_for(".audit", audit_id=rec.audit_id),
                    render=lambda status: (render_template("audits/edit.html", audit=rec.audit, form=None,
                                                           rec_form=form), status))


@bp.route("/<int:audit_id>/questions", methods=["POST"])
def save_question(audit_id: int):
    """Add a question of the audit, or correct the one with the same number."""
    item = get_or_404(Audit, audit_id)
    permissions.require(permissions.can_manage_plans(current_user))
    form = QuestionForm()
    return run_form(form, lambda: services.save_question(item, form.to_input(), current_user),
                    success=_("Revisionsfrågan är sparad."),
                    redirect_to=lambda q: url_for(".audit", audit_id=item.id) + f"#question-{q.number}",
                    render=lambda status: _render_audit(item, status, question_form=form))


@bp.route("/<int:audit_id>/recommendations", methods=["POST"])
def add_recommendation(audit_id: int):
    item = get_or_404(Audit, audit_id)
    permissions.require(permissions.can_manage_plans(current_user))
    form = _recommendation_form()
    return run_form(form, lambda: services.add_recommendation(item, form.to_input(), current_user),
                    success=_("Rekommendationen är tillagd."),
                    redirect_to=lambda _: url_for(".audit", audit_id=item.id),
                    render=lambda status: _render_audit(item, status, rec_form=form))


def _response_form(**kwargs) -> ResponseForm:
    """The committee's own answer deadline is the office's to set: not in others' forms."""
    form = ResponseForm(**kwargs)
    if not permissions.can_manage_plans(current_user):
        del form.answer_deadline
    return form


def _render_response(response, status=200, form=None, action_form=None):
    return render_template(
        "audits/response.html", response=response, today=today(), labels=RESPONSE_STATUS_LABELS,
        form=form or _response_form(obj=response), action_form=action_form or ActionForm(),
        can_answer=permissions.can_answer_for(current_user, response.committee_id)), status


@bp.route("/responses/<int:response_id>", methods=["GET", "POST"])
def response(response_id: int):
    """Everyone reads a committee's answer; the committee's editors and the office write it."""
    item = get_or_404(RecommendationResponse, response_id)
    form = _response_form()
    if not form.is_submitted():
        return _render_response(item)
    permissions.require(permissions.can_answer_for(current_user, item.committee_id))
    return run_form(form, lambda: services.update_response(item, form.to_input(), current_user,
                                                           expected_version=form.version.data),
                    success=_("Svaret är sparat."),
                    redirect_to=lambda _: url_for(".audit", audit_id=item.recommendation.audit_id)
                    + f"#response-{item.id}",
                    render=lambda status: _render_response(item, status, form=form))


@bp.route("/responses/<int:response_id>/actions", methods=["POST"])
def add_action(response_id: int):
    item = get_or_404(RecommendationResponse, response_id)
    permissions.require(permissions.can_answer_for(current_user, item.committee_id))
    form = ActionForm()
    return run_form(form, lambda: services.save_action(item, form.to_input(), current_user),
                    success=_("Åtgärden är sparad."),
                    redirect_to=lambda _: url_for(".response", response_id=item.id),
                    render=lambda status: _render_response(item, status, action_form=form))


@bp.route("/actions/<int:action_id>/done", methods=["POST"])
def action_done(action_id: int):
    action = get_or_404(ResponseAction, action_id)
    item = action.response
    permissions.require(permissions.can_answer_for(current_user, item.committee_id))
    if not BaseForm().validate_on_submit():  # the CSRF token
        abort(400)
    with transaction():
        services.save_action(item, services.ActionInput(text=action.text, owner=action.owner,
                                                        due_date=action.due_date, done=True),
                             current_user, action=action)
    flash(_("Åtgärden är markerad som genomförd."), "success")
    return redirect(url_for(".response", response_id=item.id))
