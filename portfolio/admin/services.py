"""What an administrator does to an account: change its hand-set roles and scopes, deactivate
and reactivate it, revoke its API tokens, end its sessions, give it a password reset link
(e-mailed when SMTP is configured, otherwise shown once to the administrator). Every change is
in the security log.

Guards: only an administrator acts here; nobody changes their own roles or deactivates
themselves; the last active administrator keeps the role; a role or scope the identity
provider's groups granted is changed there, not here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from portfolio.admin.queries import local_time
from portfolio.auth import provisioning
from portfolio.auth import services as accounts
from portfolio.auth.models import User
from portfolio.auth.provisioning import Grants, revoke_all_tokens, set_roles_and_scopes
from portfolio.auth.roles import Role
from portfolio.auth.security_log import LoginMethod, SecurityEventType, record_event
from portfolio.extensions import db
from portfolio.mail import mail_configured, send_mail
from portfolio.programme.models import OrgUnit, PriorityArea
from portfolio.validation import PermissionDenied, ServiceValidationError


def _require_admin(actor) -> None:
    if not (actor.is_authenticated and actor.has_role(Role.ADMIN)):
        raise PermissionDenied()


def end_sessions(user: User, actor) -> None:
    """Every session of `user` ends (each copy of each cookie)."""
    _require_admin(actor)
    accounts.end_sessions_for(user, actor.id)


@dataclass(frozen=True)
class IssuedLink:
    expires: str                # Swedish wall-clock time
    url: str | None = None      # to show the administrator once (no e-mail server)
    emailed_to: str | None = None


def reset_link(user: User, actor, link_for: Callable[[str], str]) -> IssuedLink:
    """A single-use reset link for `user`: e-mailed to them when SMTP is configured (a MailError
    if that fails, and nothing is logged), else returned for the administrator to pass on."""
    _require_admin(actor)
    link = accounts.reset_link(user)
    url = link_for(link.token)
    expires = local_time(link.expires_at) or ""
    config = current_app.config
    if not mail_configured(config):
        accounts.record_reset_link(user, actor.id, _("Länken visades för administratören."))
        return IssuedLink(expires=expires, url=url)
    accounts.record_reset_link(user, actor.id, _("Länken skickades med e-post till %(email)s.",
                                                 email=user.email))
    send_mail(config, to=user.email, subject=_("Välj ett nytt lösenord"),
              body=_reset_mail(user, url, expires))
    return IssuedLink(expires=expires, emailed_to=user.email)


def _reset_mail(user: User, url: str, expires: str) -> str:
    programme = current_app.extensions["portfolio.programme"].name
    return "\n\n".join([
        _("Hej %(name)s!", name=user.name),
        _("En administratör har skapat en länk där du kan välja ett nytt lösenord till %(programme)s:",
          programme=programme),
        url,
        _("Länken fungerar en gång och gäller till %(expires)s (svensk tid). När du har valt "
          "lösenordet loggas du ut överallt och loggar in med det nya.", expires=expires),
        _("Väntade du dig inte det här meddelandet? Använd inte länken, och hör av dig till "
          "administratören."),
    ]) + "\n"


# --- roles, scopes and activation ---------------------------------------------------------------

@dataclass(frozen=True)
class AccessChange:
    """An administrator's wish for an account: the roles, areas and units to have."""

    roles: frozenset[str]
    areas: frozenset[str]
    units: frozenset[str]


def _other_active_admins(user: User) -> int:
    from portfolio.auth.models import UserRole

    return db.session.scalar(db.select(db.func.count()).select_from(User).where(
        User.active.is_(True), User.id != user.id,
        User.id.in_(db.select(UserRole.user_id).where(UserRole.role == Role.ADMIN)))) or 0


def validate_access(user: User, change: AccessChange, actor) -> dict[str, str]:
    """Every problem with `change`, by field; empty when it may be made."""
    _require_admin(actor)
    errors: dict[str, str] = {}
    if user.id == actor.id:
        errors["roles"] = _("Du kan inte ändra dina egna roller. Be en annan administratör.")
        return errors
    mapped = Grants.from_json(user.idp_grants)
    unknown = change.roles - set(Role.values())
    if not change.roles or unknown:
        errors["roles"] = _("Välj minst en roll.")
    elif not mapped.roles <= change.roles:
        errors["roles"] = _("En roll som kommer från identitetsleverantörens grupper ändras där, "
                            "inte här.")
    elif Role.ADMIN in user.roles and Role.ADMIN not in change.roles and user.active \
            and not _other_active_admins(user):
        errors["roles"] = _("Det måste finnas minst en aktiv administratör.")
    known_areas = set(db.session.scalars(db.select(PriorityArea.code)))
    known_units = set(db.session.scalars(db.select(OrgUnit.code)))
    if not change.areas <= known_areas:
        errors["areas"] = _("Välj områden ur listan.")
    elif not mapped.areas <= change.areas:
        errors["areas"] = _("Ett område som kommer från identitetsleverantörens grupper ändras där, "
                            "inte här.")
    elif Role.PROGRAMME_MANAGER in change.roles and not change.areas:
        errors["areas"] = _("En programledare behöver minst ett område.")
    if not change.units <= known_units:
        errors["units"] = _("Välj enheter ur listan.")
    elif not mapped.units <= change.units:
        errors["units"] = _("En enhet som kommer från identitetsleverantörens grupper ändras där, "
                            "inte här.")
    elif Role.EDITOR in change.roles and not change.units:
        errors["units"] = _("En redigerare behöver minst en enhet.")
    return errors


def change_access(user: User, change: AccessChange, actor) -> bool:
    """Set the account's roles and scopes (logged); whether anything changed. A changed role
    ends the account's sessions, so the next request sees the new rights everywhere."""
    errors = validate_access(user, change, actor)
    if errors:
        raise ServiceValidationError(errors)
    roles_before = user.roles
    changed = set_roles_and_scopes(user, change.roles, change.areas, change.units, actor=actor,
                                   method=LoginMethod.ADMIN)
    if changed and roles_before != user.roles:
        accounts.end_sessions(user)
    return changed


def validate_deactivation(user: User, actor) -> str | None:
    _require_admin(actor)
    if user.id == actor.id:
        return _("Du kan inte inaktivera ditt eget konto.")
    if not user.active:
        return _("Kontot är redan inaktiverat.")
    if Role.ADMIN in user.roles and not _other_active_admins(user):
        return _("Det måste finnas minst en aktiv administratör.")
    return None


def deactivate(user: User, actor) -> None:
    """The account can no longer log in; its sessions and API tokens end at once."""
    problem = validate_deactivation(user, actor)
    if problem:
        raise ServiceValidationError({"user": problem})
    provisioning.deactivate(user, actor=actor, method=LoginMethod.ADMIN)


def reactivate(user: User, actor) -> None:
    _require_admin(actor)
    if user.active:
        raise ServiceValidationError({"user": _("Kontot är redan aktivt.")})
    provisioning.reactivate(user, actor=actor, method=LoginMethod.ADMIN)


def revoke_tokens(user: User, actor) -> int:
    """Revoke every usable API token of `user` (logged); how many."""
    _require_admin(actor)
    count = revoke_all_tokens(user)
    record_event(SecurityEventType.TOKEN_REVOKED, actor=actor, subject=user, method=LoginMethod.ADMIN,
                 details={"all": True, "count": count})
    return count
