from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.clock import today
from portfolio.domain.scoring import ScoringError, check_weights
from portfolio.forms_base import BaseForm, positive_int
from portfolio.initiatives import queries as initiative_queries
from portfolio.initiatives.loading import load_initiative
from portfolio.labels import REQUIREMENT_LABELS
from portfolio.numbers import parse_decimal
from portfolio.plans.queries import committees
from portfolio.prioritisation import decision_queries, queries, services, stored
from portfolio.prioritisation.chart import bubble_figure
from portfolio.prioritisation.forms import AMOUNT_MAX, CopySetForm, DecisionForm, ScoresForm, WeightsForm
from portfolio.prioritisation.models import CriteriaSet, Decision, DecisionBody
from portfolio.programme import queries as ref
from portfolio.viewkit import login_required_for, run_form

bp = Blueprint("prioritisation", __name__, template_folder="templates")


login_required_for(bp)
bp.record_once(lambda _state: stored.track_score_changes())   # stored scores follow every save


def _year() -> int:
    arg = request.args.get("year", "")
    year = positive_int(arg) or 0
    return year if 2000 <= year <= 2100 else today().year


def _set_or_404(year: int) -> CriteriaSet:
    criteria_set = queries.get_set(year)
    if criteria_set is None:
        abort(404)
    return criteria_set


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return positive_int(value)


def _amount(text: str | None) -> Decimal | None:
    return parse_decimal(text, places=2, minimum=-AMOUNT_MAX, maximum=AMOUNT_MAX)


def _what_if(criteria_set) -> tuple[dict[str, Decimal] | None, Decimal | None, list[str]]:
    """Weights and ceiling from the query string (nothing is saved)."""
    errors, weights, ceiling = [], None, None
    if any(k.startswith("w-") for k in request.args):
        weights = {}
        for c in criteria_set.criteria:
            try:
                value = _amount(request.args.get(f"w-{c.code}", str(c.weight)))
            except ValueError:
                errors.append(_("Vikten för %(name)s är inte ett tal.", name=c.name))
                continue
            weights[c.code] = value if value is not None else Decimal(0)
        try:
            check_weights(weights)
        except ScoringError as err:
            errors.append(str(err))
    if "ceiling" in request.args:
        try:
            ceiling = _amount(request.args["ceiling"])
            if ceiling is not None and ceiling < 0:
                raise ValueError
        except ValueError:
            errors.append(_("Budgettaket måste vara ett belopp i kronor, t.ex. 15 000 000."))
    return weights, ceiling, errors


def _ranking_page(template: str, **extra):
    year = _year()
    criteria_set = queries.get_set(year)
    context = dict(year=year, criteria_set=criteria_set, areas=ref.areas(), committees=committees(),
                   area=_int_arg("area"), committee=_int_arg("committee"), labels=REQUIREMENT_LABELS,
                   years=queries.set_years(),
                   can_edit=permissions.can_manage_plans(current_user), **extra)
    if criteria_set is None:
        return render_template(template, ranking=None, **context)
    weights, ceiling, errors = _what_if(criteria_set)
    what_if = (weights is not None or "ceiling" in request.args) and not errors
    result = queries.ranking(criteria_set, area=context["area"], committee=context["committee"],
                             weights=weights if what_if else None, ceiling=ceiling, what_if=what_if)
    pages = result.page_count(queries.RANKED_PER_PAGE)
    page = min(max(_int_arg("page") or 1, 1), pages)
    paging = dict(page=page, pages=pages, per_page=queries.RANKED_PER_PAGE,
                  page_rows=result.rows_on_page(page, queries.RANKED_PER_PAGE),
                  cut_page=result.page_of_rank(result.cut, queries.RANKED_PER_PAGE) if result.cut else None)
    return render_template(template, ranking=result, errors=errors, figure=bubble_figure(result),
                           paging=paging,
                           decisions=queries.decisions(year), bodies=DecisionBody.labels(),
                           decision_labels=Decision.labels(), **context), 400 if errors else 200


@bp.route("/")
def index():
    """The ranked portfolio with the budget line, the bubble chart and the what-if mode."""
    return _ranking_page("prioritisation/ranking.html")


@bp.route("/transparency")
def transparency():
    """For everyone: this year's criteria, weights and scales, the ranking and the decisions."""
    return _ranking_page("prioritisation/transparency.html",
                         overrides=initiative_queries.overrides(year=_year()))


def _office_post(form) -> None:
    """A write here is the office's; a form without its CSRF token is refused (400)."""
    if form.is_submitted():
        permissions.require(permissions.can_manage_plans(current_user))
        if not BaseForm().validate_on_submit():
            abort(400)


@bp.route("/criteria", methods=["GET", "POST"])
def criteria():
    year = _year()
    criteria_set = _set_or_404(year)
    form = WeightsForm.for_set(criteria_set)()
    _office_post(form)
    return run_form(form, lambda: services.update_weights(criteria_set, form.to_input(criteria_set), current_user),
                    check=lambda: services.validate_weights(criteria_set, form.to_input(criteria_set)),
                    success=_("Vikter och budgettak är sparade."),
                    redirect_to=lambda _saved: url_for(".criteria", year=year),
                    render=lambda status: (render_template(
                        "prioritisation/criteria.html", criteria_set=criteria_set, errors=form.errors_by_name(),
                        form_values=request.form, copy_form=CopySetForm(year=year + 1),
                        can_edit=permissions.can_manage_plans(current_user)), status))


@bp.route("/criteria/copy", methods=["POST"])
def copy_criteria():
    permissions.require(permissions.can_manage_plans(current_user))
    source = _set_or_404(_year())
    form = CopySetForm()
    return run_form(form, lambda: services.copy_set(source, form.year.data, current_user),
                    success=_("Ett nytt års kriterier har skapats från %(year)d.", year=source.year),
                    redirect_to=lambda new: url_for(".criteria", year=new.year),
                    render=lambda status: (render_template(
                        "prioritisation/criteria.html", criteria_set=source, errors={}, form_values={},
                        copy_form=form, can_edit=True), status))


@bp.route("/score/<int:initiative_id>", methods=["GET", "POST"])
def score(initiative_id: int):
    ini = load_initiative(initiative_id)
    year = _year()
    criteria_set = _set_or_404(year)
    can_edit = permissions.can_manage_plans(current_user)
    form = ScoresForm.for_set(criteria_set)()
    _office_post(form)
    return run_form(form, lambda: services.save_scores(ini, criteria_set, form.to_input(criteria_set), current_user),
                    check=lambda: services.validate_scores(criteria_set, form.to_input(criteria_set)),
                    success=_("Poängen är sparade."), redirect_to=lambda _saved: url_for(".index", year=year),
                    render=lambda status: (render_template(
                        "prioritisation/score.html", ini=ini, criteria_set=criteria_set,
                        current=queries.scores_detail(criteria_set, ini.id), errors=form.errors_by_name(),
                        form_values=request.form,
                        suggestion=queries.economics_suggestion(ini) if can_edit else None,
                        can_edit=can_edit), status))


@bp.route("/decisions", methods=["GET", "POST"])
def decisions():
    year = _year()
    criteria_set = _set_or_404(year)
    form = DecisionForm(decided_on=today())
    candidates = decision_queries.decision_candidates()
    form.initiative_ids.choices = [(c.initiative.id, f"{c.initiative.ref} {c.initiative.title}") for c in candidates]
    previous = queries.decisions(year)
    form.corrects_id.choices = [(0, _("– Inget –"))] + [
        (d.id, f"{d.decided_on} {Decision.label_of(d.decision)}: {d.reason[:60]}") for d in previous]
    if form.is_submitted():
        permissions.require(permissions.can_manage_plans(current_user))
    context = dict(criteria_set=criteria_set, form=form, decisions=previous, bodies=DecisionBody.labels(),
                   decision_labels=Decision.labels(), candidates=candidates, labels=REQUIREMENT_LABELS,
                   can_edit=permissions.can_manage_plans(current_user), planned=None)
    if form.is_submitted() and request.form.get("action") == "preview":
        if form.validate():
            errors, context["planned"] = services.preview_decision(form.to_input(year), current_user)
            form.attach_errors(errors)
        return render_template("prioritisation/decisions.html", **context), 200

    def render(status):
        if form.is_submitted() and form.initiative_ids.data:
            context["planned"] = services.preview_decision(form.to_input(year), current_user)[1]
        return render_template("prioritisation/decisions.html", **context), status
    return run_form(form, lambda: services.record_decision(form.to_input(year), current_user),
                    success=_("Beslutet är registrerat."),
                    redirect_to=lambda d: url_for(".decisions", year=year, _anchor=f"decision-{d.id}"),
                    render=render)
