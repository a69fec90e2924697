from __future__ import annotations

from flask import Blueprint, render_template

from portfolio.benefits import services as benefit_services
from portfolio.benefits.forms import BENEFICIARY_LABELS, BENEFIT_KIND_LABELS, COST_CATEGORY_LABELS
from portfolio.decision_basis.queries import requirement_status, summary
from portfolio.decision_basis.requirements import basis_missing_condition
from portfolio.initiatives.basis import BasisReaders, provide
from portfolio.initiatives.loading import load_initiative
from portfolio.labels import REQUIREMENT_LABELS
from portfolio.needs import services as needs_services
from portfolio.needs.forms import NeedsAnalysisForm
from portfolio.programme.services import current_programme
from portfolio.risks import queries as risk_queries
from portfolio.risks import services as risk_services
from portfolio.risks.forms import KIND_LABELS, STATUS_LABELS
from portfolio.viewkit import login_required_for

bp = Blueprint("decision_basis", __name__, template_folder="templates")


login_required_for(bp)
# The register reads the basis through these (it sits below the basis and never imports it).
bp.record_once(lambda state: provide(state.app, BasisReaders(
    requirement_status=requirement_status, summary=summary, missing_condition=basis_missing_condition)))


@bp.route("/<int:initiative_id>/decision-document")
def document(initiative_id: int):
    """The whole decision basis as one print-ready document for a decision meeting."""
    ini = load_initiative(initiative_id)
    case = benefit_services.get_case(ini.id)
    analysis = needs_services.get(ini.id)
    return render_template(
        "decision_basis/document.html", ini=ini, basis=summary(ini), labels=REQUIREMENT_LABELS,
        needs_form=NeedsAnalysisForm(data=NeedsAnalysisForm.from_model(analysis)).setup(),
        analysis=analysis, ov=risk_queries.overview(ini.id),
        assessment=risk_services.get_assessment(ini.id),
        case=case, result=benefit_services.calculate(case) if case else None,
        planned=benefit_services.planned_per_year, categories=COST_CATEGORY_LABELS,
        kinds=BENEFIT_KIND_LABELS, beneficiaries=BENEFICIARY_LABELS, risk_kinds=KIND_LABELS,
        risk_statuses=STATUS_LABELS, programme=current_programme())
