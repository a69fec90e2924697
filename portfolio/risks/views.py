from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.initiatives.loading import load_initiative
from portfolio.programme.services import current_programme
from portfolio.risks import queries, services
from portfolio.risks.forms import NoRisksForm, RiskForm
from portfolio.risks.models import Risk, RiskKind, RiskStatus
from portfolio.viewkit import load_child, login_required_for, run_form

bp = Blueprint("risks", __name__, template_folder="templates")


login_required_for(bp)


def _render_index(ini, status: int = 200, no_risks_form=None):
    assessment = services.get_assessment(ini.id)
    form = no_risks_form or NoRisksForm(
        no_significant_risks=bool(assessment and assessment.no_significant_risks),
        reason=assessment.reason if assessment else None)
    return render_template(
        "risks/index.html", ini=ini, ov=queries.overview(ini.id), assessment=assessment,
        no_risks_form=form, scale=current_programme().risk, kinds=RiskKind.labels(),
        statuses=RiskStatus.labels(), categories={c.code: c.name for c in current_programme().risk_categories},
        can_edit=permissions.can_edit_initiative(current_user, ini) and not ini.archived), status


@bp.route("/<int:initiative_id>/risks/")
def index(initiative_id: int):
    return _render_index(load_initiative(initiative_id))


@bp.route("/<int:initiative_id>/risks/assessment", methods=["POST"])
def assessment(initiative_id: int):
    ini = load_initiative(initiative_id, edit=True)
    form = NoRisksForm()
    return run_form(form, lambda: services.set_no_significant_risks(
        ini, bool(form.no_significant_risks.data), form.reason.data, current_user),
        success=_("Riskbedömningen är sparad."),
        redirect_to=lambda _: url_for(".index", initiative_id=ini.id),
        render=lambda status: _render_index(ini, status, form))


def _render_form(ini, form: RiskForm, risk: Risk | None, status: int = 200):
    """The form with the score and band before and after mitigation as the server sees them
    (risk-score.js keeps them up to date while the user chooses)."""
    return render_template(
        "risks/form.html", ini=ini, form=form, risk=risk, bands=queries.bands_for_script(),
        before=queries.score_preview(form.probability.data, form.consequence.data),
        after=queries.score_preview(form.residual_probability.data,
                                    form.residual_consequence.data)), status


def _risk_form(ini, risk: Risk | None):
    form = RiskForm(obj=risk).setup()
    return run_form(form, lambda: services.save_risk(
        ini, form.to_input(), current_user, risk=risk, expected_version=form.version.data),
        success=_("Risken är sparad."),
        redirect_to=lambda _: url_for(".index", initiative_id=ini.id),
        render=lambda status: _render_form(ini, form, risk, status),
        check=lambda: services.validate_risk(form.to_input()))


@bp.route("/<int:initiative_id>/risks/new", methods=["GET", "POST"])
def create(initiative_id: int):
    return _risk_form(load_initiative(initiative_id, edit=True), None)


@bp.route("/<int:initiative_id>/risks/<int:risk_id>/edit", methods=["GET", "POST"])
def edit(initiative_id: int, risk_id: int):
    ini = load_initiative(initiative_id, edit=True)
    return _risk_form(ini, load_child(Risk, risk_id, ini))
