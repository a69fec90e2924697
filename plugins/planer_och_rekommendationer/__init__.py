"""Planer och rekommendationer: plan status per committee and the recommendations' follow-up."""

from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.dashboards.contract import API_VERSION, Panel, Table
from portfolio.plotting import PATTERNS, base_layout, safe

PLAN = {"beslutad": _l("Beslutad"), "under_arbete": _l("Under arbete"), "saknas": _l("Saknas"),
        "ersatt": _l("Ersatt")}
RESPONSE = {"genomford": _l("Genomförd"), "pagar": _l("Pågår"), "ej_paborjad": _l("Ej påbörjad"),
            "ej_aktuell": _l("Ej aktuell")}


def plan_status(plan) -> str:
    status = str(PLAN[plan.status])
    return _("%(status)s (revision försenad)", status=status) if plan.overdue else status


class PlansAndRecommendations:
    id = "planer-och-rekommendationer"
    title = _l("Planer och rekommendationer")
    description = _l("Nämndernas planer för digital transformation och hur revisionens rekommendationer "
                     "följs upp.")
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        plans = ctx.reader.plan_states()
        decided = sum(p.status == "beslutad" for p in plans)
        plan_table = Table((_("Nämnd"), _("Status"), _("Plan"), _("Beslutad"), _("Diarienummer"),
                            _("Nästa revision")),
                           tuple((p.committee, plan_status(p), p.title or "–", p.decided_on, p.diarienummer,
                                  p.next_revision) for p in plans),
                           _("Planstatus per %(year)d", year=ctx.filters.year))
        counts = ctx.reader.response_counts()
        committees = sorted({c.committee for c in counts})
        fig = go.Figure(layout=base_layout(_("Rekommendationernas status per nämnd"), _("Antal"), ""))
        for i, (code, label) in enumerate(RESPONSE.items()):
            by = {c.committee: c.count for c in counts if c.status == code}
            fig.add_bar(name=str(label), y=[safe(c) for c in committees], x=[by.get(c, 0) for c in committees],
                        orientation="h", marker_pattern_shape=PATTERNS[i % len(PATTERNS)])
        fig.update_layout(barmode="stack")
        done = sum(c.count for c in counts if c.status == "genomford")
        total = sum(c.count for c in counts)
        overdue = ctx.reader.overdue_actions()
        return [
            Panel(_("Planer för digital transformation"),
                  _("%(decided)d av %(total)d nämnder har en beslutad plan per %(year)d.",
                    decided=decided, total=len(plans), year=ctx.filters.year),
                  None, plan_table, "full", links=((_("Planmatrisen"), "/plans/"),)),
            Panel(_("Revisionens rekommendationer"),
                  _("%(done)d av %(total)d svar på rekommendationer är genomförda; %(overdue)d åtgärder är "
                    "försenade.", done=done, total=total, overdue=overdue),
                  fig, Table((_("Nämnd"), _("Status"), _("Antal")),
                             tuple((c.committee, str(RESPONSE[c.status]), c.count) for c in counts)),
                  "full", links=((_("Rekommendationer och svar"), "/audits/"),)),
        ]


plugin = PlansAndRecommendations()
