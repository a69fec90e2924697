"""A link to the place where a missing requirement is fulfilled (for gate messages)."""

from __future__ import annotations

from flask import url_for

from portfolio.clock import today
from portfolio.decision_basis.labels import REQUIREMENT_PLACES


def requirement_url(code: str, initiative_id: int) -> str:
    endpoint, anchor = REQUIREMENT_PLACES[code]
    if endpoint == "prioritisation.decisions":
        return url_for(endpoint, year=today().year)
    return url_for(endpoint, initiative_id=initiative_id, _anchor=anchor)
