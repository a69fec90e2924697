from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.benefits import services as benefit_services
from portfolio.benefits.forms import BENEFIT_KIND_LABELS, FREQUENCY_LABELS
from portfolio.benefits.models import Benefit
from portfolio.clock import today
from portfolio.extensions import db
from portfolio.followups import queries, services
from portfolio.followups.benefit_chart import benefit_figure, benefit_summary
from portfolio.followups.forms import (
    BENEFIT_STATUS_LABELS,
    GOALS_LABELS,
    STATUS_LABELS,
    BenefitStatusForm,
    EvaluationForm,
    FollowUpForm,
    MeasurementForm,
)
from portfolio.followups.models import FollowUp
from portfolio.forms_base import positive_int
from portfolio.initiatives.loading import load_initiative
from portfolio.initiatives.queries import search_text
from portfolio.programme.services import current_programme
from portfolio.viewkit import load_child, login_required_for, run_form, safe_next

bp = Blueprint("followups", __name__, template_folder="templates")


login_required_for(bp)


def _can_edit(ini) -> bool:
    return permissions.can_edit_initiative(current_user, ini)


# --- a benefit and its measurements ---------------------------------------------------------

def _render_benefit(ini, benefit, status=200, measurement_form=None, status_form=None):
    rows = queries.measurements(benefit.id)
    latest = rows[-1].value if rows else None
    share = queries.realised_share(benefit.baseline, benefit.target, latest)
    case = benefit.case
    return render_template(
        "followups/benefit.html", ini=ini, benefit=benefit, measurements=rows, share=share,
        figure=benefit_figure(benefit, rows), summary=benefit_summary(benefit, rows, share),
        planned=benefit_services.planned_per_year(benefit, case) if case else {},
        realised=queries.realised_per_year(benefit.id), kinds=BENEFIT_KIND_LABELS,
        frequencies=FREQUENCY_LABELS, statuses=BENEFIT_STATUS_LABELS,
        form=measurement_form or MeasurementForm(measured_on=today()),
        status_form=status_form or BenefitStatusForm(status=benefit.status),
        can_edit=_can_edit(ini), today=today()), status


@bp.route("/initiatives/<int:initiative_id>/benefits/<int:benefit_id>", methods=["GET", "POST"])
def benefit(initiative_id: int, benefit_id: int):
    ini = load_initiative(initiative_id)
    item = load_child(Benefit, benefit_id, ini)
    form = MeasurementForm()
    if not form.is_submitted():
        return _render_benefit(ini, item)
    permissions.require(_can_edit(ini))
    return run_form(form, lambda: services.log_measurement(ini, item, form.to_input(), current_user),
                    success=_("Mätningen är sparad."),
                    redirect_to=lambda _: safe_next(request.form.get("next"), url_for(
                        ".benefit", initiative_id=ini.id, benefit_id=item.id)),
                    render=lambda status: _render_benefit(ini, item, status, measurement_form=form))


@bp.route("/initiatives/<int:initiative_id>/benefits/<int:benefit_id>/status", methods=["POST"])
def benefit_status(initiative_id: int, benefit_id: int):
    ini = load_initiative(initiative_id)
    permissions.require(_can_edit(ini))
    item = load_child(Benefit, benefit_id, ini)
    form = BenefitStatusForm()
    return run_form(form, lambda: services.set_benefit_status(ini, item, form.to_input(),
                                                              actor=current_user),
                    success=_("Nyttans status är ändrad."),
                    redirect_to=lambda _: url_for(".benefit", initiative_id=ini.id, benefit_id=item.id),
                    render=lambda status: _render_benefit(ini, item, status, status_form=form))


# --- period follow-ups ----------------------------------------------------------------------

def _render_followups(ini, form, status=200, followup=None):
    return render_template(
        "followups/followups.html", ini=ini, rows=queries.followups_of(ini.id), form=form, followup=followup,
        statuses=STATUS_LABELS, periods={p.code: p.name for p in current_programme().followup_periods},
        budget=ini.total_funding, can_edit=_can_edit(ini)), status


@bp.route("/initiatives/<int:initiative_id>/followups", methods=["GET", "POST"])
def followups(initiative_id: int):
    ini = load_initiative(initiative_id)
    period = services.proposed_period(ini.id, today())   # the next period without a follow-up
    form = FollowUpForm(year=period.year, period=period.code).setup()
    if not form.is_submitted():
        latest = queries.latest_followup(ini.id)
        if latest:  # start from the previous values
            form.progress.data, form.cost_to_date.data = latest.progress, latest.cost_to_date
        return _render_followups(ini, form)
    permissions.require(_can_edit(ini))
    return run_form(form, lambda: services.save_followup(ini, form.to_input(), current_user),
                    success=_("Uppföljningen är sparad."),
                    redirect_to=lambda _: safe_next(request.form.get("next"),
                                                    url_for(".followups", initiative_id=ini.id)),
                    render=lambda status: _render_followups(ini, form, status))


@bp.route("/initiatives/<int:initiative_id>/followups/<int:followup_id>/edit", methods=["GET", "POST"])
def edit_followup(initiative_id: int, followup_id: int):
    ini = load_initiative(initiative_id)
    permissions.require(_can_edit(ini))
    row = load_child(FollowUp, followup_id, ini)
    form = FollowUpForm(obj=row).setup()
    return run_form(form, lambda: services.save_followup(ini, form.to_input(), current_user,
                                                         followup=row, expected_version=form.version.data),
                    success=_("Uppföljningen är sparad."),
                    redirect_to=lambda _: url_for(".followups", initiative_id=ini.id),
                    render=lambda status: _render_followups(ini, form, status, followup=row))


# --- evaluation -----------------------------------------------------------------------------

@bp.route("/initiatives/<int:initiative_id>/evaluation", methods=["GET", "POST"])
def evaluation(initiative_id: int):
    ini = load_initiative(initiative_id)
    existing = services.get_evaluation(ini.id)
    form = EvaluationForm(obj=existing)
    if form.is_submitted():
        permissions.require(_can_edit(ini))
    return run_form(form, lambda: services.save_evaluation(ini, form.to_input(), current_user,
                                                           expected_version=form.version.data),
                    success=_("Utvärderingen är sparad."),
                    redirect_to=lambda _: url_for(".evaluation", initiative_id=ini.id),
                    render=lambda status: (render_template(
                        "followups/evaluation.html", ini=ini, form=form, evaluation=existing,
                        goals=GOALS_LABELS, can_edit=_can_edit(ini)), status))


# --- to-do list and lessons -----------------------------------------------------------------

@bp.route("/todo")
def todo():
    return render_template("followups/todo.html", todo=queries.todo(current_user, today()),
                           periods={p.code: p.name for p in current_programme().followup_periods},
                           measurement_form=MeasurementForm(measured_on=today()),
                           frequencies=FREQUENCY_LABELS)


# --- the project office's one-off reminder about missing follow-ups -----------------------------

def _reminder_period():
    """The period named in the request (year and code), or the one "Att göra" shows now."""
    from portfolio.domain import schedule

    definitions = current_programme().followup_periods
    year = positive_int(request.values.get("year", ""), upper=2100)
    code = request.values.get("period")
    if year is None and code is None:
        period = schedule.current_period(today(), definitions)
        return period.year, period.code
    if year is None or year < 2000 or code not in {d.code for d in definitions}:
        abort(404)
    return year, code


@bp.route("/todo/period-reminder", methods=["GET", "POST"])
def period_reminder():
    """Confirm, then send (as a background job) a reminder to the owners of every initiative
    whose follow-up for the period is missing. The project office only; once a day per period
    (a second click gets the first job)."""
    from portfolio.jobs.engine import jobs
    from portfolio.jobs.models import DONE, FAILED
    from portfolio.mail import mail_configured
    from portfolio.reminders.forms import PeriodReminderForm
    from portfolio.reminders.jobs import PERIOD
    from portfolio.reminders.runs import plan_period_reminder

    permissions.require(current_user.is_office)
    year, code = _reminder_period()
    form = PeriodReminderForm(year=year, period=code)
    if form.validate_on_submit():
        sent_on = today().isoformat()
        record = jobs().enqueue(PERIOD, created_by_id=current_user.id,
                                dedupe_key=f"{PERIOD}:{year}:{code}:{sent_on}",
                                year=year, code=code, day=sent_on)
        db.session.refresh(record)
        result = record.result or {}
        if record.status == DONE and result.get("skipped_reason") == "no-smtp":
            flash(_("Ingen e-postserver är inställd, så ingen påminnelse skickades."), "warning")
        elif record.status == DONE:
            message = ngettext("Påminnelsen om %(period)s %(year)d är skickad till %(num)d person.",
                               "Påminnelsen om %(period)s %(year)d är skickad till %(num)d personer.",
                               result.get("sent", 0), period=_period_name(code), year=year)
            if result.get("skipped"):
                message += " " + ngettext("%(num)d hade redan fått den i dag.",
                                          "%(num)d hade redan fått den i dag.", result["skipped"])
            flash(message, "success")
        elif record.status == FAILED:
            flash(_("Påminnelsen kunde inte skickas: %(error)s", error=record.error or ""), "error")
        else:
            flash(_("Påminnelsen om %(period)s %(year)d skickas nu i bakgrunden.",
                    period=_period_name(code), year=year), "info")
        return redirect(url_for(".todo", _anchor="per-committee-h"))
    if request.method == "POST":
        abort(400)
    plan = plan_period_reminder(year, code)
    return render_template("followups/period_reminder.html", plan=plan, form=form, year=year,
                           code=code, mail_on=mail_configured(current_app.config))


def _period_name(code: str) -> str:
    return next((d.name for d in current_programme().followup_periods if d.code == code), code)


@bp.route("/lessons")
def lessons():
    q = search_text(request.args.get("q"))
    page = positive_int(request.args.get("page", "1"), upper=10**6) or 1
    rows, total = queries.lessons(q, page, current_app.config["PAGE_SIZE"])
    return render_template("followups/lessons.html", rows=rows, total=total, q=q, page=page,
                           per_page=current_app.config["PAGE_SIZE"], goals=GOALS_LABELS)
