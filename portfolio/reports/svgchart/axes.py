"""Axes: category, number and date axes with their ticks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from portfolio.reports.svgchart.style import D3_FORMAT, NumberFormat, tick_decimals
from portfolio.reports.svgchart.text import Unsupported, plain

# --- numbers for positions -----------------------------------------------------------------------

def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_EPOCH = date(1970, 1, 1)


def _date_value(value: Any) -> float | None:
    """A date (ISO string) as days since 1970-01-01."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        return None
    return (moment - datetime(1970, 1, 1)).total_seconds() / 86400


def values_of(values: Any) -> list[Any]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise Unsupported("values that are not a list")
    return values


# --- axes ----------------------------------------------------------------------------------------

@dataclass
class Axis:
    """One cartesian axis: a category, linear (number) or date axis mapped onto pixels."""
    letter: str
    spec: dict[str, Any]
    kind: str = "linear"
    categories: list[str] = field(default_factory=list)
    lo: float = 0.0
    hi: float = 1.0
    start: float = 0.0        # pixel of lo
    end: float = 1.0          # pixel of hi
    ticks: list[tuple[float, str]] = field(default_factory=list)
    fmt: NumberFormat = field(default_factory=NumberFormat)
    integers: bool = False    # only whole numbers on it (counts): no ticks in between

    def index(self, value: Any) -> float | None:
        if value is None:
            return None
        if self.kind == "category":
            key = self.key(value)
            return float(self.categories.index(key)) if key in self.categories else None
        if self.kind == "date":
            return _date_value(value)
        return float(value) if is_number(value) else None

    def key(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        if is_number(value):
            return self.fmt(float(value), tick_decimals(abs(float(value)) % 1 or 1), group=False)
        return str(value)

    def px(self, position: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.start + (position - self.lo) / span * (self.end - self.start)

    @property
    def length(self) -> float:
        return abs(self.end - self.start)

    @property
    def band(self) -> float:
        """A category's width in px."""
        return self.length / max(1, len(self.categories))


def axis_kind(spec: dict[str, Any], values: list[Any], forced_category: bool) -> str:
    kind = spec.get("type") or "-"
    if kind in ("category", "linear", "date"):
        return str(kind)
    if kind != "-":
        raise Unsupported(f"axis type {kind}")
    present = [v for v in values if v is not None]
    if forced_category:
        return "category"
    if present and all(is_number(v) for v in present):
        return "linear"
    if present and all(_date_value(v) is not None for v in present):
        return "date"
    return "category"


def nice_step(span: float, target: float) -> float:
    raw = span / max(1.0, target)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * magnitude >= raw * 0.999:
            return float(m * magnitude)
    return float(10 * magnitude)


def number_ticks(axis: Axis, target: float) -> None:
    spec = axis.spec
    prefix, suffix = plain(spec.get("tickprefix"), strip=False), plain(spec.get("ticksuffix"), strip=False)
    tickformat = spec.get("tickformat") or ""
    percent = False
    fixed: int | None = None
    trim = False
    group: bool | None = None
    if tickformat:
        match = D3_FORMAT.match(str(tickformat))
        if not match:
            raise Unsupported(f"tickformat {tickformat}")
        trim = bool(match.group(1))
        group = True if match.group(2) else None
        fixed = int(match.group(3)) if match.group(3) is not None else None
        percent = match.group(4) == "%"
        if match.group(4) == "d":
            fixed = 0

    def label(value: float, decimals: int) -> str:
        shown = value * 100 if percent else value
        places = fixed if fixed is not None else decimals
        text = axis.fmt(shown, places, group)
        if (trim or fixed is None) and axis.fmt.decimal in text:
            text = text.rstrip("0").rstrip(axis.fmt.decimal)
        return prefix + text + ("%" if percent else "") + suffix

    tickvals = spec.get("tickvals")
    if tickvals is not None:
        texts = spec.get("ticktext")
        values = [v for v in values_of(tickvals)]
        ticks = []
        for n, value in enumerate(values):
            if not is_number(value) or not (min(axis.lo, axis.hi) <= value <= max(axis.lo, axis.hi)):
                continue
            if texts is not None and n < len(texts):
                ticks.append((float(value), plain(texts[n])))
            else:
                ticks.append((float(value), label(float(value), tick_decimals(abs(value) % 1 or 1))))
        axis.ticks = ticks
        return
    span = axis.hi - axis.lo
    dtick = spec.get("dtick")
    step = number_or(dtick, 0.0) if number_or(dtick, 0.0) > 0 else nice_step(span * (100 if percent else 1),
                                                                           target) / (100 if percent else 1)
    if axis.integers and not percent and step < 1:
        step = 1.0
    if span / step > 60:
        step = nice_step(span, 10)
    decimals = tick_decimals(step * (100 if percent else 1))
    first = math.ceil(axis.lo / step - 1e-9)
    ticks = []
    n = first
    while n * step <= axis.hi + step * 1e-9:
        value = round(n * step, 12)
        ticks.append((value, label(value if abs(value) > step * 1e-9 else 0.0, decimals)))
        n += 1
    axis.ticks = ticks


def date_ticks(axis: Axis, target: float) -> None:
    tickformat = axis.spec.get("tickformat")
    if tickformat not in (None, "", "%Y"):
        raise Unsupported(f"date tickformat {tickformat}")
    start = _EPOCH + timedelta(days=math.floor(axis.lo))
    end = _EPOCH + timedelta(days=math.ceil(axis.hi))
    years = end.year - start.year
    ticks: list[tuple[float, str]] = []
    if years >= 2 or tickformat == "%Y":
        step = max(1, math.ceil(years / max(1.0, target)))
        for year in range(start.year, end.year + 1):
            if year % step:
                continue
            value = float((date(year, 1, 1) - _EPOCH).days)
            if axis.lo <= value <= axis.hi:
                ticks.append((value, str(year)))
    else:
        months = (end.year - start.year) * 12 + end.month - start.month
        step = max(1, math.ceil(months / max(1.0, target)))
        y, m = start.year, start.month
        count = 0
        while (y, m) <= (end.year, end.month):
            value = float((date(y, m, 1) - _EPOCH).days)
            if count % step == 0 and axis.lo <= value <= axis.hi:
                ticks.append((value, f"{y}-{m:02d}"))
            count += 1
            m += 1
            if m > 12:
                y, m = y + 1, 1
    axis.ticks = ticks


def category_ticks(axis: Axis) -> None:
    spec = axis.spec
    tickvals = spec.get("tickvals")
    if tickvals is not None:
        texts = spec.get("ticktext")
        ticks = []
        for n, value in enumerate(values_of(tickvals)):
            position = float(value) if is_number(value) else axis.index(value)
            if position is None:
                continue
            text = plain(texts[n]) if texts is not None and n < len(texts) else plain(axis.key(value))
            ticks.append((position, text))
        axis.ticks = ticks
        return
    prefix, suffix = plain(spec.get("tickprefix"), strip=False), plain(spec.get("ticksuffix"), strip=False)
    axis.ticks = [(float(n), prefix + plain(c) + suffix) for n, c in enumerate(axis.categories)]


def number_or(value: Any, default: float) -> float:
    return float(value) if is_number(value) else default
