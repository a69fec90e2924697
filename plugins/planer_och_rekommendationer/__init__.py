"""Planer och rekommendationer: plan status per committee and the recommendations' follow-up,
both as they stood at the end of the year shown (today for the current year)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import (
    API_VERSION,
    AuditScopeRow,
    DashboardContext,
    Panel,
    PlanStateRow,
    Plugin,
    Table,
)
from portfolio.plotting import base_layout, figure, safe, series_style

# The order the answer statuses are stacked in the chart.
ANSWER_ORDER = ("genomford", "pagar", "ej_paborjad", "ej_aktuell", "ej_besvarad")


def plan_status(plan: PlanStateRow, names: dict[str, str]) -> str:
    status = names.get(plan.status, plan.status)
    return _("%(status)s (revision försenad)", status=status) if plan.overdue else status


def demo_marked(text: object, is_demo: bool) -> str:
    """A value with "(demodata)" after it when it is invented for the demo."""
    text = "–" if text is None else str(text)
    return _("%(value)s (demodata)", value=text) if is_demo else text


def scope_text(scope: AuditScopeRow | None, year: int) -> str:
    """Which committees the plan figures cover, in words (the audit's, or all)."""
    if scope is None:
        return _("Alla nämnder räknas; ingen granskning med angivna nämnder avser %(year)d.", year=year)
    return ngettext("Revisionsåret %(year)d räknas den %(num)d nämnd som granskningen omfattade (%(audits)s); "
                    "andra år räknas alla nämnder.",
                    "Revisionsåret %(year)d räknas de %(num)d nämnder som granskningen omfattade (%(audits)s); "
                    "andra år räknas alla nämnder.", len(scope.committees), year=year,
                    audits=", ".join(scope.audits))


class PlansAndRecommendations:
    id = "planer-och-rekommendationer"
    title = _l("Planer och rekommendationer")
    description = _l("Nämndernas planer för digital transformation och hur revisionens rekommendationer "
                     "följs upp, som läget var vid årets slut.")
    audience = "alla"
    api_version = API_VERSION
    order = 100   # in the yearly report: with the other dashboards (equal orders go by id)

    def build(self, ctx: DashboardContext) -> list[Panel]:
        year = ctx.filters.year
        plan_names = ctx.labels.get("plan_statuses", {})
        answer_names = ctx.labels.get("answer_statuses", {})
        plans = ctx.reader.plan_states()
        decided = sum(p.status == "beslutad" for p in plans)
        plan_table = Table((_("Nämnd"), _("Status"), _("Plan"), _("Beslutad"), _("Diarienummer"),
                            _("Nästa revision")),
                           tuple((p.committee, plan_status(p, plan_names), demo_marked(p.title, p.is_demo),
                                  p.decided_on, p.diarienummer, p.next_revision) for p in plans),
                           _("Planstatus per %(year)d", year=year))
        counts = ctx.reader.response_counts()
        committees = sorted({c.committee for c in counts})
        fig = figure(layout=base_layout(_("Rekommendationernas status per nämnd"), _("Antal"), ""))
        for i, code in enumerate(ANSWER_ORDER):
            label = answer_names.get(code, code)
            by = {c.committee: c.count for c in counts if c.status == code}
            fig.add_bar(name=str(label), y=[safe(c) for c in committees], x=[by.get(c, 0) for c in committees],
                        orientation="h", marker=series_style(i))
        fig.update_layout(barmode="stack")
        total = sum(c.count for c in counts)
        answered = total - sum(c.count for c in counts if c.status == "ej_besvarad")
        done = sum(c.count for c in counts if c.status == "genomford")
        demo = sum(c.demo for c in counts)
        actions = ctx.reader.action_counts()
        overdue = sum(a.overdue for a in actions)
        summary = _("Läget %(year)d: %(answered)d av %(total)d svar på rekommendationer var lämnade och "
                    "%(done)d genomförda; %(overdue)d åtgärder var försenade.", year=year, answered=answered,
                    total=total, done=done, overdue=overdue)
        if demo:
            summary += " " + _("%(count)d av statusarna är demodata.", count=demo)
        return [
            Panel(_("Planer för digital transformation"),
                  _("%(decided)d av %(total)d nämnder har en beslutad plan per %(year)d.",
                    decided=decided, total=len(plans), year=year) + " " + scope_text(ctx.reader.audit_scope(), year),
                  None, plan_table, "full", links=((_("Planmatrisen"), "/plans/"),)),
            Panel(_("Revisionens rekommendationer"), summary,
                  fig, Table((_("Nämnd"), _("Status"), _("Antal"), _("Varav demodata")),
                             tuple((c.committee, answer_names.get(c.status, c.status), c.count, c.demo)
                                   for c in counts)),
                  "full", links=((_("Rekommendationer och svar"), "/audits/"),)),
            Panel(_("Åtgärder per nämnd"),
                  _("Läget %(year)d: %(done)d av %(total)d planerade åtgärder var genomförda och "
                    "%(overdue)d försenade.", done=sum(a.done for a in actions),
                    total=sum(a.total for a in actions), year=year, overdue=overdue),
                  None, Table((_("Nämnd"), _("Åtgärder"), _("Genomförda"), _("Försenade"),
                               _("Varav demodata")),
                              tuple((a.committee, a.total, a.done, a.overdue, a.demo) for a in actions)),
                  links=((_("Rekommendationer och svar"), "/audits/"),)),
        ]


plugin: Plugin = PlansAndRecommendations()
