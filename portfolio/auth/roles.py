"""Roles (DESIGN.md §1). Roles combine; scopes narrow programme_manager and editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portfolio.codes import Code


class Role(Code):
    ADMIN = "admin", _l("administratör")
    PORTFOLIO_OFFICE = "portfolio_office", _l("projektkontoret")
    PROGRAMME_MANAGER = "programme_manager", _l("programledare")
    EDITOR = "editor", _l("redigerare")
    VIEWER = "viewer", _l("läsare")


# The names the rest of the code has always used.
ADMIN = Role.ADMIN
PORTFOLIO_OFFICE = Role.PORTFOLIO_OFFICE
PROGRAMME_MANAGER = Role.PROGRAMME_MANAGER
EDITOR = Role.EDITOR
VIEWER = Role.VIEWER

ROLES = Role.values()
