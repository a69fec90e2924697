"""Account administration and the security log (administrators only; checked on every request
of the blueprint, and again in the services)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from portfolio.admin import job_queries, queries, services
from portfolio.admin.forms import AccessForm, ConfirmForm
from portfolio.auth.models import User
from portfolio.auth.roles import Role
from portfolio.auth.security_log import SecurityEventType
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
    flt = queries.UserFilter.from_args(request.args)
    return render_template("admin/users.html", users=queries.users(flt), flt=flt, roles=Role.choices(),
                           mail=mail_configured(current_app.config))


@bp.route("/users/<int:user_id>")
def user_detail(user_id: int):
    user = get_or_404(User, user_id)
    return render_template("admin/user.html", detail=queries.user_detail(user), form=ConfirmForm(),
                           mail=mail_configured(current_app.config))


@bp.route("/users/<int:user_id>/access", methods=["GET", "POST"])
def edit_access(user_id: int):
    """Change the hand-set roles and scopes: fill in, review the change, confirm it."""
    user = get_or_404(User, user_id)
    detail = queries.user_detail(user)
    form = AccessForm(data=None if request.method == "POST" else {
        "roles": sorted(user.roles), "areas": [a.code for a in detail.areas],
        "units": [u.code for u in detail.units]})
    form.set_choices(queries.area_choices(), queries.unit_choices())
    status = 200
    if form.validate_on_submit():
        change = services.AccessChange(*(frozenset(f.data or ()) | {g.code for g in granted if g.mapped}
                                         for f, granted in ((form.roles, detail.roles),
                                                            (form.areas, detail.areas),
                                                            (form.units, detail.units))))
        try:
            if form.confirmed.data != "yes":
                problems = services.validate_access(user, change, current_user)
                if not problems:
                    return render_template("admin/confirm_access.html", detail=detail, form=form,
                                           change=change, labels=_labels(form))
                raise ServiceValidationError(problems)
            with transaction():
                changed = services.change_access(user, change, current_user)
        except PermissionDenied:
            abort(403)
        except ServiceValidationError as err:
            form.attach_errors(err.errors)
            status = 422
        else:
            flash(_("Rollerna och behörigheterna för %(name)s är ändrade.", name=user.name) if changed
                  else _("Inget ändrades för %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id)), 303
    elif request.method == "POST":
        status = 422
    return render_template("admin/access.html", detail=detail, form=form), status


def _labels(form: AccessForm) -> dict[str, dict[str, str]]:
    return {f.name: {str(code): str(label) for code, label in f.choices or []}
            for f in (form.roles, form.areas, form.units)}


ACCOUNT_ACTIONS = {
    "deactivate": services.deactivate,
    "reactivate": services.reactivate,
    "revoke-tokens": services.revoke_tokens,
}


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate, 'revoke-tokens'):action>",
          methods=["GET", "POST"])
def account_action(user_id: int, action: str):
    """Deactivate, reactivate, or revoke every API token: a confirmation page, then the change."""
    user = get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("admin/confirm_action.html", user=user, action=action, form=form)
    try:
        with transaction():
            result = ACCOUNT_ACTIONS[action](user, current_user)
    except PermissionDenied:
        abort(403)
    except ServiceValidationError as err:
        return render_template("admin/confirm_action.html", user=user, action=action, form=form,
                               error=" ".join(err.errors.values())), 422
    flash({"deactivate": _("%(name)s är inaktiverad: alla sessioner och API-nycklar har upphört.",
                           name=user.name),
           "reactivate": _("%(name)s är aktiverad igen och kan logga in.", name=user.name),
           "revoke-tokens": ngettext("%(num)d API-nyckel för %(name)s är återkallad.",
                                     "%(num)d API-nycklar för %(name)s är återkallade.", result or 0,
                                     name=user.name)}[action], "success")
    return redirect(url_for("admin.user_detail", user_id=user.id)), 303


@bp.route("/security-log")
def security_log():
    flt = queries.LogFilter.from_args(request.args)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    per_page = 50
    rows, total = queries.security_log(flt, page, per_page)
    return render_template("admin/security_log.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // per_page)), flt=flt, events=SecurityEventType.choices())


@bp.route("/security-log.csv")
def security_log_csv():
    from portfolio.exports.formats import to_csv

    flt = queries.LogFilter.from_args(request.args)
    columns = ["id", _("Tidpunkt"), _("Händelse (kod)"), _("Händelse"), _("Sätt"), _("Utförd av"),
               _("Gäller"), _("Adress"), _("Detaljer")]
    data = to_csv(columns, queries.security_log_rows(flt), decimal_comma=False)
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="sakerhetslogg.csv"', **NO_STORE})


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
