"""Swedish (translatable) names for phase codes and logged field names."""

from flask_babel import lazy_gettext as _l

from portfolio.domain import phases as P

PHASE_LABELS = {
    P.IDE: _l("Idé"),
    P.BEHOVSANALYS: _l("Behovsanalys"),
    P.PRIORITERAD: _l("Prioriterad"),
    P.PLANERING: _l("Planering"),
    P.GENOMFORANDE: _l("Genomförande"),
    P.UPPFOLJNING: _l("Uppföljning"),
    P.AVSLUTAD: _l("Avslutad"),
    P.PAUSAD: _l("Pausad"),
    P.AVSLAGEN: _l("Avslagen"),
    P.AVBRUTEN: _l("Avbruten"),
}

FIELD_LABELS = {
    "ref": _l("Referens"),
    "title": _l("Titel"),
    "description": _l("Beskrivning"),
    "owning_unit": _l("Ägande enhet"),
    "participating_units": _l("Deltagande enheter"),
    "primary_area": _l("Primärt prioriterat område"),
    "secondary_areas": _l("Sekundära områden"),
    "principles": _l("Möjliggörande principer"),
    "phase": _l("Fas"),
    "start_date": _l("Startdatum"),
    "end_date": _l("Slutdatum"),
    "need_owner": _l("Behovsägare"),
    "project_lead": _l("Projektledare"),
    "benefit_owner": _l("Nyttoägare"),
    "funding": _l("Finansiering"),
    "staffing": _l("Personalbehov (årsarbetare)"),
    "archived": _l("Arkiverad"),
}

ACTION_LABELS = {
    "create": _l("Skapade"),
    "update": _l("Ändrade"),
    "phase": _l("Bytte fas"),
    "archive": _l("Arkiverade"),
    "restore": _l("Återställde"),
}


def phase_label(code: str) -> str:
    return str(PHASE_LABELS.get(code, code))
