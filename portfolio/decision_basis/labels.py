"""What each requirement asks for, in words a förvaltning reads."""

from flask_babel import lazy_gettext as _l

REQUIREMENT_LABELS = {
    "portfolio_decision": _l("Ett portföljbeslut som prioriterar initiativet är registrerat"),
    "priority_area": _l("Kopplat till ett prioriterat område"),
    "needs_analysis_complete": _l("Behovsanalysen är markerad som klar"),
    "user_involvement": _l("Tidig involvering av användare är dokumenterad (vilka, hur och när)"),
    "digital_inclusion": _l("Digital inkludering är beaktad och beskriven"),
    "benefit_case": _l("Nyttokalkyl med minst en nytta"),
    "benefit_owner": _l("Varje nytta har en nyttoägare"),
    "risk_analysis": _l("Riskanalys (minst en risk, eller motiverat att inga väsentliga risker finns)"),
    "risks_handled": _l("Inga öppna risker över acceptabel nivå utan åtgärd, ägare och datum"),
    "need_owner": _l("Namngiven behovsägare"),
    "project_lead": _l("Namngiven projektledare"),
    "initiative_benefit_owner": _l("Namngiven nyttoägare för initiativet"),
    "funding": _l("Finansiering angiven"),
    "evaluation": _l("Utvärdering gjord (mål, nyttor, fortsatt mätning, lärdomar)"),
}


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
