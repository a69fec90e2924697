"""Roles (DESIGN.md §1). Roles combine; scopes narrow programme_manager and editor."""

ADMIN = "admin"
PORTFOLIO_OFFICE = "portfolio_office"
PROGRAMME_MANAGER = "programme_manager"
EDITOR = "editor"
VIEWER = "viewer"

ROLES = (ADMIN, PORTFOLIO_OFFICE, PROGRAMME_MANAGER, EDITOR, VIEWER)
