"""The start page's templates and the navigation's to-do count. The page itself is `core.index`
(the route `/`); this blueprint has no routes."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from portfolio.clock import today
from portfolio.followups import queries as followups
from portfolio.start.queries import todo_nav_count

bp = Blueprint("start", __name__, template_folder="templates")

TODO_DAYS = {"recent": followups.RECENT_DAYS, "long": followups.LONG_PAST_DAYS}


def _todo_days() -> dict[str, int]:
    """The lateness groups' limits; "soon" is the longest lead time of the programme file."""
    return {**TODO_DAYS, "soon": followups.lead_times().longest}


@bp.app_context_processor
def todo_helpers() -> dict:
    """Lazy: nothing is read until a template calls them (the navigation does, when it renders)."""
    return {
        "has_todo_scope": followups.has_todo_scope,
        "todo_nav_count": lambda: todo_nav_count(current_user, today()),
        "todo_days": _todo_days,
    }
