"""A link to the place where a missing requirement is fulfilled (for gate messages)."""

from __future__ import annotations

from flask import url_for

from portfolio.clock import today

# Where each requirement is fulfilled: (endpoint, anchor). The decision log needs the year.
REQUIREMENT_PLACES = {
    "portfolio_decision": ("prioritisation.decisions", None),
    "priority_area": ("initiatives.edit", "primary_area"),
    "needs_analysis_complete": ("needs.edit", None),
    "user_involvement": ("needs.edit", None),
    "digital_inclusion": ("needs.edit", None),
    "benefit_case": ("benefits.case", None),
    "benefit_owner": ("benefits.case", None),
    "risk_analysis": ("risks.index", None),
    "risks_handled": ("risks.index", None),
    "need_owner": ("initiatives.edit", "need_owner"),
    "project_lead": ("initiatives.edit", "project_lead"),
    "initiative_benefit_owner": ("initiatives.edit", "benefit_owner"),
    "funding": ("initiatives.edit", "funding-0-year"),
    "evaluation": ("followups.evaluation", None),
}


def requirement_url(code: str, initiative_id: int) -> str:
    endpoint, anchor = REQUIREMENT_PLACES[code]
    if endpoint == "prioritisation.decisions":
        return url_for(endpoint, year=today().year)
    return url_for(endpoint, initiative_id=initiative_id, _anchor=anchor)
