"""Swedish (translatable) names for phase codes, logged field names and the requirements of the
decision basis (`domain.completeness.REQUIREMENT_CODES`)."""

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
    "published_at": _l("Publicerad i öppna data"),
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
    "plan_goals": _l("Mål i nämndernas planer"),
    # needs analysis
    "status": _l("Status"), "problem": _l("Problem eller behov"), "target_groups": _l("Målgrupper"),
    "needs_capture": _l("Hur behoven har fångats"), "involvement_who": _l("Involverade användare"),
    "involvement_how": _l("Hur de involverades"), "involvement_when": _l("När de involverades"),
    "inclusion_considered": _l("Digital inkludering beaktad"),
    "inclusion_how": _l("Hur digital inkludering beaktats"), "current_state": _l("Nuläge"),
    "desired_state": _l("Önskat läge"), "alternatives": _l("Alternativ"),
    "architecture": _l("Arkitektur"), "tech_debt": _l("Teknisk skuld"),
    "infosec_class": _l("Informationssäkerhetsklass"), "personal_data": _l("Personuppgifter"),
    "dpia_needed": _l("DPIA behövs"),
    # risks
    "kind": _l("Typ"), "category": _l("Kategori"), "cause": _l("Orsak"), "event": _l("Händelse"),
    "consequence_text": _l("Konsekvens (beskrivning)"), "probability": _l("Sannolikhet"),
    "consequence": _l("Konsekvens"), "mitigation": _l("Åtgärd"), "owner": _l("Ägare"),
    "due_date": _l("Klar senast"), "residual_probability": _l("Sannolikhet efter åtgärd"),
    "residual_consequence": _l("Konsekvens efter åtgärd"), "review_date": _l("Nästa översyn"),
    "no_significant_risks": _l("Inga väsentliga risker"), "reason": _l("Motivering"),
    # benefit case and benefits
    "start_year": _l("Startår"), "horizon": _l("Kalkylperiod"), "discount_rate": _l("Kalkylränta"),
    "hourly_cost": _l("Timkostnad"), "recurring": _l("Löpande"), "first_year": _l("Första år"),
    "last_year": _l("Sista år"), "amount": _l("Belopp per år"), "hours": _l("Timmar per år"),
    "beneficiary": _l("Vem får nyttan"), "indicator": _l("Indikator"), "unit": _l("Enhet"),
    "direction": _l("Riktning"), "data_source": _l("Datakälla"), "baseline": _l("Utgångsläge"),
    "baseline_date": _l("Datum för utgångsläge"), "target": _l("Målvärde"),
    "target_date": _l("Måldatum"), "frequency": _l("Mätfrekvens"), "certainty": _l("Säkerhet"),
    "volume": _l("Volym per år"), "minutes_saved": _l("Sparade minuter"),
    "realisation_share": _l("Realiseringsgrad (%)"), "ramp_up": _l("Upptrappning"),
    "comment": _l("Kommentar"),
    # follow-up
    "benefit": _l("Nytta"), "measured_on": _l("Mätdatum"), "value": _l("Värde"),
    "realised_amount": _l("Realiserat belopp"), "year": _l("År"), "period": _l("Period"),
    "progress": _l("Färdigt (%)"), "cost_to_date": _l("Kostnad hittills"),
    "achievements": _l("Uppnått"), "next_steps": _l("Nästa steg"), "goals_met": _l("Mål uppnådda"),
    "goals_comment": _l("Kommentar om målen"), "benefits_realised": _l("Realiserade nyttor"),
    "measured_after": _l("Mätning efter avslut"), "lessons_learned": _l("Lärdomar"),
    "evaluated_on": _l("Utvärderad"), "status_reason": _l("Motivering för status"),
    # ideas and similar initiatives
    "need": _l("Behov"), "who": _l("Vem har behovet"), "today": _l("Så görs det i dag"),
    "need_score": _l("Behov (1–5)"), "feasibility_score": _l("Genomförbarhet (1–5)"),
    "office_message": _l("Meddelande från projektkontoret"), "pair": _l("Par"),
    # published yearly reports
    "case_number": _l("Diarienummer"), "meeting_date": _l("Sammanträdesdatum"),
    "version": _l("Version"), "html_sha256": _l("SHA-256 för HTML-filen"),
}

ENTITY_LABELS = {
    "initiative": _l("Initiativ"),
    "needs_analysis": _l("Behovsanalys"),
    "risk": _l("Risk"),
    "risk_assessment": _l("Riskbedömning"),
    "benefit_case": _l("Nyttokalkyl"),
    "cost_line": _l("Kostnadsrad"),
    "benefit": _l("Nytta"),
    "measurement": _l("Mätning"),
    "follow_up": _l("Uppföljning"),
    "evaluation": _l("Utvärdering"),
    "score": _l("Poängsättning"),
    "idea": _l("Idé"),
    "similar_mark": _l("Liknande initiativ"),
    "published_report": _l("Publicerad årsuppföljning"),
}

ACTION_LABELS = {
    "create": _l("Skapade"),
    "update": _l("Ändrade"),
    "phase": _l("Bytte fas"),
    "archive": _l("Arkiverade"),
    "restore": _l("Återställde"),
    "remove": _l("Tog bort"),
    "decision": _l("Portföljbeslut"),
    "password_change": _l("Bytte lösenord"),
    "password_reset": _l("Satte lösenord med återställningslänk"),
    "reset_link": _l("Skapade återställningslänk"),
    "end_sessions": _l("Avslutade alla sessioner"),
    "publish": _l("Markerade som publicerbar i öppna data"),
    "withdraw": _l("Tog bort från öppna data"),
    "publication_lapsed": _l("Publiceringen i öppna data upphörde"),
    "score": _l("Bedömde"),
    "accept": _l("Accepterade"),
    "merge": _l("Slog samman"),
    "more_info": _l("Bad om mer information"),
    "decline": _l("Avslog"),
    "mark": _l("Markerade par"),
    "unmark": _l("Tog bort markering"),
    "publish_report": _l("Publicerade årsuppföljningen"),
}


def phase_label(code: str) -> str:
    return str(PHASE_LABELS.get(code, code))


# What each requirement of the decision basis asks for, in words a förvaltning reads.
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
