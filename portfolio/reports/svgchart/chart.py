"""One figure drawn: plot area, traces, legend, title."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from portfolio.reports.svgchart.axes import (
    Axis,
    axis_kind,
    category_ticks,
    date_ticks,
    is_number,
    number_or,
    number_ticks,
    values_of,
)
from portfolio.reports.svgchart.style import (
    SYMBOLS,
    color_attr,
    coord,
    hex_color,
    luminance,
    number_format,
    parse_color,
    scale_color,
    symbol_base,
    symbol_path,
    tick_decimals,
)
from portfolio.reports.svgchart.text import (
    DEFAULT_FONT,
    DEFAULT_HEIGHT,
    ELLIPSIS,
    LABEL_LIMIT,
    Unsupported,
    esc,
    fit,
    plain,
    text_width,
    wrap,
)

# --- the figure ------------------------------------------------------------------------------------

_SUPPORTED_TRACES = {"bar", "scatter", "heatmap"}
_UNSUPPORTED_LAYOUT = ("annotations", "shapes", "images", "updatemenus", "sliders", "grid", "polar",
                       "geo", "mapbox", "map", "ternary", "scene", "smith", "xaxis2", "yaxis2")
_DASH_STYLES = {"solid": None, "dot": (1, 1), "dash": (3, 3), "longdash": (5, 5), "dashdot": (3, 1, 1, 1),
                "longdashdot": (5, 2, 1, 2)}
_PATTERN_SHAPES = {"", "/", "\\", "x", ".", "+", "-", "|"}


@dataclass
class Item:
    """A legend entry."""
    name: str
    kind: str                  # "bar" or "line"
    fill: str = ""
    color: str = "#000000"
    dash: str = ""
    symbol: str | None = None
    width: float = 2.0


class Chart:
    def __init__(self, figure: dict[str, Any], width: int, height: int | None, title_alt: str | None):
        if not isinstance(figure, dict):
            raise Unsupported("not a figure")
        self.data = [t for t in values_of(figure.get("data")) if isinstance(t, dict)]
        self.layout: dict[str, Any] = figure.get("layout") or {}
        self.width = float(width)
        self.height = float(height or number_or(self.layout.get("height"), DEFAULT_HEIGHT))
        self.title_alt = title_alt
        font = self.layout.get("font") or {}
        self.font_size = number_or(font.get("size"), 12)
        self.font_color = hex_color(font.get("color") or "#444444")
        self.colorway = list(self.layout.get("colorway") or ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                                "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                                                "#bcbd22", "#17becf"])
        self.defs: list[str] = []
        self.patterns: dict[tuple[Any, ...], str] = {}
        self.body: list[str] = []
        self.legend_items: list[Item] = []
        self.colorbar: dict[str, Any] | None = None

    # -- checks and axes --

    def check(self) -> None:
        for key in _UNSUPPORTED_LAYOUT:
            if self.layout.get(key):
                raise Unsupported(f"layout.{key}")
        for key in self.layout:
            if re.fullmatch(r"[xy]axis\d+", key):
                raise Unsupported(key)
        for trace in self.data:
            kind = trace.get("type") or "scatter"
            if kind not in _SUPPORTED_TRACES:
                raise Unsupported(f"trace type {kind}")
            if trace.get("xaxis", "x") != "x" or trace.get("yaxis", "y") != "y":
                raise Unsupported("more than one axis")
            for key in ("error_x", "error_y", "base", "offset", "width", "transforms"):
                if trace.get(key) not in (None, {}, []) and not (key == "width" and kind != "bar"):
                    raise Unsupported(f"{kind}.{key}")
            if kind == "bar" and trace.get("text") not in (None, [], "") and trace.get("textposition") != "none":
                raise Unsupported("bar text")
            if kind == "scatter" and trace.get("fill") not in (None, "none"):
                raise Unsupported("scatter fill")

    def visible(self) -> list[tuple[int, dict[str, Any]]]:
        return [(n, t) for n, t in enumerate(self.data) if t.get("visible", True) is True]

    def make_axes(self) -> None:
        xs: list[Any] = []
        ys: list[Any] = []
        x_cat = y_cat = False
        for _n, trace in self.visible():
            kind = trace.get("type") or "scatter"
            if kind == "heatmap":
                z = values_of(trace.get("z"))
                rows = len(z)
                cols = max((len(r) for r in z if isinstance(r, list)), default=0)
                trace.setdefault("x", list(range(cols)))
                trace.setdefault("y", list(range(rows)))
                x_cat = y_cat = True
            xs += values_of(trace.get("x"))
            ys += values_of(trace.get("y"))
            if kind == "bar":
                if trace.get("orientation") == "h":
                    y_cat = True
                else:
                    x_cat = True
        self.x = Axis("x", self.layout.get("xaxis") or {})
        self.y = Axis("y", self.layout.get("yaxis") or {})
        for axis, values, forced in ((self.x, xs, x_cat), (self.y, ys, y_cat)):
            axis.fmt = number_format(self.layout, axis.spec)
            axis.kind = axis_kind(axis.spec, values, forced)
            if forced and axis.kind != "category":
                raise Unsupported("bars or a heatmap on a number or date axis")
            if axis.kind == "category":
                order = axis.spec.get("categoryorder") or "trace"
                keys: list[str] = []
                seen: set[str] = set()
                for value in values:
                    if value is None:
                        continue
                    key = axis.key(value)
                    if key not in seen:
                        seen.add(key)
                        keys.append(key)
                if order == "array":
                    wanted = [axis.key(v) for v in values_of(axis.spec.get("categoryarray"))]
                    keys = wanted + [k for k in keys if k not in wanted]
                elif order == "category ascending":
                    keys.sort()
                elif order == "category descending":
                    keys.sort(reverse=True)
                elif order != "trace":
                    raise Unsupported(f"categoryorder {order}")
                axis.categories = keys
                axis.lo, axis.hi = -0.5, max(0, len(keys) - 1) + 0.5

    # -- bars --

    def bar_geometry(self) -> list[tuple[int, dict[str, Any], list[tuple[float, float, float, float]]]]:
        """Each bar trace's bars as (position, offset, base, top) in axis units."""
        bars = [(n, t) for n, t in self.visible() if (t.get("type") or "scatter") == "bar"]
        if not bars:
            return []
        mode = self.layout.get("barmode") or "group"
        if mode not in ("group", "stack", "relative", "overlay"):
            raise Unsupported(f"barmode {mode}")
        gap = number_or(self.layout.get("bargap"), 0.2)
        groupgap = number_or(self.layout.get("bargroupgap"), 0.0)
        slots = len(bars) if mode == "group" else 1
        slot = (1 - gap) / slots
        width = slot * (1 - groupgap)
        positive: dict[float, float] = {}
        negative: dict[float, float] = {}
        out = []
        for slot_n, (n, trace) in enumerate(bars):
            horizontal = trace.get("orientation") == "h"
            cat_axis, cats, vals = ((self.y, values_of(trace.get("y")), values_of(trace.get("x"))) if horizontal
                                    else (self.x, values_of(trace.get("x")), values_of(trace.get("y"))))
            if not cats and vals:
                cats = list(range(len(vals)))
            rects = []
            for cat, value in zip(cats, vals, strict=False):
                position = cat_axis.index(cat)
                if position is None or not is_number(value):
                    continue
                value = float(value)
                offset = (-(1 - gap) / 2 + slot * (slot_n if mode == "group" else 0)
                          + (slot - width) / 2)
                if mode in ("stack", "relative"):
                    stacks = negative if (mode == "relative" and value < 0) else positive
                    base = stacks.get(position, 0.0)
                    stacks[position] = base + value
                    rects.append((position + offset, width, base, base + value))
                else:
                    rects.append((position + offset, width, 0.0, value))
            out.append((n, trace, rects))
        return out

    def bar_style(self, n: int, trace: dict[str, Any]) -> str:
        marker = trace.get("marker") or {}
        color = marker.get("color")
        if isinstance(color, list):
            raise Unsupported("a colour per bar")
        color = color or self.colorway[n % len(self.colorway)]
        pattern = marker.get("pattern") or {}
        shape = pattern.get("shape") or ""
        if isinstance(shape, list) or shape not in _PATTERN_SHAPES:
            raise Unsupported(f"pattern {shape!r}")
        opacity = marker.get("opacity", trace.get("opacity"))
        extra = f' fill-opacity="{number_or(opacity, 1.0):.3g}"' if number_or(opacity, 1.0) < 1 else ""
        if not shape:
            return color_attr(color) + extra
        overlay = pattern.get("fillmode") == "overlay"
        if overlay:
            bg = pattern.get("bgcolor") or color
            fg = pattern.get("fgcolor") or ("#ffffff" if luminance(parse_color(bg)[:3]) < 0.5 else "#444444")
        else:
            fg = pattern.get("fgcolor") or color
            bg = pattern.get("bgcolor") or "transparent"
        size = number_or(pattern.get("size"), 8)
        solidity = min(1.0, max(0.05, number_or(pattern.get("solidity"), 0.3)))
        return f'fill="url(#{self.pattern_id(shape, fg, bg, size, solidity)})"' + extra

    def pattern_id(self, shape: str, fg: str, bg: str, size: float, solidity: float) -> str:
        key = (shape, fg, bg, size, solidity)
        if key in self.patterns:
            return self.patterns[key]
        pid = f"p{len(self.patterns)}"
        self.patterns[key] = pid
        s = coord(size)
        half = coord(size / 2)
        rotate = {"/": ' patternTransform="rotate(45)"', "\\": ' patternTransform="rotate(-45)"',
                  "x": ' patternTransform="rotate(45)"'}.get(shape, "")
        parts = [f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="{s}" height="{s}"{rotate}>']
        if parse_color(bg)[3] > 0:
            parts.append(f'<rect width="{s}" height="{s}" {color_attr(bg)}/>')
        if shape == ".":
            radius = math.sqrt(solidity * size * size / math.pi)
            parts.append(f'<circle cx="{half}" cy="{half}" r="{coord(radius)}" {color_attr(fg)}/>')
        else:
            line = size * solidity if shape in ("/", "\\", "-", "|") else size * (1 - math.sqrt(1 - solidity))
            d = {"/": f"M{half},0V{s}", "\\": f"M{half},0V{s}", "|": f"M{half},0V{s}", "-": f"M0,{half}H{s}",
                 "x": f"M{half},0V{s}M0,{half}H{s}", "+": f"M{half},0V{s}M0,{half}H{s}"}[shape]
            parts.append(f'<path d="{d}" {color_attr(fg, "stroke")} stroke-width="{coord(max(0.5, line))}"/>')
        parts.append("</pattern>")
        self.defs.append("".join(parts))
        return pid

    # -- ranges --

    def value_ranges(self, bars: list[tuple[int, dict[str, Any], list[tuple[float, float, float, float]]]]
                     ) -> None:
        extents: dict[str, list[float]] = {"x": [], "y": []}
        anchored: dict[str, bool] = {"x": False, "y": False}
        markers = {"x": False, "y": False}
        for _n, trace, rects in bars:
            letter = "x" if trace.get("orientation") == "h" else "y"
            anchored[letter] = True
            for _p, _w, base, top in rects:
                extents[letter] += [base, top]
        for _n, trace in self.visible():
            if (trace.get("type") or "scatter") != "scatter":
                continue
            mode = trace.get("mode") or "lines+markers"
            for axis in (self.x, self.y):
                if axis.kind == "category":
                    continue
                for value in values_of(trace.get(axis.letter)):
                    position = axis.index(value)
                    if position is not None:
                        extents[axis.letter].append(position)
                if "markers" in mode or "text" in mode:
                    markers[axis.letter] = True
        for axis in (self.x, self.y):
            if axis.kind == "category":
                continue
            given = axis.spec.get("range")
            if isinstance(given, list) and len(given) == 2 and all(v is not None for v in given):
                lo, hi = (axis.index(v) if axis.kind == "date" else number_or(v, 0) for v in given)
                if lo is None or hi is None:
                    raise Unsupported("axis range")
                if lo > hi:
                    raise Unsupported("reversed axis")
                axis.lo, axis.hi = lo, hi
                continue
            if axis.spec.get("autorange") == "reversed":
                raise Unsupported("reversed axis")
            values = extents[axis.letter] or [0.0, 1.0]
            axis.integers = axis.kind == "linear" and all(float(v).is_integer() for v in values)
            lo, hi = min(values), max(values)
            if anchored[axis.letter]:
                lo, hi = min(lo, 0.0), max(hi, 0.0)
            if lo == hi:
                lo, hi = (lo - 1, hi + 1) if axis.kind == "linear" else (lo - 30, hi + 30)
            pad = (hi - lo) * (0.05 if axis.kind == "linear" else 0.03)
            if anchored[axis.letter]:
                lo = lo - pad if lo < 0 else lo
                hi = hi + pad if hi > 0 else hi
            elif markers[axis.letter] or axis.kind == "date":
                lo, hi = lo - pad, hi + pad
            axis.lo, axis.hi = lo, hi

    def make_ticks(self, axis: Axis, length: float) -> None:
        if axis.kind == "category":
            category_ticks(axis)
        elif axis.kind == "date":
            date_ticks(axis, max(2.0, min(12.0, length / (70 if axis.letter == "x" else 50))))
        else:
            target = max(2.0, min(10.0, length / (80 if axis.letter == "x" else 42)))
            number_ticks(axis, target)
            if axis.letter == "x" and axis.spec.get("tickvals") is None:
                for _ in range(4):
                    widest = max((text_width(t, self.tick_size) for _v, t in axis.ticks), default=0)
                    if len(axis.ticks) < 2 or widest + 16 <= length / len(axis.ticks):
                        break
                    target = max(1.0, len(axis.ticks) / 2 - 1)
                    number_ticks(axis, target)

    # -- layout --

    def svg(self) -> str:
        self.check()
        self.make_axes()
        bars = self.bar_geometry()
        self.value_ranges(bars)
        heatmaps = [(n, t) for n, t in self.visible() if t.get("type") == "heatmap"]
        for _n, trace in heatmaps:
            if trace.get("showscale", True) is not False and self.colorbar is None:
                self.colorbar = trace
        self.tick_size = number_or(((self.x.spec.get("tickfont") or {}).get("size")), self.font_size)
        self.collect_legend(bars)

        size = self.font_size
        width = self.width
        margin = self.layout.get("margin") or {}
        m_l, m_r = number_or(margin.get("l"), 80), number_or(margin.get("r"), 80)
        m_t, m_b = number_or(margin.get("t"), 100), number_or(margin.get("b"), 80)

        # title
        title_spec = self.layout.get("title") or {}
        title = plain(title_spec)
        title_size = number_or((title_spec.get("font") or {}).get("size") if isinstance(title_spec, dict) else None,
                          round(size * 1.3))
        title_lines = wrap(title, width - 20, title_size, 2) if title else []
        title_bottom = 8 + len(title_lines) * title_size * 1.25

        # legend rows
        legend_rows = self.legend_layout(width - 20)
        legend_h = len(legend_rows) * (size + 8) + (8 if legend_rows else 0)

        x_title = plain(self.x.spec.get("title") or {})
        y_title = plain(self.y.spec.get("title") or {})
        right_extra = 70.0 if self.colorbar is not None else 0.0

        top = max(m_t, title_bottom + 14) if title_lines else max(12.0, min(m_t, 30.0))
        left = max(m_l, 40.0)
        right = max(m_r, 12.0) + right_extra
        x_block = 0.0
        y_label_lines: list[list[str]] = []
        x_label_lines: list[list[str]] = []
        rotate = False
        first_half = 0.0
        height = self.height
        state: tuple[float, ...] = ()
        for _round in range(6):
            bottom = max(m_b, x_block + (size * 1.6 if x_title else 0) + 6) + legend_h
            plot_h = max(60.0, height - top - bottom)
            self.y.start, self.y.end = top + plot_h, top
            self.make_ticks(self.y, plot_h)
            y_label_lines = self.y_labels(plot_h)
            y_label_w = max((text_width(line, self.tick_size) for lines in y_label_lines for line in lines),
                            default=0)
            left = max(m_l, y_label_w + 10 + (size * 1.5 + 6 if y_title else 0) + 4, first_half + 4)
            plot_w = max(60.0, width - left - right)
            self.x.start, self.x.end = left, left + plot_w
            self.make_ticks(self.x, plot_w)
            x_label_lines, rotate, x_block = self.x_labels(plot_w, left)
            if not rotate and self.x.kind != "category" and x_label_lines:
                first_half = max(text_width(line, self.tick_size) for line in x_label_lines[0]) / 2
            if not rotate and self.x.ticks:
                last_w = max(text_width(line, self.tick_size) for line in x_label_lines[-1]) if x_label_lines[-1] \
                    else 0
                overhang = self.x.px(self.x.ticks[-1][0]) + last_w / 2 + 4 - width
                if overhang > 0 and right < m_r + right_extra + overhang:
                    right = max(m_r, 12.0) + right_extra + overhang
            bottom = max(m_b, x_block + (size * 1.6 if x_title else 0) + 6) + legend_h
            height = max(height, top + 60 + bottom)
            if (x_block, left, right, height) == state:
                break
            state = (x_block, left, right, height)
        plot_bottom = self.y.start
        plot_w = self.x.end - self.x.start
        plot_h = self.y.start - self.y.end
        self.height = height

        out = self.body
        # grid lines and zero lines
        grid = []
        for axis in (self.x, self.y):
            if axis.kind == "category" or axis.spec.get("showgrid") is False:
                continue
            color = axis.spec.get("gridcolor") or "#eeeeee"
            d = []
            for value, _text in axis.ticks:
                p = axis.px(value)
                if axis.letter == "x":
                    d.append(f"M{coord(p)},{coord(self.y.end)}V{coord(plot_bottom)}")
                else:
                    d.append(f"M{coord(self.x.start)},{coord(p)}H{coord(self.x.end)}")
            if d:
                grid.append(f'<path d="{"".join(d)}" {color_attr(color, "stroke")} stroke-width="1"/>')
        out += grid

        self.draw_heatmaps(heatmaps)
        self.draw_bars(bars)
        for axis in (self.x, self.y):
            if axis.kind == "linear" and axis.lo < 0 < axis.hi and axis.spec.get("zeroline") is not False:
                p = axis.px(0.0)
                zero = (f"M{coord(p)},{coord(self.y.end)}V{coord(plot_bottom)}" if axis.letter == "x"
                        else f"M{coord(self.x.start)},{coord(p)}H{coord(self.x.end)}")
                out.append(f'<path d="{zero}" stroke="#6b7280" stroke-width="1"/>')
        self.draw_scatters()

        # axis labels
        ts = self.tick_size
        labels = [f'<g font-size="{coord(ts)}">']
        if self.x.ticks:
            if rotate:
                labels.append('<g text-anchor="end">')
                for (value, _t), lines in zip(self.x.ticks, x_label_lines, strict=False):
                    px, py = self.x.px(value), plot_bottom + 8
                    labels.append(f'<text x="{coord(px)}" y="{coord(py + ts * 0.35)}" '
                                  f'transform="rotate(-45 {coord(px)} {coord(py)})">{esc(lines[0])}</text>')
                labels.append("</g>")
            else:
                labels.append('<g text-anchor="middle">')
                for (value, _t), lines in zip(self.x.ticks, x_label_lines, strict=False):
                    px = self.x.px(value)
                    for k, line in enumerate(lines):
                        labels.append(f'<text x="{coord(px)}" y="{coord(plot_bottom + 6 + ts * (k + 1) * 1.15)}">'
                                      f'{esc(line)}</text>')
                labels.append("</g>")
        if self.y.ticks:
            labels.append('<g text-anchor="end">')
            for (value, _t), lines in zip(self.y.ticks, y_label_lines, strict=False):
                py = self.y.px(value)
                first = py + ts * 0.35 - (len(lines) - 1) * ts * 0.575
                for k, line in enumerate(lines):
                    labels.append(f'<text x="{coord(self.x.start - 8)}" y="{coord(first + k * ts * 1.15)}">'
                                  f'{esc(line)}</text>')
            labels.append("</g>")
        labels.append("</g>")
        out += labels

        title_font = size * 1.05
        if x_title:
            tx = fit(x_title, plot_w, title_font)
            ty = plot_bottom + x_block + title_font * 1.2
            out.append(f'<text x="{coord(self.x.start + plot_w / 2)}" y="{coord(ty)}" text-anchor="middle" '
                       f'font-size="{coord(title_font)}">{esc(tx)}</text>')
        if y_title:
            shown = fit(y_title, plot_h, title_font)
            cx, cy = 6 + title_font * 0.85, self.y.end + plot_h / 2
            out.append(f'<text x="{coord(cx)}" y="{coord(cy)}" text-anchor="middle" font-size="{coord(title_font)}" '
                       f'transform="rotate(-90 {coord(cx)} {coord(cy)})">{esc(shown)}</text>')
        if self.colorbar is not None:
            self.draw_colorbar(self.colorbar, self.x.end + 16, self.y.end, plot_h)
        for k, line in enumerate(title_lines):
            out.append(f'<text x="10" y="{coord(8 + title_size * (k + 1) * 1.1)}" font-size="{coord(title_size)}">'
                       f'{esc(line)}</text>')
        self.draw_legend(legend_rows, height - legend_h + 4)
        return self.document()

    def y_labels(self, plot_h: float) -> list[list[str]]:
        limit = self.width * LABEL_LIMIT
        ts = self.tick_size
        if self.y.kind != "category":
            return [[fit(text, limit, ts)] for _v, text in self.y.ticks]
        lines = 2 if self.y.band >= ts * 2.6 else 1
        return [wrap(text, limit, ts, lines) if lines > 1 else [fit(text, limit, ts)]
                for _v, text in self.y.ticks]

    def x_labels(self, plot_w: float, left: float) -> tuple[list[list[str]], bool, float]:
        """The x tick labels' lines, whether they are turned 45°, and the height they take."""
        ts = self.tick_size
        texts = [text for _v, text in self.x.ticks]
        if not texts:
            return [], False, 8.0
        if self.x.kind != "category":
            labels = [[fit(t, plot_w / 2, ts)] for t in texts]
            return labels, False, ts * 1.15 + 10
        room = max(self.x.band, 1.0) * (len(self.x.categories) / max(1, len(texts))) - 6
        wrapped = [wrap(t, room, ts, 3) for t in texts]
        if all(not line.endswith(ELLIPSIS) for lines in wrapped for line in lines):
            rows = max(len(lines) for lines in wrapped)
            return wrapped, False, rows * ts * 1.15 + 10
        limit = min(self.width * LABEL_LIMIT * 0.8, 260.0)
        rotated = [[fit(t, limit, ts)] for t in texts]
        widest = max(text_width(lines[0], ts) for lines in rotated)
        # the first label reaches left of its tick: never past the SVG's edge
        first_px = self.x.px(self.x.ticks[0][0])
        reach = first_px - 4
        if widest * 0.7071 > reach:
            cap = reach / 0.7071
            rotated = [[fit(lines[0], cap, ts)] if self.x.px(v) - text_width(lines[0], ts) * 0.7071 < 4
                       else lines for (v, _t), lines in zip(self.x.ticks, rotated, strict=False)]
            widest = max(text_width(lines[0], ts) for lines in rotated)
        return rotated, True, widest * 0.7071 + ts + 12

    # -- legend --

    def collect_legend(self, bars: list[Any]) -> None:
        entries = []
        for n, trace in self.visible():
            kind = trace.get("type") or "scatter"
            if kind == "heatmap" or trace.get("showlegend") is False:
                continue
            name = plain(trace.get("name"))
            if kind == "bar":
                entries.append(Item(name or f"trace {n}", "bar", fill=self.bar_style(n, trace)))
            else:
                color, dash, symbol, lw, mode = self.line_style(n, trace)
                entries.append(Item(name or f"trace {n}", "line", color=color, dash=dash,
                                    symbol=symbol if "markers" in mode else None,
                                    width=min(lw, 4) if "lines" in mode else 0))
        shown = self.layout.get("showlegend")
        if shown is False or (shown is None and len(entries) < 2):
            entries = []
        self.legend_items = entries

    def legend_layout(self, room: float) -> list[list[tuple[Item, str, float]]]:
        size = self.font_size
        rows: list[list[tuple[Item, str, float]]] = []
        row: list[tuple[Item, str, float]] = []
        used = 0.0
        for item in self.legend_items:
            label = fit(item.name, room - 40, size)
            w = 34 + text_width(label, size) + 18
            if row and used + w > room:
                rows.append(row)
                row, used = [], 0.0
            row.append((item, label, w))
            used += w
        if row:
            rows.append(row)
        return rows

    def draw_legend(self, rows: list[list[tuple[Item, str, float]]], top: float) -> None:
        if not rows:
            return
        size = self.font_size
        out = [f'<g font-size="{coord(size)}">']
        for r, row in enumerate(rows):
            x = 10.0
            cy = top + r * (size + 8) + (size + 8) / 2
            for item, label, w in row:
                if item.kind == "bar":
                    out.append(f'<rect x="{coord(x + 6)}" y="{coord(cy - 7)}" width="14" height="14" {item.fill}/>')
                else:
                    if item.width:
                        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
                        out.append(f'<path d="M{coord(x)},{coord(cy)}h26" stroke="{item.color}" '
                                   f'stroke-width="{coord(item.width)}"{dash}/>')
                    if item.symbol:
                        out.append(f'<path d="{symbol_path(item.symbol, x + 13, cy, 4)}" '
                                   f'{self.marker_paint(item.symbol, item.color)}/>')
                out.append(f'<text x="{coord(x + 32)}" y="{coord(cy + size * 0.35)}">{esc(label)}</text>')
                x += w
        out.append("</g>")
        self.body += out

    # -- drawing traces --

    def draw_bars(self, bars: list[tuple[int, dict[str, Any], list[tuple[float, float, float, float]]]]) -> None:
        for n, trace, rects in bars:
            horizontal = trace.get("orientation") == "h"
            d = []
            for position, width, base, top in rects:
                if base == top:
                    continue
                if horizontal:
                    x0, x1 = sorted((self.x.px(base), self.x.px(top)))
                    y0, y1 = sorted((self.y.px(position), self.y.px(position + width)))
                else:
                    x0, x1 = sorted((self.x.px(position), self.x.px(position + width)))
                    y0, y1 = sorted((self.y.px(base), self.y.px(top)))
                x0, x1 = max(x0, self.x.start), min(x1, self.x.end)
                y0, y1 = max(y0, self.y.end), min(y1, self.y.start)
                if x1 - x0 <= 0 or y1 - y0 <= 0:
                    continue
                d.append(f"M{coord(x0)},{coord(y0)}H{coord(x1)}V{coord(y1)}H{coord(x0)}Z")
            if d:
                self.body.append(f'<path d="{"".join(d)}" {self.bar_style(n, trace)}/>')

    def line_style(self, n: int, trace: dict[str, Any]) -> tuple[str, str, str, float, str]:
        marker = trace.get("marker") or {}
        line = trace.get("line") or {}
        default = self.colorway[n % len(self.colorway)]
        marker_color = marker.get("color")
        if isinstance(marker_color, list):
            raise Unsupported("a colour per marker")
        color = hex_color(line.get("color") or marker_color or default)
        width = number_or(line.get("width"), 2)
        dash = line.get("dash") or "solid"
        if dash in _DASH_STYLES:
            pattern = _DASH_STYLES[dash]
            unit = max(width, 3)
            dasharray = ",".join(coord(p * unit) for p in pattern) if pattern else ""
        elif re.fullmatch(r"[\d.]+(px)?(\s*,\s*[\d.]+(px)?)*", str(dash)):
            dasharray = str(dash).replace("px", "").replace(" ", "")
        else:
            raise Unsupported(f"dash {dash}")
        symbol = marker.get("symbol") or "circle"
        if isinstance(symbol, list) or symbol_base(symbol) not in SYMBOLS:
            raise Unsupported(f"marker symbol {symbol!r}")
        mode = trace.get("mode") or ("lines+markers" if len(values_of(trace.get("x"))) < 20 else "lines")
        return color, dasharray, str(symbol), width, mode

    def marker_paint(self, symbol: str, color: str) -> str:
        if symbol.endswith("-open"):
            return f'fill="none" stroke="{color}" stroke-width="1.5"'
        return f'fill="{color}"'

    def draw_scatters(self) -> None:
        for n, trace in self.visible():
            if (trace.get("type") or "scatter") != "scatter":
                continue
            color, dash, symbol, lw, mode = self.line_style(n, trace)
            xs, ys = values_of(trace.get("x")), values_of(trace.get("y"))
            if not xs and ys:
                xs = list(range(len(ys)))
            if not ys and xs:
                raise Unsupported("scatter without y")
            points: list[tuple[float, float] | None] = []
            for xv, yv in zip(xs, ys, strict=False):
                px, py = self.x.index(xv), self.y.index(yv)
                points.append(None if px is None or py is None else (self.x.px(px), self.y.px(py)))
            if "lines" in mode and lw > 0:
                d = []
                pen = False
                for point in points:
                    if point is None:
                        if not trace.get("connectgaps"):
                            pen = False
                        continue
                    d.append(("L" if pen else "M") + f"{coord(point[0])},{coord(point[1])}")
                    pen = True
                if d:
                    dashed = f' stroke-dasharray="{dash}"' if dash else ""
                    self.body.append(f'<path d="{"".join(d)}" fill="none" stroke="{color}" stroke-width="{coord(lw)}"'
                                     f' stroke-linejoin="round"{dashed}/>')
            marker = trace.get("marker") or {}
            radius = number_or(marker.get("size"), 6) / 2
            if isinstance(marker.get("size"), list):
                raise Unsupported("a size per marker")
            if "markers" in mode:
                d = [symbol_path(symbol, p[0], p[1], radius) for p in points if p is not None and
                     self.x.start - 1 <= p[0] <= self.x.end + 1 and self.y.end - 1 <= p[1] <= self.y.start + 1]
                if d:
                    self.body.append(f'<path d="{"".join(d)}" {self.marker_paint(symbol, color)}/>')
            if "text" in mode:
                self.draw_point_texts(trace, points, radius, color)

    def draw_point_texts(self, trace: dict[str, Any], points: list[tuple[float, float] | None], radius: float,
                         color: str) -> None:
        texts = trace.get("text")
        if texts is None:
            return
        texts = texts if isinstance(texts, list) else [texts] * len(points)
        position = str(trace.get("textposition") or "middle center")
        if isinstance(trace.get("textposition"), list):
            raise Unsupported("a text position per point")
        vertical, _space, horizontal = position.partition(" ")
        font = trace.get("textfont") or {}
        size = number_or(font.get("size"), self.font_size)
        fill = hex_color(font.get("color") or self.font_color)
        anchor = {"left": "end", "right": "start"}.get(horizontal, "middle")
        out = [f'<g font-size="{coord(size)}" fill="{fill}" text-anchor="{anchor}">']
        for point, text in zip(points, texts, strict=False):
            if point is None or text in (None, ""):
                continue
            label = plain(text)
            w = text_width(label, size)
            x, y = point
            if vertical == "top":
                y = y - radius - 4
            elif vertical == "bottom":
                y = y + radius + 4 + size * 0.8
            else:
                y = y + size * 0.35
            if horizontal == "left":
                x -= radius + 3
            elif horizontal == "right":
                x += radius + 3
            lo = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
            x += max(0.0, 2 - lo) - max(0.0, lo + w - (self.width - 2))
            y = min(max(y, size), self.height - 2)
            out.append(f'<text x="{coord(x)}" y="{coord(y)}">{esc(label)}</text>')
        out.append("</g>")
        self.body += out

    def draw_heatmaps(self, heatmaps: list[tuple[int, dict[str, Any]]]) -> None:
        for _n, trace in heatmaps:
            z = values_of(trace.get("z"))
            xs, ys = values_of(trace.get("x")), values_of(trace.get("y"))
            flat = [v for row in z for v in (row if isinstance(row, list) else []) if is_number(v)]
            zmin = number_or(trace.get("zmin"), min(flat, default=0))
            zmax = number_or(trace.get("zmax"), max(flat, default=1))
            scale = trace.get("colorscale")
            if not isinstance(scale, list):
                raise Unsupported(f"colorscale {scale!r}")
            if trace.get("reversescale"):
                scale = [[1 - float(p), c] for p, c in reversed(scale)]
            xgap, ygap = number_or(trace.get("xgap"), 0), number_or(trace.get("ygap"), 0)
            template = trace.get("texttemplate")
            texts = trace.get("text")
            font = trace.get("textfont") or {}
            tsize = number_or(font.get("size"), self.font_size)
            tcolor = font.get("color")
            if template and re.search(r"%\{(?!text\}|z\}|x\}|y\})", str(template)):
                raise Unsupported(f"texttemplate {template}")
            cells: dict[str, list[str]] = {}
            labels: list[str] = []
            bw, bh = self.x.band, self.y.band
            for r, row in enumerate(z):
                if not isinstance(row, list) or r >= len(ys):
                    continue
                for c, value in enumerate(row):
                    if c >= len(xs) or not is_number(value):
                        continue
                    px, py = self.x.index(xs[c]), self.y.index(ys[r])
                    if px is None or py is None:
                        continue
                    t = 0.5 if zmax == zmin else (float(value) - zmin) / (zmax - zmin)
                    rgb = scale_color(scale, t)
                    fill = f"#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}"
                    cx, cy = self.x.px(px), self.y.px(py)
                    x0, y0 = cx - bw / 2 + xgap / 2, cy - bh / 2 + ygap / 2
                    w, h = bw - xgap, bh - ygap
                    if w > 0 and h > 0:
                        cells.setdefault(fill, []).append(
                            f"M{coord(x0)},{coord(y0)}h{coord(w)}v{coord(h)}h{coord(-w)}Z")
                    if template:
                        text_value = ""
                        if isinstance(texts, list) and r < len(texts) and isinstance(texts[r], list) \
                                and c < len(texts[r]):
                            text_value = plain(texts[r][c])
                        label = (str(template).replace("%{text}", text_value)
                                 .replace("%{z}", self.x.fmt(float(value), tick_decimals(abs(value) % 1 or 1)))
                                 .replace("%{x}", plain(xs[c])).replace("%{y}", plain(ys[r])))
                        label = plain(label)
                        if label:
                            color = hex_color(tcolor) if tcolor else ("#000000" if luminance(rgb) > 0.5
                                                                       else "#ffffff")
                            label = fit(label, max(w - 2, tsize), tsize)
                            labels.append(f'<text x="{coord(cx)}" y="{coord(cy + tsize * 0.35)}" fill="{color}">'
                                          f'{esc(label)}</text>')
            for fill, parts in cells.items():
                self.body.append(f'<path d="{"".join(parts)}" fill="{fill}"/>')
            if labels:
                self.body.append(f'<g font-size="{coord(tsize)}" text-anchor="middle">' + "".join(labels) + "</g>")

    def draw_colorbar(self, trace: dict[str, Any], x: float, top: float, length: float) -> None:
        scale = trace.get("colorscale") or []
        z = [v for row in values_of(trace.get("z")) for v in (row if isinstance(row, list) else []) if is_number(v)]
        zmin = number_or(trace.get("zmin"), min(z, default=0))
        zmax = number_or(trace.get("zmax"), max(z, default=1))
        stops = "".join(f'<stop offset="{float(p):.3g}" stop-color="{hex_color(c)}"/>' for p, c in scale)
        self.defs.append(f'<linearGradient id="cb" x1="0" y1="1" x2="0" y2="0">{stops}</linearGradient>')
        bar_h = max(40.0, length)
        self.body.append(f'<rect x="{coord(x)}" y="{coord(top)}" width="14" height="{coord(bar_h)}" fill="url(#cb)"/>')
        axis = Axis("y", {}, fmt=self.y.fmt, lo=zmin, hi=zmax if zmax > zmin else zmin + 1,
                    start=top + bar_h, end=top)
        number_ticks(axis, max(2.0, bar_h / 60))
        size = self.tick_size
        parts = [f'<g font-size="{coord(size)}">']
        for value, text in axis.ticks:
            parts.append(f'<text x="{coord(x + 18)}" y="{coord(axis.px(value) + size * 0.35)}">'
                         f'{esc(fit(text, self.width - x - 20, size))}</text>')
        title = plain((trace.get("colorbar") or {}).get("title"))
        if title:
            parts.append(f'<text x="{coord(x)}" y="{coord(max(size, top - 6))}">'
                         f'{esc(fit(title, self.width - x - 4, size))}</text>')
        parts.append("</g>")
        self.body += parts

    def document(self) -> str:
        w, h = coord(self.width), coord(math.ceil(self.height))
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
                f'role="img" font-family="{DEFAULT_FONT}" font-size="{coord(self.font_size)}" '
                f'fill="{self.font_color}">')
        parts = [head]
        if self.title_alt:
            parts.append(f"<title>{esc(self.title_alt)}</title>")
        parts.append(f'<rect width="{w}" height="{h}" fill="#ffffff"/>')
        if self.defs:
            parts.append("<defs>" + "".join(self.defs) + "</defs>")
        parts += self.body
        parts.append("</svg>")
        return "".join(parts)
