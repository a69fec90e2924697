"""Revisionsfrågorna: the audit's eight questions answered with figures, per committee and in
total, with a status against the programme's thresholds."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.dashboards.contract import API_VERSION, Panel, Table

ACTIVE = ("behovsanalys", "prioriterad", "planering", "genomforande", "uppfoljning")
# (number, question, metric, phases, what is counted, evidence link)
QUESTIONS = (
    (1, _l("Finns en övergripande styrning med mål?"), "goal_linked", ACTIVE,
     _l("aktiva initiativ kopplade till ett mål i en nämnds plan"), "/plans/"),
    (3, _l("Finns en tydlig ansvars- och resursfördelning?"), "owners_named", ACTIVE,
     _l("aktiva initiativ med namngiven behovsägare, projektledare och nyttoägare"), "/initiatives/"),
    (4, _l("Visar beslutsunderlagen behov och förväntade nyttor?"), "needs_and_case",
     ("prioriterad", "planering", "genomforande", "uppfoljning"),
     _l("initiativ efter prioritering med klar behovsanalys och nyttokalkyl"), "/initiatives/?basis=now"),
    (5, _l("Sker arbetet samordnat över förvaltningsgränser?"), "several_units", ACTIVE,
     _l("aktiva initiativ med flera deltagande enheter"), "/initiatives/"),
    (6, _l("Involveras användare tidigt och beaktas digital inkludering?"), "involvement_inclusion", ACTIVE,
     _l("aktiva initiativ med dokumenterad tidig involvering och digital inkludering"), "/initiatives/"),
    (7, _l("Dokumenteras riskanalyser och hanteras riskerna?"), "risk_analysis", ACTIVE,
     _l("aktiva initiativ med riskanalys"), "/initiatives/"),
    (8, _l("Följs genomförda projekt upp?"), "evaluation", ("avslutad",),
     _l("avslutade initiativ som är utvärderade"), "/lessons"),
)
# Plan status codes; shown in lower case in the table.
PLAN = {"beslutad": _l("Beslutad"), "under_arbete": _l("Under arbete"), "saknas": _l("Saknas"),
        "ersatt": _l("Ersatt")}


def status(pct: int | None, thresholds) -> str:
    green, yellow = thresholds
    if pct is None:
        return _("ingen data")
    return _("grön") if pct >= green else (_("gul") if pct >= yellow else _("röd"))


def percent(matching: int, total: int) -> int | None:
    return round(100 * matching / total) if total else None


def plan_status(code: str) -> str:
    return str(PLAN[code]).lower() if code in PLAN else code.replace("_", " ")


class AuditQuestions:
    id = "revisionsfragorna"
    title = _l("Revisionsfrågorna")
    description = _l("Revisionens åtta frågor besvarade med siffror ur portföljen, per nämnd och totalt.")
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        thresholds = ctx.labels.get("thresholds", (80, 50))
        panels = []
        plans = ctx.reader.plan_states()
        decided = sum(p.status == "beslutad" for p in plans)
        pct = percent(decided, len(plans))
        panels.append(Panel(
            "2. " + _("Har nämnderna beslutat planer?"),
            _("%(decided)d av %(total)d nämnder har en beslutad plan (%(pct)s %%): %(status)s.",
              decided=decided, total=len(plans), pct=pct if pct is not None else "–",
              status=status(pct, thresholds)), None,
            Table((_("Nämnd"), _("Planstatus"), _("Beslutad"), _("Diarienummer"), _("Nästa revision")),
                  tuple((p.committee, plan_status(p.status), p.decided_on, p.diarienummer,
                         p.next_revision) for p in plans)), links=((_("Planmatrisen"), "/plans/"),)))
        for number, question, metric, phases, counted, link in QUESTIONS:
            rows = ctx.reader.shares_by_committee(metric, phases)
            matching, total = sum(r.matching for r in rows), sum(r.total for r in rows)
            pct = percent(matching, total)
            table_rows = tuple((r.committee, r.matching, r.total, percent(r.matching, r.total),
                                status(percent(r.matching, r.total), thresholds)) for r in rows)
            table_rows += ((_("Totalt"), matching, total, pct, status(pct, thresholds)),)
            summary = _("%(matching)d av %(total)d %(counted)s (%(pct)s %%): %(status)s.",
                        matching=matching, total=total, counted=str(counted),
                        pct=pct if pct is not None else "–", status=status(pct, thresholds))
            if metric == "risk_analysis":
                summary += " " + _("%(count)d öppna risker över acceptabel nivå saknar åtgärd.",
                                   count=ctx.reader.unhandled_risk_count())
            panels.append(Panel(f"{number}. {str(question)}", summary, None,
                                Table((_("Nämnd"), _("Uppfyller"), _("Antal"), _("Andel (%)"), _("Status")),
                                      table_rows),
                                links=((_("Underlag"), link),)))
        panels.sort(key=lambda p: int(p.title.split(".")[0]))
        return panels


plugin = AuditQuestions()
