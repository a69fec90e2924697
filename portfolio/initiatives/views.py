"""Thin views for the register: parse → one service or query → render or redirect."""

from __future__ import annotations

from types import SimpleNamespace as NS

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.changelog.queries import initiative_history
from portfolio.domain import phases as P
from portfolio.forms_base import BaseForm
from portfolio.initiatives import listing, publication, queries, services
from portfolio.initiatives.basis import readers as basis_readers
from portfolio.initiatives.forms import (
    ArchiveForm,
    InitiativeForm,
    PhaseForm,
    RestoreForm,
    register_filter_from_args,
)
from portfolio.initiatives.publication_forms import PublishForm, WithdrawForm
from portfolio.initiatives.requirement_links import requirement_url
from portfolio.labels import PHASE_LABELS, REQUIREMENT_LABELS
from portfolio.plans.forms import GoalLinkForm
from portfolio.plans.queries import all_goals
from portfolio.prioritisation import queries as prio
from portfolio.prioritisation.models import Decision, DecisionBody
from portfolio.viewkit import login_required_for, run_form

bp = Blueprint("initiatives", __name__, template_folder="templates")


login_required_for(bp)


def _load(initiative_id: int):
    ini = queries.get_initiative(initiative_id)
    if ini is None:
        abort(404)
    return ini


@bp.route("/")
def index():
    flt, page = register_filter_from_args(request.args)
    choices = listing.filter_choices()
    return render_template(
        "initiatives/index.html", flt=flt, phases=PHASE_LABELS,
        listing=listing.register_listing(flt, page, current_app.config["PAGE_SIZE"]),
        areas=choices.areas, units=choices.units, sources=choices.sources,
        can_create=permissions.can_create_initiative(current_user))


@bp.route("/<int:initiative_id>")
def detail(initiative_id: int):
    return render_detail(_load(initiative_id))


def render_detail(ini, *, phase_form=None, archive_form=None, restore_form=None,
                  goal_form=None, publish_form=None, withdraw_form=None, status: int = 200):
    """The initiative page; forms passed in are shown with their errors."""
    phase_form = phase_form or PhaseForm(version=ini.version)
    phase_form.phase.choices = [(p, PHASE_LABELS[p]) for p in
                                P.allowed_targets(ini.phase, office=current_user.is_office)]
    return render_template(
        "initiatives/detail.html", ini=ini, phase_form=phase_form,
        can_edit=permissions.can_edit_initiative(current_user, ini),
        archive_form=archive_form or ArchiveForm(version=ini.version),
        restore_form=restore_form or RestoreForm(version=ini.version),
        publish_form=publish_form or PublishForm(version=ini.version),
        withdraw_form=withdraw_form or WithdrawForm(version=ini.version),
        finding_text=publication.finding_text,
        history=initiative_history(ini.id), basis=basis_readers().summary(ini),
        requirement_labels=REQUIREMENT_LABELS, goal_form=goal_form or GoalLinkForm(),
        linkable_goals=[g for g in all_goals() if g not in ini.plan_goals],
        initiative_decisions=prio.decisions(initiative_id=ini.id), bodies=DecisionBody.labels(),
        decision_labels=Decision.labels(), requirement_url=requirement_url,
        overrides=queries.overrides_of(ini.id), show_all_history=request.args.get("history") == "alla",
        priority=prio.initiative_priority(ini.id)), status


def _save(form: InitiativeForm, action, template: str, **context):
    ini = context.get("ini")
    published = ini is not None and ini.published_at is not None
    return run_form(form, lambda: action(form.to_input()), success=_("Initiativet är sparat."),
                    redirect_to=lambda saved: _after_save(saved, published),
                    render=lambda status: (render_template(template, form=form, **context), status),
                    check=lambda: services.validate_input(form.to_input(), current_user,
                                                          creating=ini is None, initiative=ini))


def _after_save(ini, was_published: bool) -> str:
    """Where a saved initiative goes next; the editor is told when the save took it out of the
    open data (its reviewed text changed)."""
    if was_published and ini.published_at is None:
        flash(_("Titeln eller beskrivningen ändrades, så initiativet är inte längre med i öppna data. "
                "Projektkontoret behöver granska det igen innan det publiceras."), "info")
    return url_for(".detail", initiative_id=ini.id)


@bp.route("/new", methods=["GET", "POST"])
def create():
    permissions.require(permissions.can_create_initiative(current_user))
    form = InitiativeForm(phase="ide").setup(creating=True, actor=current_user)
    return _save(form, lambda data: services.create_initiative(data, current_user),
                 "initiatives/form.html", ini=None)


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
def edit(initiative_id: int):
    ini = _load(initiative_id)
    permissions.require(permissions.can_edit_initiative(current_user, ini))
    form = InitiativeForm(obj=_form_object(ini)).setup(creating=False, actor=current_user)
    return _save(form, lambda data: services.update_initiative(
        ini, data, current_user, expected_version=form.version.data),
        "initiatives/form.html", ini=ini)


def _form_object(ini):
    """The initiative as the form expects it (ids for selects, rows for lists)."""
    return NS(
        title=ini.title, description=ini.description, owning_unit=ini.owning_unit_id,
        participating_units=[u.id for u in ini.participating_units],
        primary_area=ini.primary_area_id, secondary_areas=[a.id for a in ini.secondary_areas],
        principles=[p.id for p in ini.principles], start_date=ini.start_date,
        end_date=ini.end_date, need_owner=ini.need_owner, project_lead=ini.project_lead,
        benefit_owner=ini.benefit_owner, version=ini.version,
        funding=[NS(year=f.year, source=f.source_id, amount=f.amount) for f in ini.funding],
        staffing=[NS(year=s.year, fte=s.fte) for s in ini.staffing])


def _post_action(initiative_id: int, form: BaseForm, action, success: str, slot: str):
    """A one-button action from the detail page; on error the page again, with the message by
    the field and a 4xx status. (The service checks who may do what.)"""
    ini = _load(initiative_id)
    permissions.require(permissions.can_edit_initiative(current_user, ini)
                        or (ini.archived and current_user.is_office and slot == "restore_form"))
    if not form.is_submitted():   # a reload of the page a refused POST showed
        return redirect(url_for(".detail", initiative_id=initiative_id))
    return run_form(form, lambda: action(ini, form), success=success,
                    redirect_to=lambda _: url_for(".detail", initiative_id=initiative_id),
                    render=lambda status: render_detail(_load(initiative_id), status=status,
                                                         **{slot: form}))


@bp.route("/<int:initiative_id>/phase", methods=["GET", "POST"])
def change_phase(initiative_id: int):
    form = PhaseForm()
    return _post_action(initiative_id, form, lambda ini, f: services.change_phase(
        ini, f.phase.data, current_user, expected_version=f.version.data, reason=f.reason.data,
        override=bool(f.override.data)), _("Fasen är ändrad."), "phase_form")


@bp.route("/<int:initiative_id>/archive", methods=["GET", "POST"])
def archive(initiative_id: int):
    return _post_action(initiative_id, ArchiveForm(), lambda ini, f: services.set_archived(
        ini, True, current_user, expected_version=f.version.data, reason=f.reason.data),
        _("Initiativet är arkiverat. Det finns kvar med all historik."), "archive_form")


@bp.route("/<int:initiative_id>/restore", methods=["GET", "POST"])
def restore(initiative_id: int):
    return _post_action(initiative_id, RestoreForm(), lambda ini, f: services.set_archived(
        ini, False, current_user, expected_version=f.version.data),
        _("Initiativet är återställt."), "restore_form")


def _publish(ini, form: PublishForm):
    """Mark publishable; a refusal for personal data keeps what was found for the page."""
    try:
        return publication.publish(ini, current_user, bool(form.confirm.data),
                                   expected_version=form.version.data)
    except publication.PersonalDataFound as err:
        form.findings = err.findings
        raise


@bp.route("/<int:initiative_id>/publish", methods=["GET", "POST"])
def publish(initiative_id: int):
    return _post_action(initiative_id, PublishForm(), _publish,
                        _("Initiativet är markerat som publicerbart och finns nu i öppna data."),
                        "publish_form")


@bp.route("/<int:initiative_id>/withdraw", methods=["GET", "POST"])
def withdraw(initiative_id: int):
    return _post_action(initiative_id, WithdrawForm(), lambda ini, f: publication.withdraw(
        ini, current_user, f.reason.data, expected_version=f.version.data),
        _("Initiativet är borttaget från öppna data."), "withdraw_form")


@bp.route("/open-data")
def open_data_review():
    """The project office's work list: initiatives not in the open data, each with what the
    personal-data check finds in its text."""
    permissions.require(current_user.is_office)
    return render_template("initiatives/open_data_review.html", rows=publication.awaiting_review(),
                           published=publication.published_count())
