"""Numbers, colours and marker symbols of the charts."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from portfolio.reports.svgchart.text import MINUS, Unsupported

# --- numbers -------------------------------------------------------------------------------------

@dataclass
class NumberFormat:
    """Tick label numbers: decimal mark and thousands separator from layout.separators."""
    decimal: str = "."
    thousands: str = ","
    group: bool = True

    def __call__(self, value: float, decimals: int, group: bool | None = None) -> str:
        decimals = max(0, min(decimals, 12))
        text = f"{abs(value):.{decimals}f}"
        whole, _dot, frac = text.partition(".")
        if (self.group if group is None else group) or len(whole) > 4:
            parts: list[str] = []
            while len(whole) > 3:
                parts.insert(0, whole[-3:])
                whole = whole[:-3]
            whole = self.thousands.join([whole] + parts)
        out = whole + (self.decimal + frac if frac else "")
        negative = value < 0 and any(ch not in "0" for ch in text.replace(".", ""))
        return (MINUS if negative else "") + out


def number_format(layout: dict[str, Any], axis: dict[str, Any] | None = None) -> NumberFormat:
    separators = layout.get("separators") or ".,"
    decimal = separators[0]
    thousands = separators[1] if len(separators) > 1 else ","
    if thousands == " ":
        thousands = "\u00a0"
    group = bool((axis or {}).get("separatethousands", False))
    return NumberFormat(decimal, thousands, group)


D3_FORMAT = re.compile(r"^(~)?(,)?(?:\.(\d+))?([fd%]?)$")


def tick_decimals(step: float) -> int:
    if step <= 0 or step >= 1:
        return 0
    decimals = int(math.ceil(-math.log10(step) - 1e-9))
    while decimals < 10 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    return decimals


# --- colours -------------------------------------------------------------------------------------

_NAMED = {"white": (255, 255, 255), "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0),
          "blue": (0, 0, 255), "grey": (128, 128, 128), "gray": (128, 128, 128)}


def parse_color(value: Any) -> tuple[int, int, int, float]:
    """An (r, g, b, alpha) from "#rgb", "#rrggbb", "rgb(...)", "rgba(...)" or a few names."""
    if not isinstance(value, str):
        raise Unsupported(f"colour {value!r}")
    text = value.strip().lower()
    if text in ("transparent", "none"):
        return (0, 0, 0, 0.0)
    if text in _NAMED:
        return (*_NAMED[text], 1.0)
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        return (int(text[1] * 2, 16), int(text[2] * 2, 16), int(text[3] * 2, 16), 1.0)
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16), 1.0)
    match = re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)", text)
    if match:
        r, g, b = (int(round(float(match.group(n)))) for n in (1, 2, 3))
        return (r, g, b, float(match.group(4)) if match.group(4) else 1.0)
    raise Unsupported(f"colour {value!r}")


def color_attr(value: Any, name: str = "fill") -> str:
    """SVG paint attributes for a plotly colour (with its alpha as an opacity)."""
    r, g, b, a = parse_color(value)
    if a <= 0:
        return f'{name}="none"'
    out = f'{name}="#{r:02x}{g:02x}{b:02x}"'
    if a < 1:
        out += f' {name}-opacity="{a:.3g}"'
    return out


def hex_color(value: Any) -> str:
    r, g, b, _a = parse_color(value)
    return f"#{r:02x}{g:02x}{b:02x}"


def scale_color(scale: list[list[Any]], t: float) -> tuple[int, int, int]:
    """The colour at t (0..1) on a plotly colour scale [[0, c], ..., [1, c]]."""
    stops = [(float(pos), parse_color(c)) for pos, c in scale]
    t = min(1.0, max(0.0, t))
    for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
        if t <= p1:
            f = 0.0 if p1 == p0 else (t - p0) / (p1 - p0)
            return (round(c0[0] + (c1[0] - c0[0]) * f), round(c0[1] + (c1[1] - c0[1]) * f),
                    round(c0[2] + (c1[2] - c0[2]) * f))
    return stops[-1][1][:3]


def luminance(rgb: tuple[int, int, int]) -> float:
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


# --- marker symbols ------------------------------------------------------------------------------

SYMBOLS = {"circle", "square", "diamond", "triangle-up", "triangle-down", "triangle-left", "triangle-right",
            "x", "cross", "star", "pentagon", "hexagon"}


def symbol_base(symbol: Any) -> str:
    text = str(symbol)
    return text[:-5] if text.endswith("-open") else text


def _polygon(points: list[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{coord(x)},{coord(y)}" for x, y in points) + "Z"


def symbol_path(symbol: str, x: float, y: float, r: float) -> str:
    """A marker's outline as path data, centred on (x, y) with radius r."""
    base = symbol_base(symbol)
    if base == "circle":
        arc = f"a{coord(r)},{coord(r)} 0 1,0"
        return f"M{coord(x - r)},{coord(y)}{arc} {coord(2 * r)},0{arc} {coord(-2 * r)},0Z"
    if base == "square":
        return _polygon([(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)])
    if base == "diamond":
        s = r * 1.3
        return _polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)])
    if base.startswith("triangle-"):
        s = r * 1.2
        tri = {"up": [(x, y - s), (x + s, y + s * 0.6), (x - s, y + s * 0.6)],
               "down": [(x, y + s), (x + s, y - s * 0.6), (x - s, y - s * 0.6)],
               "left": [(x - s, y), (x + s * 0.6, y - s), (x + s * 0.6, y + s)],
               "right": [(x + s, y), (x - s * 0.6, y - s), (x - s * 0.6, y + s)]}[base[9:]]
        return _polygon(tri)
    if base in ("x", "cross"):
        t = r * 0.4
        arm = [(-t, -r), (t, -r), (t, -t), (r, -t), (r, t), (t, t), (t, r), (-t, r), (-t, t), (-r, t), (-r, -t),
               (-t, -t)]
        if base == "x":
            c = math.sqrt(0.5)
            arm = [((ax - ay) * c * 1.2, (ax + ay) * c * 1.2) for ax, ay in arm]
        return _polygon([(x + ax, y + ay) for ax, ay in arm])
    corners = {"star": 10, "pentagon": 5, "hexagon": 6}[base]
    points = []
    for k in range(corners):
        angle = -math.pi / 2 + 2 * math.pi * k / corners
        radius = r * 1.2 if base != "star" or k % 2 == 0 else r * 0.5
        points.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
    return _polygon(points)


def coord(value: float) -> str:
    """A coordinate, short."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else ("0" if text == "-0" else text)
