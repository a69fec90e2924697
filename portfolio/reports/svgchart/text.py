"""Text in the charts: plain and escaped, measured (DejaVu Sans advance widths), fitted and
wrapped."""

from __future__ import annotations

import html
import re
from typing import Any

DEFAULT_HEIGHT = 420
DEFAULT_FONT = "DejaVu Sans, system-ui, sans-serif"
LABEL_LIMIT = 0.36          # the widest category label, as a share of the figure's width
MINUS = "\u2212"
ELLIPSIS = "…"

# Advance widths (em) of DejaVu Sans, the widest common sans serif: text measured with them is
# never much narrower than it is drawn.
_WIDTHS: dict[str, float] = {}
for _chars, _em in ((" \u2009", 0.32), ("ijlIJ'|", 0.29), (".,:;!\u00a0", 0.34), ("f/\\", 0.35),
                    ("-", 0.36), ("t()[]", 0.39), ("r", 0.41), ("–\"", 0.5), ("sz*", 0.52),
                    ("cL?", 0.56), ("kFvxy", 0.59), ("P_", 0.6), ("aoTYåäöé", 0.62),
                    ("ebdghnpquESü0123456789$#+<>=", 0.64), ("K", 0.66), ("AVÅÄBRXZ", 0.69),
                    ("C", 0.7), ("U", 0.73), ("HN", 0.75), ("DG&", 0.78), ("OQÖ", 0.79),
                    ("w", 0.82), ("M", 0.86), ("%", 0.95), ("m", 0.97), ("W@", 0.99), ("…—", 1.0)):
    for _c in _chars:
        _WIDTHS[_c] = _em
_DEFAULT_EM = 0.66


class Unsupported(Exception):
    """The figure holds something this renderer does not draw."""


# --- text ----------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_BR = re.compile(r"<br\s*/?>", re.I)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(text: Any, strip: bool = True) -> str:
    """Plotly label text (a subset of HTML; the app escapes user text) as plain text: <br> as a
    space, other tags dropped, entities decoded (and the ends stripped unless strip=False)."""
    if text is None:
        return ""
    if isinstance(text, dict):
        text = text.get("text")
        if text is None:
            return ""
    value = _BR.sub(" ", str(text))
    value = _TAG.sub("", value)
    value = _XML_INVALID.sub("", html.unescape(value))
    return value.strip() if strip else value


def esc(text: str) -> str:
    return (_XML_INVALID.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def text_width(text: str, size: float) -> float:
    """The approximate width of text in px at font size `size`."""
    return sum(_WIDTHS.get(c, _DEFAULT_EM if ord(c) < 0x2E80 else 1.0) for c in text) * size


def fit(text: str, width: float, size: float) -> str:
    """The text, shortened with "…" if it is wider than `width`."""
    if text_width(text, size) <= width:
        return text
    out = text
    while out and text_width(out + ELLIPSIS, size) > width:
        out = out[:-1]
    return out.rstrip() + ELLIPSIS


def wrap(text: str, width: float, size: float, max_lines: int) -> list[str]:
    """The text broken into at most max_lines lines (at spaces, after hyphens and slashes), each
    at most `width` wide: the last one shortened with "…" if needed."""
    pieces = [p for p in re.split(r"(?<=\s)(?=\S)|(?<=[\-/])(?=[^\s\-/])", text) if p]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece
        if current.strip() and text_width(candidate.rstrip(), size) > width:
            lines.append(current.rstrip())
            current = piece
        else:
            current = candidate
    current = current.rstrip()
    if current or not lines:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return [fit(line, width, size) for line in lines]
