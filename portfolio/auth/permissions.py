"""Who may do what. Every view and service asks here; hiding a button is never the check."""

from __future__ import annotations

from flask import abort

from portfolio.auth import roles as R
from portfolio.programme.queries import unit_scope


def editable_unit_ids(user) -> set[int]:
    """Units an editor may work for: their own units and the units under them."""
    if not user.has_role(R.EDITOR):
        return set()
    return unit_scope({u.id for u in user.units})


def editable_area_ids(user) -> set[int]:
    return {a.id for a in user.areas} if user.has_role(R.PROGRAMME_MANAGER) else set()


def can_edit_initiative(user, initiative) -> bool:
    """May edit the initiative or anything of it. An archived initiative is read-only for all
    (the project office may restore it)."""
    if not user.is_authenticated or initiative.archived:
        return False
    if user.is_office:
        return True
    return (initiative.primary_area_id in editable_area_ids(user)
            or initiative.owning_unit_id in editable_unit_ids(user))


def can_create_initiative(user) -> bool:
    return user.is_authenticated and (
        user.is_office or user.has_role(R.EDITOR, R.PROGRAMME_MANAGER))


def can_create_for(user, owning_unit_id: int, primary_area_id: int) -> bool:
    """A new initiative must fall inside the creator's scope (unit for editors, area for
    programledare)."""
    if user.is_office:
        return True
    return (owning_unit_id in editable_unit_ids(user)
            or primary_area_id in editable_area_ids(user))


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def can_manage_plans(user) -> bool:
    """Plans, audits and recommendations are the project office's (and admin's) to edit."""
    return user.is_authenticated and user.is_office


def answering_committee_ids(user) -> set[int]:
    """Committees an editor may answer recommendations for: their units' committees."""
    if not user.has_role(R.EDITOR):
        return set()
    return {u.committee.id for u in user.units}


def can_answer_for(user, committee_id: int) -> bool:
    return user.is_authenticated and (user.is_office or committee_id in answering_committee_ids(user))
