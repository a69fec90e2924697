"""Account administration (administrators only; checked on every request of the blueprint)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portfolio.admin import job_queries, queries, services
from portfolio.admin.forms import ConfirmForm
from portfolio.auth.models import User
from portfolio.auth.roles import Role
from portfolio.mail import MailError, mail_configured
from portfolio.transactions import transaction
from portfolio.validation import PermissionDenied, ServiceValidationError
from portfolio.viewkit import get_or_404

bp = Blueprint("admin", __name__, template_folder="templates")
NO_STORE = {"Cache-Control": "no-store"}


@bp.before_request
@login_required
def _admins_only():
    if not current_user.has_role(Role.ADMIN):
        abort(403)


@bp.route("/users")
def users():
    return render_template("admin/users.html", users=queries.users(),
                           mail=mail_configured(current_app.config))


@bp.route("/users/<int:user_id>/end-sessions", methods=["GET", "POST"])
def end_sessions(user_id: int):
    user = get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("admin/end_sessions.html", user=user, form=form)
    try:
        with transaction():
            services.end_sessions(user, current_user)
    except PermissionDenied:
        abort(403)
    flash(_("Alla sessioner för %(name)s är avslutade. Hen behöver logga in igen.", name=user.name),
          "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
def reset_link(user_id: int):
    user = get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    error, status, issued = None, 200, None
    try:
        with transaction():
            issued = services.reset_link(
                user, current_user, lambda token: url_for("auth.reset_password", token=token, _external=True))
    except ServiceValidationError as err:
        error, status = " ".join(err.errors.values()), 422
    except MailError as err:
        error, status = _("E-postmeddelandet kunde inte skickas, så ingen länk är skapad: %(reason)s",
                          reason=str(err)), 502
    except PermissionDenied:
        abort(403)
    # The link is on this page once: keep it out of every cache and the back button.
    return render_template("admin/reset_link.html", user=user, issued=issued, error=error), status, NO_STORE


@bp.route("/jobs")
def jobs_list():
    from portfolio.jobs.engine import jobs

    status = request.args.get("status") or ""
    if status and status not in job_queries.STATUS_LABELS:
        status = ""
    engine = jobs()
    if engine.queued:
        try:
            engine.reconcile()
        except Exception:            # Redis down: show what the database knows
            current_app.logger.warning("could not reconcile jobs", exc_info=True)
    return render_template("admin/jobs.html", rows=job_queries.recent_jobs(status or None),
                           status=status, statuses=job_queries.STATUS_LABELS, queued=engine.queued,
                           form=ConfirmForm())


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
def retry_job(job_id: int):
    from portfolio.jobs.engine import JobError, jobs
    from portfolio.jobs.models import BackgroundJob

    record = get_or_404(BackgroundJob, job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        jobs().retry(record)
    except JobError as err:
        flash(str(err), "error")
        return redirect(url_for("admin.jobs_list")), 303
    flash(_("Jobb %(id)d körs igen.", id=job_id) if jobs().queued
          else _("Jobb %(id)d kördes igen: %(status)s.", id=job_id,
                 status=job_queries.STATUS_LABELS[record.status]), "success")
    return redirect(url_for("admin.jobs_list")), 303
