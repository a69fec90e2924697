"""Accounts follow the identity provider: groups map to roles and scopes, the first login
creates the account (just in time), later logins bring it up to date.

OIDC_GROUP_MAPPING maps a group (as the groups claim carries it: in Entra ID the group's object
id, or an app role's value) to what it grants:

    {"a1b2…": {"roles": ["portfolio_office"]},
     "c3d4…": {"roles": ["editor"], "units": ["UTB"]},
     "e5f6…": {"roles": ["programme_manager"], "areas": ["DIGI"]}}

A user's grants are the union over their groups. What the groups granted at the latest login is
kept on the account (`User.idp_grants`): a role or scope in it is "mapped", any other was set by
hand (the command line, an administrator) and is left alone by later logins. A login whose groups
map to no role is refused; an account that had logged in through the provider is then deactivated
(sessions and API tokens end)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _

from portfolio.auth import security_log as log
from portfolio.auth.models import ApiToken, User, UserRole
from portfolio.auth.oidc import OidcMisconfigured, ProviderIdentity
from portfolio.auth.roles import Role
from portfolio.auth.security_log import LoginMethod, SecurityEventType
from portfolio.auth.services import end_sessions
from portfolio.changelog.services import now
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit, PriorityArea

UNUSABLE_PASSWORD = "!sso"    # no password hash matches it: the account logs in through the provider


@dataclass(frozen=True)
class Grants:
    roles: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()

    def as_json(self) -> dict[str, list[str]]:
        return {"roles": sorted(self.roles), "areas": sorted(self.areas), "units": sorted(self.units)}

    @classmethod
    def from_json(cls, value) -> Grants:
        value = value if isinstance(value, dict) else {}
        return cls(*(frozenset(str(v) for v in value.get(k) or ()) for k in ("roles", "areas", "units")))


@dataclass(frozen=True)
class Mapping:
    groups: dict[str, Grants] = field(default_factory=dict)


def parse_mapping(value) -> Mapping:
    """OIDC_GROUP_MAPPING (a dict, or JSON text from the environment), checked: every role must
    be one of the app's roles, every area and unit code one of the programme's."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError as exc:
            raise OidcMisconfigured("mapping_not_json") from exc
    if not isinstance(value, dict):
        raise OidcMisconfigured("mapping_not_a_dict")
    groups: dict[str, Grants] = {}
    for group, grant in value.items():
        if not isinstance(grant, dict):
            raise OidcMisconfigured("mapping_entry_not_a_dict")
        grants = Grants.from_json(grant)
        if not grants.roles <= set(Role.values()):
            raise OidcMisconfigured("mapping_unknown_role")
        groups[str(group)] = grants
    return Mapping(groups)


def grants_for(groups, mapping: Mapping) -> Grants:
    roles: set[str] = set()
    areas: set[str] = set()
    units: set[str] = set()
    for group in groups:
        grant = mapping.groups.get(group)
        if grant:
            roles |= grant.roles
            areas |= grant.areas
            units |= grant.units
    return Grants(frozenset(roles), frozenset(areas), frozenset(units))


@dataclass(frozen=True)
class SignIn:
    user: User | None
    refusal: str | None = None        # a Swedish message when nobody is logged in
    reason: str | None = None         # its code for the security log


def _by_codes(model, codes) -> list:
    if not codes:
        return []
    rows = list(db.session.scalars(db.select(model).where(model.code.in_(sorted(codes)))))
    if len(rows) != len(set(codes)):
        raise OidcMisconfigured("mapping_unknown_scope")
    return rows


def _find(identity: ProviderIdentity) -> User | None:
    user = db.session.scalar(db.select(User).where(User.oidc_issuer == identity.issuer,
                                                   User.oidc_subject == identity.subject))
    if user is None and identity.email:
        # An account made before single sign-on (e.g. on the command line) is taken over by the
        # provider's user with its address, once.
        user = db.session.scalar(db.select(User).where(User.email == identity.email,
                                                       User.oidc_subject.is_(None)))
    return user


def sign_in(identity: ProviderIdentity, mapping: Mapping) -> SignIn:
    """Create or update the account for `identity`, or refuse it. Logs the outcome. Flushes."""
    grants = grants_for(identity.groups, mapping)
    user = _find(identity)
    label = identity.email or identity.subject
    if not grants.roles:
        if user is not None and user.active and user.oidc_subject is not None:
            deactivate(user, actor=None, method=LoginMethod.OIDC, reason="no_mapped_group")
        return _refuse(user, label, "no_mapped_group",
                       _("Ditt konto har ingen behörighet till portföljen: du är inte med i någon "
                         "grupp som ger en roll här. Kontakta din chef eller IT-supporten om du "
                         "behöver tillgång."))
    if user is None:
        if not identity.email:
            return _refuse(None, label, "no_email", _("Identitetsleverantören skickade ingen "
                                                      "e-postadress, så inget konto kan skapas. "
                                                      "Kontakta IT-supporten."))
        user = _create(identity)
    elif not user.active:
        return _refuse(user, label, "inactive", _("Ditt konto är inaktiverat. Kontakta "
                                                  "administratören om du behöver tillgång."))
    _link(user, identity)
    apply_grants(user, grants, method=LoginMethod.OIDC)
    user.last_login_at = now()
    db.session.flush()
    log.record_event(SecurityEventType.LOGIN, actor=user, subject=user, method=LoginMethod.OIDC)
    return SignIn(user)


def _refuse(user: User | None, label: str, reason: str, message: str) -> SignIn:
    log.record_event(SecurityEventType.LOGIN_FAILED, subject=user, subject_label=label,
                     method=LoginMethod.OIDC, details={"reason": reason})
    return SignIn(None, refusal=message, reason=reason)


def _create(identity: ProviderIdentity) -> User:
    assert identity.email
    user = User(email=identity.email[:254], name=identity.name or identity.email.split("@")[0],
                password_hash=UNUSABLE_PASSWORD, active=True, created_at=now(),
                oidc_issuer=identity.issuer, oidc_subject=identity.subject, idp_grants=None,
                role_rows=[], areas=[], units=[])
    db.session.add(user)
    db.session.flush()
    log.record_event(SecurityEventType.USER_CREATED, subject=user, method=LoginMethod.OIDC)
    return user


def _link(user: User, identity: ProviderIdentity) -> None:
    user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
    if identity.name and identity.name != user.name:
        user.name = identity.name
    if identity.email and identity.email != user.email:
        taken = db.session.scalar(db.select(User.id).where(User.email == identity.email,
                                                           User.id != user.id))
        if taken is None:
            user.email = identity.email


def apply_grants(user: User, grants: Grants, *, method: str, actor=None) -> None:
    """Bring the account's mapped roles and scopes to `grants`, leaving the ones set by hand;
    each change is logged."""
    before = Grants.from_json(user.idp_grants)
    roles = (user.roles - (before.roles - grants.roles)) | grants.roles
    areas = ({a.code for a in user.areas} - (before.areas - grants.areas)) | grants.areas
    units = ({u.code for u in user.units} - (before.units - grants.units)) | grants.units
    set_roles_and_scopes(user, roles, areas, units, actor=actor, method=method)
    user.idp_grants = grants.as_json()
    db.session.flush()


def set_roles_and_scopes(user: User, roles, areas, units, *, actor, method: str,
                         reason: str | None = None) -> bool:
    """Set the account's roles and scopes to these codes (checked by the caller); logs a
    ROLE_CHANGE and/or SCOPE_CHANGE with before and after. Whether anything changed."""
    old_roles = user.roles
    old_areas = {a.code for a in user.areas}
    old_units = {u.code for u in user.units}
    changed = False
    extra = {"reason": reason} if reason else {}
    if set(roles) != old_roles:
        keep = {r.role: r for r in user.role_rows}
        user.role_rows = [keep.get(r) or UserRole(role=r) for r in sorted(roles)]
        log.record_event(SecurityEventType.ROLE_CHANGE, actor=actor, subject=user, method=method,
                         details={"before": sorted(old_roles), "after": sorted(roles), **extra})
        changed = True
    if set(areas) != old_areas or set(units) != old_units:
        user.areas = _by_codes(PriorityArea, set(areas))
        user.units = _by_codes(OrgUnit, set(units))
        log.record_event(SecurityEventType.SCOPE_CHANGE, actor=actor, subject=user, method=method,
                         details={"areas_before": sorted(old_areas), "areas_after": sorted(areas),
                                  "units_before": sorted(old_units), "units_after": sorted(units),
                                  **extra})
        changed = True
    db.session.flush()
    return changed


def revoke_all_tokens(user: User) -> int:
    """Revoke the user's usable API tokens; how many."""
    moment = now()
    tokens = list(db.session.scalars(db.select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > moment)))
    for token in tokens:
        token.revoked_at = moment
    db.session.flush()
    return len(tokens)


def deactivate(user: User, *, actor, method: str, reason: str | None = None) -> None:
    """The account can no longer log in; its sessions and API tokens end at once. Logged."""
    user.active = False
    end_sessions(user)
    revoked = revoke_all_tokens(user)
    log.record_event(SecurityEventType.DEACTIVATED, actor=actor, subject=user, method=method,
                     details={"reason": reason, "api_keys_revoked": revoked})


def reactivate(user: User, *, actor, method: str) -> None:
    user.active = True
    db.session.flush()
    log.record_event(SecurityEventType.REACTIVATED, actor=actor, subject=user, method=method)
