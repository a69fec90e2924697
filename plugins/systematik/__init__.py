"""Systematik: the audit's finding made measurable, per committee."""

from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portfolio.dashboards.contract import API_VERSION, DashboardContext, Panel, Plugin, Table
from portfolio.plotting import base_layout, figure, safe

MEASURES = (("needs", _l("Behovsanalys klar")), ("involvement", _l("Användare involverade")),
            ("risks_handled", _l("Risker analyserade och hanterade")), ("benefit_case", _l("Nyttokalkyl")),
            ("benefit_owner", _l("Nyttoägare")), ("followed_up", _l("Uppföljd i år")),
            ("evaluated", _l("Utvärderad vid avslut")))


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole) if whole else None


class Systematics:
    id = "systematik"
    title = _l("Systematik")
    description = _l("Andel initiativ per nämnd med dokumenterad behovsanalys, användarinvolvering, "
                     "riskanalys med åtgärder, nyttokalkyl, nyttoägare, uppföljning och utvärdering.")
    audience = "alla"
    api_version = API_VERSION
    order = 100   # in the yearly report: with the other dashboards (equal orders go by id)

    def build(self, ctx: DashboardContext) -> list[Panel]:
        labels = [str(label) for _field, label in MEASURES]
        rows = ctx.reader.systematics_by_committee()
        z, text, table = [], [], []
        for row in rows:
            values = []
            for field, _label in MEASURES:
                whole = row.closed if field == "evaluated" else row.initiatives
                values.append(pct(getattr(row, field), whole))
            z.append(values)
            text.append(["–" if v is None else f"{v} %" for v in values])
            table.append((row.committee, row.initiatives,
                          *["–" if v is None else f"{v} %" for v in values]))
        fig = figure(go.Heatmap(
            z=z, x=labels, y=[safe(r.committee) for r in rows], text=text,
            texttemplate="%{text}", zmin=0, zmax=100, colorscale="Blues",
            colorbar=dict(title="%"), hovertemplate="%{y}: %{x} %{text}<extra></extra>"),
            layout=base_layout(_("Systematik per nämnd (andel av initiativen)")))
        fig.update_layout(height=max(320, 48 * len(rows) + 140))
        weakest = min(((label, sum(v[i] or 0 for v in z) / max(len(z), 1)) for i, label
                       in enumerate(labels)), key=lambda t: t[1], default=("–", 0))
        trend = ctx.reader.systematics_by_start_year()
        fig2 = figure(go.Scatter(x=[str(t.year) for t in trend], y=[t.value for t in trend],
                                    mode="lines+markers+text", text=[f"{t.value} %" for t in trend],
                                    textposition="top center"),
                         layout=base_layout(_("Komplett beslutsunderlag per startår"), _("Startår"),
                                            _("Andel (%)")))
        fig2.update_xaxes(type="category")      # years, not numbers ("2 022")
        fig2.update_yaxes(range=[0, 105])
        latest = trend[-1] if trend else None
        if latest:
            trend_text = _("Andelen initiativ med klar behovsanalys, nyttokalkyl och riskanalys per startår; "
                           "senast %(value)s %% (%(year)d).", value=latest.value, year=latest.year)
        else:
            trend_text = _("Andelen initiativ med klar behovsanalys, nyttokalkyl och riskanalys per startår.")
        trend_panel = Panel(
            _("Trend över år"), trend_text, fig2,
            Table((_("Startår"), _("Andel med komplett underlag (%)")), tuple((t.year, t.value) for t in trend)),
            "full")
        return [trend_panel] if not rows else [Panel(
            _("Systematik per nämnd"),
            ngettext("%(num)d nämnd; svagast i genomsnitt är %(measure)s (%(share)d %%). Siffrorna står i varje "
                     "ruta och i tabellen.",
                     "%(num)d nämnder; svagast i genomsnitt är %(measure)s (%(share)d %%). Siffrorna står i varje "
                     "ruta och i tabellen.", len(rows), measure=weakest[0].lower(), share=round(weakest[1])),
            fig, Table((_("Nämnd"), _("Initiativ"), *labels), tuple(table)), "full"), trend_panel]


plugin: Plugin = Systematics()
