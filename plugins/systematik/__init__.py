"""Systematik: the audit's finding made measurable, per committee."""

from __future__ import annotations

import plotly.graph_objects as go

from portfolio.dashboards.contract import API_VERSION, Panel, Table
from portfolio.plotting import base_layout, safe

MEASURES = (("needs", "Behovsanalys klar"), ("involvement", "Användare involverade"),
            ("risks_handled", "Risker analyserade och hanterade"), ("benefit_case", "Nyttokalkyl"),
            ("benefit_owner", "Nyttoägare"), ("followed_up", "Uppföljd i år"),
            ("evaluated", "Utvärderad vid avslut"))


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole) if whole else None


class Systematics:
    id = "systematik"
    title = "Systematik"
    description = ("Andel initiativ per nämnd med dokumenterad behovsanalys, användarinvolvering, "
                   "riskanalys med åtgärder, nyttokalkyl, nyttoägare, uppföljning och utvärdering.")
    audience = "alla"
    api_version = API_VERSION

    def build(self, ctx):
        rows = ctx.reader.systematics_by_committee()
        z, text, table = [], [], []
        for row in rows:
            values = []
            for field, _ in MEASURES:
                whole = row.closed if field == "evaluated" else row.initiatives
                values.append(pct(getattr(row, field), whole))
            z.append(values)
            text.append(["–" if v is None else f"{v} %" for v in values])
            table.append((row.committee, row.initiatives,
                          *["–" if v is None else f"{v} %" for v in values]))
        fig = go.Figure(go.Heatmap(
            z=z, x=[label for _, label in MEASURES], y=[safe(r.committee) for r in rows], text=text,
            texttemplate="%{text}", zmin=0, zmax=100, colorscale="Blues",
            colorbar=dict(title="%"), hovertemplate="%{y}: %{x} %{text}<extra></extra>"),
            layout=base_layout("Systematik per nämnd (andel av initiativen)"))
        fig.update_layout(height=max(320, 48 * len(rows) + 140))
        weakest = min(((label, sum(v[i] or 0 for v in z) / max(len(z), 1)) for i, (_, label)
                       in enumerate(MEASURES)), key=lambda t: t[1], default=("–", 0))
        trend = ctx.reader.systematics_by_start_year()
        fig2 = go.Figure(go.Scatter(x=[str(t.year) for t in trend], y=[t.value for t in trend],
                                    mode="lines+markers+text", text=[f"{t.value} %" for t in trend],
                                    textposition="top center"),
                         layout=base_layout("Komplett beslutsunderlag per startår", "Startår", "Andel (%)"))
        fig2.update_yaxes(range=[0, 105])
        latest = trend[-1] if trend else None
        trend_panel = Panel(
            "Trend över år", "Andelen initiativ med klar behovsanalys, nyttokalkyl och riskanalys per startår"
            + (f"; senast {latest.value} % ({latest.year})." if latest else "."), fig2,
            Table(("Startår", "Andel med komplett underlag (%)"), tuple((t.year, t.value) for t in trend)),
            "full")
        return [trend_panel] if not rows else [Panel("Systematik per nämnd",
                      f"{len(rows)} nämnder; svagast i genomsnitt är {weakest[0].lower()} "
                      f"({round(weakest[1])} %). Siffrorna står i varje ruta och i tabellen.",
                      fig, Table(("Nämnd", "Initiativ", *[label for _, label in MEASURES]),
                                 tuple(table)), "full"), trend_panel]


plugin = Systematics()
