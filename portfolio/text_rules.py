"""Shared checks for free text in services (forms check too; services must not trust them)."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.forms_base import FORBIDDEN_CHARS


def check_texts(values: dict, limits: dict[str, int], errors: dict[str, str]) -> None:
    """Add an error for every text with control characters or over its length limit."""
    for name, limit in limits.items():
        text = values.get(name)
        if not isinstance(text, str) or not text:
            continue
        if FORBIDDEN_CHARS & set(text):
            errors[name] = _("Texten innehåller otillåtna tecken (t.ex. NUL). Ta bort dem och försök igen.")
        elif len(text) > limit:
            errors[name] = _("Högst %(max)d tecken.", max=limit)


def check_version(current: int, expected, entity: tuple[str, int] | None = None) -> None:
    """Refuse a save based on an old version; `entity` (type, id as in the change log) lets the
    user be told what changed in between."""
    from portfolio.validation import ConflictError

    if str(expected) != str(current):
        raise ConflictError(current, expected=expected, entity=entity)
