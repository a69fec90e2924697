"""Planer och rekommendationer: plan status per committee and the recommendations' follow-up."""

from __future__ import annotations

import plotly.graph_objects as go

from portfolio.dashboards.contract import API_VERSION, Panel, Table
from portfolio.plotting import PATTERNS, base_layout, safe

PLAN = {"beslutad": "Beslutad", "under_arbete": "Under arbete", "saknas": "Saknas", "ersatt": "Ersatt"}
RESPONSE = {"genomford": "Genomförd", "pagar": "Pågår", "ej_paborjad": "Ej påbörjad",
            "ej_aktuell": "Ej aktuell"}


class PlansAndRecommendations:
    id = "planer-och-rekommendationer"
    title = "Planer och rekommendationer"
    description = "Nämndernas planer för digital transformation och hur revisionens rekommendationer följs upp."
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        plans = ctx.reader.plan_states()
        decided = sum(p.status == "beslutad" for p in plans)
        plan_table = Table(("Nämnd", "Status", "Plan", "Beslutad", "Diarienummer", "Nästa revision"),
                           tuple((p.committee, PLAN[p.status] + (" (revision försenad)" if p.overdue else ""),
                                  p.title or "–", p.decided_on, p.diarienummer,
                                  p.next_revision) for p in plans),
                           f"Planstatus per {ctx.filters.year}")
        counts = ctx.reader.response_counts()
        committees = sorted({c.committee for c in counts})
        fig = go.Figure(layout=base_layout("Rekommendationernas status per nämnd", "Antal", ""))
        for i, (code, label) in enumerate(RESPONSE.items()):
            by = {c.committee: c.count for c in counts if c.status == code}
            fig.add_bar(name=label, y=[safe(c) for c in committees], x=[by.get(c, 0) for c in committees],
                        orientation="h", marker_pattern_shape=PATTERNS[i % len(PATTERNS)])
        fig.update_layout(barmode="stack")
        done = sum(c.count for c in counts if c.status == "genomford")
        total = sum(c.count for c in counts)
        overdue = ctx.reader.overdue_actions()
        return [
            Panel("Planer för digital transformation",
                  f"{decided} av {len(plans)} nämnder har en beslutad plan per {ctx.filters.year}.",
                  None, plan_table, "full", links=(("Planmatrisen", "/plans/"),)),
            Panel("Revisionens rekommendationer",
                  f"{done} av {total} svar på rekommendationer är genomförda; {overdue} åtgärder är försenade.",
                  fig, Table(("Nämnd", "Status", "Antal"),
                             tuple((c.committee, RESPONSE[c.status], c.count) for c in counts)),
                  "full", links=(("Rekommendationer och svar", "/audits/"),)),
        ]


plugin = PlansAndRecommendations()
