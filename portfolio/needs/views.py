from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.initiatives.loading import load_initiative
from portfolio.needs import requirements, services
from portfolio.needs.forms import HINTS, SECTIONS, NeedsAnalysisForm
from portfolio.needs.models import COMPLETE
from portfolio.viewkit import login_required_for, run_form

bp = Blueprint("needs", __name__, template_folder="templates")


login_required_for(bp)


def _shows_form(analysis, can_edit: bool) -> bool:
    """Editors get the form, except for a complete analysis: it is read first, with "Ändra"
    (?edit=1) leading to the form. A failed save always shows the form again."""
    if not can_edit:
        return False
    return (request.method == "POST" or analysis is None or analysis.status != COMPLETE
            or request.args.get("edit") == "1")


@bp.route("/<int:initiative_id>/needs", methods=["GET", "POST"])
def edit(initiative_id: int):
    ini = load_initiative(initiative_id)
    analysis = services.get(ini.id)
    can_edit = permissions.can_edit_initiative(current_user, ini) and not ini.archived
    if request.method == "POST":
        permissions.require(can_edit)
    form = NeedsAnalysisForm(data=NeedsAnalysisForm.from_model(analysis)).setup()
    complete = request.form.get("action") == "complete"
    return run_form(
        form, lambda: services.save(ini, form.to_input(), current_user, complete=complete,
                                    expected_version=form.version.data),
        success=_("Behovsanalysen är markerad som klar.") if complete else _("Utkastet är sparat."),
        redirect_to=lambda _: url_for(".edit", initiative_id=ini.id),
        render=lambda status: (render_template(
            "needs/edit.html", ini=ini, form=form, analysis=analysis, can_edit=can_edit,
            show_form=_shows_form(analysis, can_edit), sections=SECTIONS, hints=HINTS,
            checklist=requirements.checklist(form.values())), status))
