"""svgchart: the app's own kinds of plotly figure drawn as SVG without a browser."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from portfolio.plotting import PALETTE, base_layout, safe, series_style
from portfolio.reports import svgchart

NS = "{http://www.w3.org/2000/svg}"


def draw(figure: dict, **kwargs) -> ElementTree.Element:
    svg = svgchart.render(figure, **kwargs)
    assert svg is not None
    root = ElementTree.fromstring(svg)
    assert_inside(root)
    return root


def figure(traces: list[dict], title: str = "Diagram", x_title: str = "", y_title: str = "", **layout) -> dict:
    fig = {"data": traces, "layout": base_layout(title, x_title, y_title)}
    fig["layout"].update(layout)
    return fig


def texts(root: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def rects(path: ElementTree.Element) -> list[tuple[float, float, float, float]]:
    """The rectangles (x0, y0, x1, y1) a bar trace's path draws."""
    found = re.findall(r"M([\d.-]+),([\d.-]+)H([\d.-]+)V([\d.-]+)H[\d.-]+Z", path.get("d", ""))
    return [(float(a), float(b), float(c), float(d)) for a, b, c, d in found]


def paths_filled(root: ElementTree.Element, fill: str) -> list[ElementTree.Element]:
    return [p for p in root.iter(f"{NS}path") if p.get("fill") == fill]


def inherited(root: ElementTree.Element, node: ElementTree.Element, name: str, default: str) -> str:
    parents = {child: parent for parent in root.iter() for child in parent}
    while node is not None:
        if node.get(name) is not None:
            return node.get(name)
        node = parents.get(node)
    return default


def assert_inside(root: ElementTree.Element) -> None:
    """No text (by its approximate width) and no shape reaches outside the viewBox."""
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    for node in root.iter(f"{NS}text"):
        if node.get("transform"):
            continue
        size = float(inherited(root, node, "font-size", "12"))
        anchor = inherited(root, node, "text-anchor", "start")
        x, y = float(node.get("x")), float(node.get("y"))
        w = svgchart.text_width(node.text or "", size)
        left = x - {"start": 0, "middle": w / 2, "end": w}[anchor]
        assert -0.5 <= left and left + w <= width + 0.5, (node.text, left, w, width)
        assert size * 0.7 <= y <= height + 0.5, (node.text, y, height)
    for node in root.iter(f"{NS}path"):
        if node.get("d", "").startswith("M") and not any(c in node.get("d") for c in "aVHhvl"):
            continue
        for x0, y0, x1, y1 in rects(node):
            assert 0 <= min(x0, x1) and max(x0, x1) <= width and 0 <= min(y0, y1) and max(y0, y1) <= height


# --- bars ---------------------------------------------------------------------------------------


def test_vertical_bar_heights_follow_the_values():
    root = draw(figure([{"type": "bar", "x": ["A", "B", "C"], "y": [3, 1, 2], "marker": {"color": "#123456"}}]))
    [path] = paths_filled(root, "#123456")
    bars = sorted(rects(path))                     # left to right: A, B, C
    heights = [y1 - y0 for _x0, y0, _x1, y1 in bars]
    assert len(bars) == 3 and heights[0] > heights[2] > heights[1] > 0
    assert heights[0] / heights[1] == pytest.approx(3, rel=0.02)
    assert len({round(y1) for *_r, y1 in bars}) == 1          # one baseline


def test_horizontal_bars_draw_the_first_category_at_the_bottom():
    root = draw(figure([{"type": "bar", "orientation": "h", "y": ["Första", "Andra"], "x": [1, 2],
                         "marker": {"color": "#123456"}}]))
    ys = {t.text: float(t.get("y")) for t in root.iter(f"{NS}text")}
    assert ys["Första"] > ys["Andra"]
    [path] = paths_filled(root, "#123456")
    bottom, top = sorted(rects(path), key=lambda r: -r[1])
    assert (top[2] - top[0]) == pytest.approx(2 * (bottom[2] - bottom[0]), rel=0.02)


def test_stacked_bars_add_up_and_touch():
    traces = [{"type": "bar", "name": "A", "x": ["K1", "K2"], "y": [1, 3], "marker": {"color": "#111111"}},
              {"type": "bar", "name": "B", "x": ["K1", "K2"], "y": [3, 1], "marker": {"color": "#222222"}}]
    root = draw(figure(traces, barmode="stack"))
    [a] = paths_filled(root, "#111111")
    [b] = paths_filled(root, "#222222")
    a_bars, b_bars = sorted(rects(a)), sorted(rects(b))
    totals = [(ra[3] - ra[1]) + (rb[3] - rb[1]) for ra, rb in zip(a_bars, b_bars, strict=True)]
    assert totals[0] == pytest.approx(totals[1], abs=0.2)            # 1 + 3 == 3 + 1
    for ra, rb in zip(a_bars, b_bars, strict=True):
        assert rb[3] == pytest.approx(ra[1], abs=0.11)               # B starts where A ends
    assert "A" in texts(root) and "B" in texts(root)                 # legend


def test_relative_bars_put_negative_values_below_zero():
    traces = [{"type": "bar", "x": ["K1"], "y": [2], "marker": {"color": "#111111"}},
              {"type": "bar", "x": ["K1"], "y": [-1], "marker": {"color": "#222222"}},
              {"type": "bar", "x": ["K1"], "y": [1], "marker": {"color": "#333333"}}]
    root = draw(figure(traces, barmode="relative"))
    [(_x, pos_top, _x1, zero)] = rects(paths_filled(root, "#111111")[0])
    [(_x, neg_top, _x1, neg_bottom)] = rects(paths_filled(root, "#222222")[0])
    [(_x, third_top, _x1, third_bottom)] = rects(paths_filled(root, "#333333")[0])
    assert neg_top == pytest.approx(zero, abs=0.11) and neg_bottom > zero
    assert third_bottom == pytest.approx(pos_top, abs=0.11) and third_top < pos_top
    assert (neg_bottom - neg_top) == pytest.approx((zero - pos_top) / 2, rel=0.02)


def test_grouped_bars_stand_side_by_side_and_nulls_are_skipped():
    traces = [{"type": "bar", "x": ["K1", "K2"], "y": [2, None], "marker": {"color": "#111111"}},
              {"type": "bar", "x": ["K1", "K2"], "y": [2, 1], "marker": {"color": "#222222"}}]
    root = draw(figure(traces))
    a = rects(paths_filled(root, "#111111")[0])
    b = sorted(rects(paths_filled(root, "#222222")[0]))
    assert len(a) == 1 and len(b) == 2
    assert a[0][2] <= b[0][0] + 0.11                                  # A left of B, not overlapping


def test_a_patterned_series_fills_with_an_svg_pattern():
    traces = [{"type": "bar", "name": "Solid", "x": ["K1"], "y": [1], "marker": series_style(0)},
              {"type": "bar", "name": "Randig", "x": ["K1"], "y": [2], "marker": series_style(1)}]
    root = draw(figure(traces, barmode="stack"))
    patterns = {p.get("id"): p for p in root.iter(f"{NS}pattern")}
    assert len(patterns) == 1
    [pattern] = patterns.values()
    assert pattern.find(f"{NS}rect").get("fill") == PALETTE[1]             # the colour behind the stripes
    assert pattern.get("patternTransform") == "rotate(45)"                   # "/"
    fills = [p.get("fill") for p in root.iter(f"{NS}path")]
    assert PALETTE[0] in fills and f"url(#{next(iter(patterns))})" in fills
    swatches = [r.get("fill") for r in root.iter(f"{NS}rect") if r.get("width") == "14"]
    assert f"url(#{next(iter(patterns))})" in swatches                       # the legend shows it too


@pytest.mark.parametrize("shape", ["\\", "x", ".", "+", "-", "|"])
def test_every_pattern_shape_is_drawn(shape):
    marker = {"color": "#00476b", "pattern": {"shape": shape, "solidity": 0.4}}
    root = draw(figure([{"type": "bar", "x": ["K1"], "y": [1], "marker": marker}]))
    [pattern] = root.iter(f"{NS}pattern")
    assert list(pattern)                                                     # has marks
    assert "url(#" in "".join(p.get("fill", "") for p in root.iter(f"{NS}path"))


# --- scatter ------------------------------------------------------------------------------------


def test_lines_break_at_gaps_and_keep_their_dash_and_symbol():
    traces = [{"type": "scatter", "mode": "lines+markers", "name": "Plan", "x": ["2021", "2022", "2023", "2024"],
               "y": [1, 2, None, 4], "line": {"dash": "dash", "color": "#123456"}, "marker": {"symbol": "square"}},
              {"type": "scatter", "mode": "lines", "name": "Ram", "x": ["2021", "2024"], "y": [3, 3]}]
    root = draw(figure(traces))
    lines = [p for p in root.iter(f"{NS}path") if p.get("stroke") == "#123456" and p.get("fill") == "none"]
    [line] = lines
    assert line.get("d").count("M") == 2 and line.get("stroke-dasharray")
    markers = [p for p in root.iter(f"{NS}path") if p.get("fill") == "#123456"]
    assert markers and markers[0].get("d").count("M") == 3                      # three points, no gap marker
    assert {"2021", "2022", "2023", "2024", "Plan", "Ram"} <= set(texts(root))


def test_a_date_axis_has_year_ticks_and_long_labels_are_shortened():
    names = [f"DIG-{n:03d} " + "Sensorbaserad tillsyn och fallprevention i särskilt boende" for n in range(12)]
    xs, ys = [], []
    for n, name in enumerate(names):
        xs += [f"{2020 + n % 3}-03-01", f"{2023 + n % 3}-06-30", None]
        ys += [safe(name), safe(name), None]
    fig = figure([{"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "line": {"width": 6},
                   "showlegend": False}], "Tidslinje", height=300)
    root = draw(fig)
    labels = texts(root)
    years = sorted(int(t) for t in labels if t.isdigit())
    assert years and years == list(range(years[0], years[-1] + 1)) and years[0] >= 2020 and years[-1] <= 2025
    shortened = [t for t in labels if t.startswith("DIG-")]
    assert len(shortened) == 12 and all(t.endswith("…") for t in shortened)
    [line] = [p for p in root.iter(f"{NS}path") if p.get("stroke-width") == "6"]
    assert line.get("d").count("M") == 12
    # the first initiative is drawn at the bottom
    ys_of = {t.text[:7]: float(t.get("y")) for t in root.iter(f"{NS}text") if (t.text or "").startswith("DIG-")}
    assert ys_of["DIG-000"] > ys_of["DIG-001"] > ys_of["DIG-011"]


def test_point_text_labels_are_drawn():
    fig = figure([{"type": "scatter", "mode": "lines+markers+text", "x": ["2020", "2021"], "y": [75, 33],
                   "text": ["75 %", "33 %"], "textposition": "top center"}], yaxis={"range": [0, 105]})
    assert {"75 %", "33 %"} <= set(texts(draw(fig)))


# --- heatmap ------------------------------------------------------------------------------------


def test_heatmap_cells_and_counts():
    z = [[p * c for c in range(1, 6)] for p in range(1, 6)]
    text = [[str(p + c) if p == c else "" for c in range(5)] for p in range(5)]
    fig = figure([{"type": "heatmap", "z": z, "x": [f"K{c}" for c in range(1, 6)], "y": [f"S{p}" for p in range(1, 6)],
                   "zmin": 1, "zmax": 25, "text": text, "texttemplate": "%{text}", "xgap": 2, "ygap": 2,
                   "colorscale": [[0, "#b7dfc0"], [1, "#e8898b"]], "showscale": False,
                   "textfont": {"size": 16, "color": "#000000"}}], "Före åtgärd", "Konsekvens", "Sannolikhet")
    root = draw(fig)
    cells = sum(p.get("d").count("Z") for p in root.iter(f"{NS}path") if p.get("fill", "").startswith("#"))
    assert cells == 25
    fills = {p.get("fill") for p in root.iter(f"{NS}path")}
    assert "#b7dfc0" in fills and "#e8898b" in fills                 # the scale's ends at zmin and zmax
    counts = [t.text for t in root.iter(f"{NS}text") if t.get("fill") == "#000000"]
    assert sorted(counts) == ["0", "2", "4", "6", "8"]
    ys = {t.text: float(t.get("y")) for t in root.iter(f"{NS}text")}
    assert ys["S1"] > ys["S5"]                                          # S1 at the bottom
    assert "Konsekvens" in texts(root) and "Sannolikhet" in texts(root)


def test_heatmap_skips_missing_values_and_draws_a_colour_bar():
    fig = figure([{"type": "heatmap", "z": [[0, 50], [100, None]], "x": ["A", "B"], "y": ["R1", "R2"],
                   "zmin": 0, "zmax": 100, "text": [["0 %", "50 %"], ["100 %", "–"]], "texttemplate": "%{text}",
                   "colorscale": [[0, "rgb(247,251,255)"], [1, "rgb(8,48,107)"]],
                   "colorbar": {"title": {"text": "%"}}}])
    root = draw(fig)
    cells = sum(p.get("d").count("Z") for p in root.iter(f"{NS}path") if p.get("fill", "").startswith("#"))
    assert cells == 3 and "–" not in texts(root)
    assert root.find(f".//{NS}linearGradient") is not None and "%" in texts(root)


# --- numbers and text ---------------------------------------------------------------------------


def plain_texts(root: ElementTree.Element) -> set[str]:
    return {t.replace("\u00a0", " ").replace("\u2009", " ") for t in texts(root)}


def test_swedish_numbers_on_a_money_axis():
    fig = figure([{"type": "bar", "x": ["2021", "2022"], "y": [4590000, 2585000]}], y_title="Kronor")
    labels = plain_texts(draw(fig))
    assert {"0", "1 000 000", "2 000 000", "4 000 000"} <= labels
    fig["layout"]["yaxis"]["tickvals"] = [4590000]
    assert "4 590 000" in plain_texts(draw(fig))


def test_decimal_comma_and_tick_suffix():
    fig = figure([{"type": "bar", "x": ["A", "B"], "y": [1.5, 2.5]}], y_title="Mnkr")
    fig["layout"]["yaxis"]["ticksuffix"] = " mnkr"
    labels = plain_texts(draw(fig))
    assert {"0 mnkr", "1 mnkr", "1,5 mnkr", "2,5 mnkr"} <= labels and not any("." in t for t in labels)
    fig["layout"]["yaxis"].update(tickvals=[0, 1.5], ticktext=["noll", "1,5 mnkr (mål)"])
    labels = plain_texts(draw(fig))
    assert {"noll", "1,5 mnkr (mål)"} <= labels and "2,5 mnkr" not in labels


def test_tickformat_percent_and_prefix():
    fig = figure([{"type": "scatter", "x": ["A", "B"], "y": [0.25, 0.75]}])
    fig["layout"]["yaxis"].update(tickformat=".0%", tickprefix="≈")
    labels = plain_texts(draw(fig))
    assert "≈50%" in labels


def test_user_text_is_escaped():
    evil = "<script>alert('x')</script> & co"
    fig = figure([{"type": "bar", "orientation": "h", "y": [safe(evil), "Andra"], "x": [1, 2], "name": safe(evil)},
                  {"type": "bar", "orientation": "h", "y": ["Andra"], "x": [1], "name": "B"}],
                 title=evil)
    svg = svgchart.render(fig, title_alt=evil)
    assert svg is not None and "<script" not in svg and "&lt;script&gt;" in svg
    root = ElementTree.fromstring(svg)
    assert root.find(f"{NS}title").text == evil and root.get("role") == "img"
    assert any(t.startswith("<script>") for t in texts(root))           # shown as text, escaped once


def test_long_category_labels_on_the_x_axis_wrap_or_turn():
    areas = ["Digitalt hållbar stad och landsbygd", "Effektiva stödprocesser", "Självklar service",
             "Smart och individanpassad välfärd"]
    root = draw(figure([{"type": "bar", "x": areas, "y": [1, 2, 3, 4]}]))
    shown = " ".join(texts(root))
    assert "Digitalt hållbar" in shown and "Effektiva stödprocesser" in shown
    names = ["Grundskolenämnden", "Gymnasienämnden", "Kommunala bolag", "Kommunstyrelsen",
             "Kultur- och fritidsnämnden", "Servicenämnden", "Socialnämnden", "Stadsbyggnadsnämnden",
             "Vård- och omsorgsnämnden", "Överförmyndarnämnden", "Miljö- och räddningstjänstnämnden"]
    root = draw(figure([{"type": "bar", "x": names, "y": list(range(1, 12))}]))
    turned = [t for t in root.iter(f"{NS}text") if t.get("transform", "").startswith("rotate(-45")]
    assert len(turned) == len(names)


def test_a_legend_wraps_inside_the_figure():
    traces = [{"type": "bar", "name": f"Finansieringskälla nummer {n} med långt namn", "x": ["A"], "y": [n + 1],
               "marker": series_style(n)} for n in range(8)]
    root = draw(figure(traces, barmode="stack"))
    legend_rows = {t.get("y") for t in root.iter(f"{NS}text") if (t.text or "").startswith("Finansieringskälla")}
    assert len(legend_rows) >= 2


def test_traces_without_legend_and_single_traces_have_no_legend():
    root = draw(figure([{"type": "bar", "name": "Ensam", "x": ["A"], "y": [1]}]))
    assert "Ensam" not in texts(root)
    root = draw(figure([{"type": "bar", "name": "Syns", "x": ["A"], "y": [1]},
                        {"type": "bar", "name": "Också", "x": ["A"], "y": [2]},
                        {"type": "scatter", "name": "Dold", "x": ["A"], "y": [1], "showlegend": False}]))
    assert "Syns" in texts(root) and "Också" in texts(root) and "Dold" not in texts(root)


@pytest.mark.parametrize("fig", [
    {"data": [{"type": "pie", "labels": ["A"], "values": [1]}], "layout": {}},
    {"data": [{"type": "bar", "x": ["A"], "y": [1]}], "layout": {"yaxis": {"type": "log"}}},
    {"data": [{"type": "scatter", "x": [1], "y": [1], "fill": "tozeroy"}], "layout": {}},
    {"data": [{"type": "bar", "x": ["A"], "y": [1]}], "layout": {"annotations": [{"text": "x"}]}},
    {"data": [{"type": "bar", "x": ["A"], "y": [1], "marker": {"pattern": {"shape": "?"}}}], "layout": {}},
    {"data": [{"type": "scatter", "x": [1], "y": [1], "marker": {"symbol": "bowtie"}}], "layout": {}},
])
def test_what_it_cannot_draw_returns_none(fig):
    assert svgchart.render(fig) is None


def test_height_and_title_come_from_the_figure():
    fig = figure([{"type": "bar", "x": ["A"], "y": [1]}], "Rubrik", height=628)
    root = draw(fig, title_alt="Diagram: rubrik")
    assert root.get("height") == "628" and root.get("viewBox") == "0 0 900 628"
    assert root.find(f"{NS}title").text == "Diagram: rubrik"
    [title] = [t for t in root.iter(f"{NS}text") if t.text == "Rubrik"]
    assert float(title.get("x")) < 20                                   # left aligned
