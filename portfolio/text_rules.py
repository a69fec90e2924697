"""Shared checks for free text in services (forms check too; services must not trust them)."""

from __future__ import annotations

from flask_babel import gettext as _

# Control characters no text field may hold (line breaks and tabs are fine).
FORBIDDEN_CHARS = {chr(c) for c in range(32)} - {"\n", "\r", "\t"}
# Invisible bidirectional controls (e.g. U+202E), which can make a title read as something else
# ("Trojan Source"): refused in single-line text.
BIDI_CONTROLS = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def check_texts(values: dict, limits: dict[str, int], errors: dict[str, str],
                single_line: frozenset[str] | set[str] = frozenset()) -> None:
    """Add an error for every text with control characters or over its length limit, and for
    bidirectional controls in the `single_line` ones (titles, names)."""
    for name, limit in limits.items():
        text = values.get(name)
        if not isinstance(text, str) or not text:
            continue
        if FORBIDDEN_CHARS & set(text):
            errors[name] = _("Texten innehåller otillåtna tecken (t.ex. NUL). Ta bort dem och försök igen.")
        elif name in single_line and BIDI_CONTROLS & set(text):
            errors[name] = _("Texten innehåller osynliga styrtecken för skrivriktning. Ta bort dem och "
                             "försök igen.")
        elif len(text) > limit:
            errors[name] = _("Högst %(max)d tecken.", max=limit)
