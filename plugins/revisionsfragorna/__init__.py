"""Revisionsfrågorna: the audit's eight questions answered with figures, per committee and in
total, with a status against the programme's thresholds."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import (
    API_VERSION,
    DashboardContext,
    Filters,
    Link,
    Panel,
    PlanStateRow,
    Plugin,
    Table,
)
from portfolio.domain.benefit_calc import planned_totals
from portfolio.numbers import format_number

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


def status(pct: int | None, thresholds: tuple[int, int]) -> str:
    green, yellow = thresholds
    if pct is None:
        return _("ingen data")
    return _("grön") if pct >= green else (_("gul") if pct >= yellow else _("röd"))


def evidence(number: int, metric: str, phases: tuple[str, ...], filters: Filters, matching: int,
             committee_id: int | None = None) -> Link:
    """The count, linked to the initiatives it was computed from (that year, that committee)."""
    query = {"metric": metric, "phases": ",".join(phases), "year": filters.year, "fraga": number}
    committee = committee_id or filters.committee_id
    if committee:
        query["committee"] = committee
    if filters.area_id:
        query["area"] = filters.area_id
    return Link(matching, "/dashboards/underlag?" + urlencode(query))


def plan_link(plan: PlanStateRow, year: int) -> Link:
    """The committee, linked to its plan as it stood in the year read (or to the committee's
    plans when it had none)."""
    if plan.plan_id:
        return Link(plan.committee, f"/plans/{plan.plan_id}?year={year}")
    return Link(plan.committee, f"/plans/committee/{plan.committee_id}?year={year}")


def percent(matching: int, total: int) -> int | None:
    return round(100 * matching / total) if total else None


def plan_status(code: str, names: dict[str, str]) -> str:
    """A plan status in lower case, as the table's sentence-like cells read."""
    return names[code].lower() if code in names else code.replace("_", " ")


class AuditQuestions:
    id = "revisionsfragorna"
    title = _l("Revisionsfrågorna")
    description = _l("Revisionens åtta frågor besvarade med siffror ur portföljen, per nämnd och totalt.")
    audience = "alla"
    api_version = API_VERSION
    order = 10   # in the yearly report: first, as the audit's eight questions

    def build(self, ctx: DashboardContext) -> list[Panel]:
        thresholds = ctx.labels.get("thresholds", (80, 50))
        # The audit's own questions (number, short label, full wording), when one is registered.
        asked = {q.number: q for q in ctx.reader.audit_questions()}

        def heading(number: int, default: object) -> str:
            return f"{number}. {asked[number].label if number in asked else str(default)}"

        def wording(number: int) -> str:
            return _("Revisionens fråga: ”%(wording)s”", wording=asked[number].wording) + " " \
                if number in asked else ""

        panels = []
        plans = ctx.reader.plan_states()
        plan_names = ctx.labels.get("plan_statuses", {})
        scope = ctx.reader.audit_scope()
        decided = sum(p.status == "beslutad" for p in plans)
        pct = percent(decided, len(plans))
        counted = (ngettext("Revisionsåret %(year)d räknas den %(num)d nämnd som granskningen omfattade; andra år "
                            "räknas alla nämnder.",
                            "Revisionsåret %(year)d räknas de %(num)d nämnder som granskningen omfattade; andra år "
                            "räknas alla nämnder.", len(scope.committees), year=ctx.filters.year) if scope
                   else _("Alla nämnder räknas (granskningens urval av nämnder gäller bara dess revisionsår)."))
        panels.append(Panel(
            heading(2, _l("Har nämnderna beslutat planer?")),
            wording(2) + _("%(decided)d av %(total)d nämnder har en beslutad plan (%(pct)s %%): %(status)s.",
                           decided=decided, total=len(plans), pct=pct if pct is not None else "–",
                           status=status(pct, thresholds)) + " " + counted, None,
            Table((_("Nämnd"), _("Planstatus"), _("Beslutad"), _("Diarienummer"), _("Nästa revision")),
                  tuple((plan_link(p, ctx.filters.year),
                         plan_status(p.status, plan_names) + (" " + _("(demodata)") if p.is_demo else ""),
                         p.decided_on, p.diarienummer, p.next_revision) for p in plans)),
            links=((_("Planmatrisen"), "/plans/"),)))
        for number, question, metric, phases, counted, link in QUESTIONS:
            rows = ctx.reader.shares_by_committee(metric, phases)
            matching, total = sum(r.matching for r in rows), sum(r.total for r in rows)
            pct = percent(matching, total)
            table_rows = tuple((r.committee, evidence(number, metric, phases, ctx.filters, r.matching, r.committee_id),
                                r.total, percent(r.matching, r.total),
                                status(percent(r.matching, r.total), thresholds)) for r in rows)
            table_rows += ((_("Totalt"), evidence(number, metric, phases, ctx.filters, matching),
                            total, pct, status(pct, thresholds)),)
            summary = wording(number) + _("%(matching)d av %(total)d %(counted)s (%(pct)s %%): %(status)s.",
                                          matching=matching, total=total, counted=str(counted),
                                          pct=pct if pct is not None else "–", status=status(pct, thresholds))
            summary += self._more(ctx, metric, thresholds)
            panels.append(Panel(heading(number, question), summary, None,
                                Table((_("Nämnd"), _("Uppfyller"), _("Antal"), _("Andel (%)"), _("Status")),
                                      table_rows),
                                links=((_("Underlag"), link),) + self._extra_links(number, metric, ctx.filters)))
        panels += self._resources(ctx) + self._duplicates(ctx)
        panels.sort(key=lambda p: int(p.title.split(".")[0]))
        return panels

    @staticmethod
    def _extra_links(number: int, metric: str, filters: Filters) -> tuple[tuple[str, str], ...]:
        """Question 8 also counts the ongoing initiatives followed up this year: link to them."""
        if metric != "evaluation":
            return ()
        followed = evidence(number, "followed_up", ("planering", "genomforande", "uppfoljning"), filters, 0)
        return ((_("Pågående initiativ och årets uppföljningar"), followed.href),)

    @staticmethod
    def _more(ctx: DashboardContext, metric: str, thresholds: tuple[int, int]) -> str:
        """The further figures DESIGN §4 asks for under some questions."""
        reader = ctx.reader
        if metric == "goal_linked":
            rows = reader.shares_by_committee("priority_area")
            return " " + _("%(matching)d av %(total)d aktiva initiativ är kopplade till ett prioriterat område.",
                           matching=sum(r.matching for r in rows), total=sum(r.total for r in rows))
        if metric == "risk_analysis":
            return " " + ngettext("%(num)d öppen risk över acceptabel nivå saknar åtgärd.",
                                  "%(num)d öppna risker över acceptabel nivå saknar åtgärd.",
                                  reader.unhandled_risk_count())
        if metric == "several_units":
            return " " + ngettext("%(num)d grupp av liknande initiativ finns i olika nämnder (möjlig samordning).",
                                  "%(num)d grupper av liknande initiativ finns i olika nämnder (möjlig samordning).",
                                  len(reader.possible_duplicates()))
        if metric == "evaluation":
            rows = reader.shares_by_committee("followed_up", ("planering", "genomforande", "uppfoljning"))
            matching, total = sum(r.matching for r in rows), sum(r.total for r in rows)
            plan = planned_totals(reader.planned_benefit_lines())
            year = ctx.filters.year
            planned = sum((v for (y, _k), v in plan.items() if y <= year), Decimal(0))
            realised = sum((r.realised for r in reader.realised_per_year() if r.year <= year), Decimal(0))
            return " " + _("Uppföljda i år: %(matching)d av %(total)d pågående (%(status)s). Nyttor t.o.m. "
                           "%(year)d: planerat %(planned)s kr, realiserat %(realised)s kr.",
                           matching=matching, total=total, status=status(percent(matching, total), thresholds),
                           year=year, planned=format_number(planned), realised=format_number(realised))
        return ""

    @staticmethod
    def _resources(ctx: DashboardContext) -> list[Panel]:
        money = ctx.reader.funding_by_committee_and_source()
        return [Panel("3. " + _("Budget och finansieringskällor per nämnd"),
                      _("Finansiering %(year)d per nämnd och källa: totalt %(amount)s kr.", year=ctx.filters.year,
                        amount=format_number(sum((m.amount for m in money), Decimal(0)))), None,
                      Table((_("Nämnd"), _("Källa"), _("Belopp (kr)")),
                            tuple((m.group, m.source, m.amount) for m in money)),
                      links=((_("Resurser och finansiering"), "/dashboards/resurser"),))]

    @staticmethod
    def _duplicates(ctx: DashboardContext) -> list[Panel]:
        pairs = ctx.reader.possible_duplicates()
        return [Panel("5. " + _("Liknande initiativ i olika nämnder"),
                      ngettext("%(num)d grupp av aktiva initiativ i olika nämnder har liknande innehåll. "
                               "Projektkontoret kan markera ett par som inte liknande på initiativets sida.",
                               "%(num)d grupper av aktiva initiativ i olika nämnder har liknande innehåll. "
                               "Projektkontoret kan markera ett par som inte liknande på initiativets sida.",
                               len(pairs)),
                      None, Table((_("Initiativen"), _("Referenser"), _("Nämnder")), pairs),
                      links=((_("Initiativregistret"), "/initiatives/"),))]


plugin: Plugin = AuditQuestions()
