"""Loading the initiative a feature's page is about (404, or 403 when editing is not allowed)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.initiatives.queries import get_initiative


def load_initiative(initiative_id: int, *, edit: bool = False):
    """The initiative or 404; with edit=True also 403 unless the user may edit it."""
    ini = get_initiative(initiative_id)
    if ini is None:
        abort(404)
    if edit:
        permissions.require(permissions.can_edit_initiative(current_user, ini) and not ini.archived)
    return ini
