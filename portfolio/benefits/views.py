from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.benefits import services
from portfolio.benefits.forms import BenefitForm, CaseForm, CostLineForm
from portfolio.benefits.models import Beneficiary, Benefit, BenefitKind, CostCategory, CostLine
from portfolio.forms_base import BaseForm
from portfolio.initiatives.loading import load_initiative
from portfolio.transactions import transaction
from portfolio.validation import ConflictError
from portfolio.viewkit import conflict_message, load_child, login_required_for, run_form

bp = Blueprint("benefits", __name__, template_folder="templates")


login_required_for(bp)


def _case_form(ini, case) -> CaseForm:
    if case is None:
        data = services.case_defaults(ini)
    else:
        data = {"start_year": case.start_year, "horizon": case.horizon,
                "discount_rate": case.discount_rate, "hourly_cost": case.hourly_cost,
                "version": case.version}
    data["discount_rate"] = (data["discount_rate"] * 100).normalize()
    return CaseForm(data=data)


def _render_case(ini, status: int = 200, case_form=None, cost_form=None):
    case = services.get_case(ini.id)
    result = services.calculate(case) if case else None
    return render_template(
        "benefits/case.html", ini=ini, case=case, result=result,
        case_form=case_form or _case_form(ini, case), cost_form=cost_form or CostLineForm(),
        categories=CostCategory.labels(), kinds=BenefitKind.labels(),
        beneficiaries=Beneficiary.labels(), planned=services.planned_per_year,
        can_edit=permissions.can_edit_initiative(current_user, ini) and not ini.archived), status


@bp.route("/<int:initiative_id>/benefit-case", methods=["GET", "POST"])
def case(initiative_id: int):
    ini = load_initiative(initiative_id)
    if not (form := CaseForm()).is_submitted():
        return _render_case(ini)
    ini = load_initiative(initiative_id, edit=True)
    return run_form(form, lambda: services.save_case(ini, form.to_input(), current_user,
                                                     expected_version=form.version.data),
                    success=_("Kalkylens grunduppgifter är sparade."),
                    redirect_to=lambda _: url_for(".case", initiative_id=ini.id),
                    render=lambda status: _render_case(ini, status, case_form=form))


@bp.route("/<int:initiative_id>/benefit-case/costs", methods=["POST"])
def add_cost(initiative_id: int):
    ini = load_initiative(initiative_id, edit=True)
    form = CostLineForm()
    return run_form(form, lambda: services.save_cost_line(ini, form.to_input(), current_user),
                    success=_("Kostnaden är tillagd."),
                    redirect_to=lambda _: url_for(".case", initiative_id=ini.id) + "#costs",
                    render=lambda status: _render_case(ini, status, cost_form=form))


@bp.route("/<int:initiative_id>/benefit-case/costs/<int:line_id>/edit", methods=["GET", "POST"])
def edit_cost(initiative_id: int, line_id: int):
    ini = load_initiative(initiative_id, edit=True)
    line = load_child(CostLine, line_id, ini)
    form = CostLineForm(data=CostLineForm.from_model(line))
    return run_form(form, lambda: services.save_cost_line(ini, form.to_input(), current_user, line=line,
                                                          expected_version=form.version.data),
                    success=_("Kostnaden är sparad."),
                    redirect_to=lambda _: url_for(".case", initiative_id=ini.id) + "#costs",
                    render=lambda status: (render_template("benefits/cost_form.html", ini=ini,
                                                           form=form, line=line), status))


@bp.route("/<int:initiative_id>/benefit-case/costs/<int:line_id>/remove", methods=["POST"])
def remove_cost(initiative_id: int, line_id: int):
    ini = load_initiative(initiative_id, edit=True)
    line = load_child(CostLine, line_id, ini)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        with transaction():
            services.remove_cost_line(ini, line, current_user, expected_version=request.form.get("version"))
    except ConflictError:
        flash(conflict_message(), "error")
        return redirect(url_for(".case", initiative_id=ini.id) + "#costs")
    flash(_("Kostnadsraden är borttagen (den finns kvar i historiken)."), "success")
    return redirect(url_for(".case", initiative_id=ini.id) + "#costs")


def _benefit_form(ini, benefit: Benefit | None):
    form = BenefitForm(obj=benefit)
    if benefit is None and not form.is_submitted():
        form.realisation_share.data = Decimal(100)
    return run_form(form, lambda: services.save_benefit(ini, form.to_input(), current_user,
                                                        benefit=benefit,
                                                        expected_version=form.version.data),
                    success=_("Nyttan är sparad."),
                    redirect_to=lambda _: url_for(".case", initiative_id=ini.id) + "#benefits",
                    render=lambda status: (render_template("benefits/benefit_form.html", ini=ini,
                                                           form=form, benefit=benefit), status))


@bp.route("/<int:initiative_id>/benefits/new", methods=["GET", "POST"])
def create_benefit(initiative_id: int):
    return _benefit_form(load_initiative(initiative_id, edit=True), None)


@bp.route("/<int:initiative_id>/benefits/<int:benefit_id>/edit", methods=["GET", "POST"])
def edit_benefit(initiative_id: int, benefit_id: int):
    ini = load_initiative(initiative_id, edit=True)
    return _benefit_form(ini, load_child(Benefit, benefit_id, ini))
