"""Revisionsfrågorna: the audit's eight questions answered with figures, per committee and in
total, with a status against the programme's thresholds."""

from __future__ import annotations

from portfolio.dashboards.contract import API_VERSION, Panel, Table

ACTIVE = ("behovsanalys", "prioriterad", "planering", "genomforande", "uppfoljning")
# (number, question, metric, phases, what is counted, evidence link)
QUESTIONS = (
    (1, "Finns en övergripande styrning med mål?", "goal_linked", ACTIVE,
     "aktiva initiativ kopplade till ett mål i en nämnds plan", "/plans/"),
    (3, "Finns en tydlig ansvars- och resursfördelning?", "owners_named", ACTIVE,
     "aktiva initiativ med namngiven behovsägare, projektledare och nyttoägare", "/initiatives/"),
    (4, "Visar beslutsunderlagen behov och förväntade nyttor?", "needs_and_case",
     ("prioriterad", "planering", "genomforande", "uppfoljning"),
     "initiativ efter prioritering med klar behovsanalys och nyttokalkyl", "/initiatives/?basis=now"),
    (5, "Sker arbetet samordnat över förvaltningsgränser?", "several_units", ACTIVE,
     "aktiva initiativ med flera deltagande enheter", "/initiatives/"),
    (6, "Involveras användare tidigt och beaktas digital inkludering?", "involvement_inclusion", ACTIVE,
     "aktiva initiativ med dokumenterad tidig involvering och digital inkludering", "/initiatives/"),
    (7, "Dokumenteras riskanalyser och hanteras riskerna?", "risk_analysis", ACTIVE,
     "aktiva initiativ med riskanalys", "/initiatives/"),
    (8, "Följs genomförda projekt upp?", "evaluation", ("avslutad",),
     "avslutade initiativ som är utvärderade", "/lessons"),
)


def status(pct: int | None, thresholds) -> str:
    green, yellow = thresholds
    if pct is None:
        return "ingen data"
    return "grön" if pct >= green else ("gul" if pct >= yellow else "röd")


def percent(matching: int, total: int) -> int | None:
    return round(100 * matching / total) if total else None


class AuditQuestions:
    id = "revisionsfragorna"
    title = "Revisionsfrågorna"
    description = "Revisionens åtta frågor besvarade med siffror ur portföljen, per nämnd och totalt."
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        thresholds = ctx.labels.get("thresholds", (80, 50))
        panels = []
        plans = ctx.reader.plan_states()
        decided = sum(p.status == "beslutad" for p in plans)
        pct = percent(decided, len(plans))
        panels.append(Panel(
            "2. Har nämnderna beslutat planer?",
            f"{decided} av {len(plans)} nämnder har en beslutad plan ({pct if pct is not None else '–'} %): "
            f"{status(pct, thresholds)}.", None,
            Table(("Nämnd", "Planstatus", "Beslutad", "Diarienummer", "Nästa revision"),
                  tuple((p.committee, p.status.replace("_", " "), p.decided_on, p.diarienummer,
                         p.next_revision) for p in plans)), links=(("Planmatrisen", "/plans/"),)))
        for number, question, metric, phases, counted, link in QUESTIONS:
            rows = ctx.reader.shares_by_committee(metric, phases)
            matching, total = sum(r.matching for r in rows), sum(r.total for r in rows)
            pct = percent(matching, total)
            table_rows = tuple((r.committee, r.matching, r.total, percent(r.matching, r.total),
                                status(percent(r.matching, r.total), thresholds)) for r in rows)
            table_rows += (("Totalt", matching, total, pct, status(pct, thresholds)),)
            summary = (f"{matching} av {total} {counted} ({pct if pct is not None else '–'} %): "
                       f"{status(pct, thresholds)}.")
            if metric == "risk_analysis":
                summary += f" {ctx.reader.unhandled_risk_count()} öppna risker över acceptabel nivå saknar åtgärd."
            panels.append(Panel(f"{number}. {question}", summary, None,
                                Table(("Nämnd", "Uppfyller", "Antal", "Andel (%)", "Status"), table_rows),
                                links=(("Underlag", link),)))
        panels.sort(key=lambda p: int(p.title.split(".")[0]))
        return panels


plugin = AuditQuestions()
