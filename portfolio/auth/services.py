"""Accounts: create users, end their sessions, change and reset passwords.

Passwords follow the policy in `portfolio.auth.passwords`. A reset link carries a signed token
(`reset_token`) naming the user and a fingerprint of their password hash and session generation:
it expires after PASSWORD_RESET_HOURS and works once, since setting the password (or ending the
user's sessions) changes the fingerprint. Nothing about a password's value is logged."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio import clock
from portfolio.auth.models import User, UserRole
from portfolio.auth.passwords import password_problem
from portfolio.auth.roles import Role
from portfolio.auth.security_log import LoginMethod, SecurityEventType, record_event
from portfolio.changelog.services import now, record_changes
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit, PriorityArea
from portfolio.validation import ServiceValidationError

MIN_PASSWORD_LENGTH = User.LIMITS["password_min"]


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True)
class UserInput:
    """A new account: e-mail, roles (`roles.Role` values), password, and the scopes by code."""

    email: str
    roles: list[str]
    password: str
    name: str | None = None
    areas: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    # May log in with the password even when PASSWORD_LOGIN is off (single sign-on only).
    break_glass: bool = False


def validate_user(data: UserInput) -> tuple[list[PriorityArea], list[OrgUnit]]:
    """The account's problem (the first, for the command line), or its scopes' rows."""
    email = normalise_email(data.email)
    if "@" not in email or len(email) > User.LIMITS["email"]:
        raise AccountError(f"Ogiltig e-postadress: {email!r}")
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        raise AccountError(f"Det finns redan en användare med e-postadressen {email}")
    unknown = [r for r in data.roles if r not in Role.values()]
    if not data.roles or unknown:
        raise AccountError(f"Okänd roll: {', '.join(unknown) or '(ingen)'}; välj bland {', '.join(Role.values())}")
    problem = password_problem(data.password, email=email, name=data.name)
    if problem:
        raise AccountError(problem)
    area_rows = _by_code(PriorityArea, data.areas, "prioriterat område")
    unit_rows = _by_code(OrgUnit, data.units, "enhet")
    if Role.PROGRAMME_MANAGER in data.roles and not area_rows:
        raise AccountError("En programledare behöver minst ett område (--area)")
    if Role.EDITOR in data.roles and not unit_rows:
        raise AccountError("En redigerare behöver minst en enhet (--unit)")
    return area_rows, unit_rows


def add_user(data: UserInput, actor_id: int | None = None) -> User:
    area_rows, unit_rows = validate_user(data)
    email = normalise_email(data.email)
    user = User(email=email, name=data.name or email.split("@")[0], active=True,
                password_hash=_hash(data.password),
                role_rows=[UserRole(role=r) for r in dict.fromkeys(data.roles)],
                areas=area_rows, units=unit_rows, created_at=now(), break_glass=data.break_glass)
    db.session.add(user)
    db.session.flush()
    record_event(SecurityEventType.USER_CREATED,
                 actor=db.session.get(User, actor_id) if actor_id else None, subject=user,
                 method=LoginMethod.ADMIN if actor_id else LoginMethod.CLI,
                 details={"roles": sorted(set(data.roles)), "areas": data.areas, "units": data.units,
                          **({"break_glass": True} if data.break_glass else {})})
    record_changes(entity_type="user", entity_id=user.id, action="create", before={},
                   after={"email": email, "roles": ", ".join(data.roles),
                          "areas": ", ".join(data.areas), "units": ", ".join(data.units)},
                   user_id=actor_id)
    db.session.flush()
    return user


def create_user(*, email: str, roles: Sequence[str], password: str, name: str | None = None,
                areas: Sequence[str] = (), units: Sequence[str] = (), actor_id: int | None = None,
                break_glass: bool = False) -> User:
    """`add_user` with keywords (the command line and the demo loader call it so)."""
    return add_user(UserInput(email=email, roles=list(roles), password=password, name=name,
                              areas=list(areas), units=list(units), break_glass=break_glass), actor_id)


def _by_code(model, codes, what: str):
    rows = []
    for code in codes:
        row = db.session.scalar(db.select(model).where(model.code == code))
        if row is None:
            raise AccountError(f"Okänt {what}: {code}")
        rows.append(row)
    return rows


def end_sessions(user: User) -> None:
    """End every session of `user` (each copy of each session cookie): the user loader refuses
    a session whose stored generation is not the user's current one."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()


# --- passwords -------------------------------------------------------------------------------------

def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _set_password(user: User, password: str) -> None:
    """A new password for `user`, and every session of theirs ended (the caller may start a
    fresh one for this browser)."""
    user.password_hash = _hash(password)
    end_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: the current password must match and the new one pass the policy.
    Ends all of the user's sessions (the view starts a new one for the browser that changed it)."""
    errors = {}
    if not check_password_hash(user.password_hash, current or ""):
        errors["current_password"] = _("Det nuvarande lösenordet stämmer inte.")
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        errors["new_password"] = problem
    if errors:
        raise ServiceValidationError(errors)
    _set_password(user, new)
    record_changes(entity_type="user", entity_id=user.id, action="password_change", before={},
                   after={}, user_id=user.id, reason=_("Användaren bytte sitt lösenord."))
    record_event(SecurityEventType.PASSWORD_CHANGED, actor=user, subject=user,
                 method=LoginMethod.PASSWORD)
    db.session.flush()


def end_sessions_for(user: User, actor_id: int | None) -> None:
    """An administrator ends every session of `user` (logged)."""
    end_sessions(user)
    record_changes(entity_type="user", entity_id=user.id, action="end_sessions", before={},
                   after={}, user_id=actor_id, reason=_("Alla sessioner avslutades."))
    record_event(SecurityEventType.SESSIONS_ENDED, actor=db.session.get(User, actor_id) if actor_id else None,
                 subject=user, method=LoginMethod.ADMIN)
    db.session.flush()


# --- reset links -----------------------------------------------------------------------------------

RESET_SALT = "portfolio.password-reset"
_EPOCH = datetime(1970, 1, 1)


class ResetLinkInvalid(ValueError):
    """A reset token that cannot be used. `expired`: it was genuine but is too old or used."""

    def __init__(self, expired: bool = False):
        self.expired = expired
        super().__init__("expired or used" if expired else "invalid")


class _ClockSigner(TimestampSigner):
    """Stamps and ages reset tokens by the application's clock (portfolio.clock)."""

    def get_timestamp(self) -> int:
        return int((clock.now() - _EPOCH).total_seconds())


def reset_hours() -> int:
    return int(current_app.config.get("PASSWORD_RESET_HOURS") or 24)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT,
                                  signer=_ClockSigner)


def _fingerprint(user: User) -> str:
    """Changes when the password changes or the user's sessions end: a used link stops working."""
    material = f"{user.id}:{user.session_generation or 0}:{user.password_hash}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class ResetLink:
    token: str
    expires_at: datetime     # naive UTC, as the database stores times


def reset_link(user: User) -> ResetLink:
    """A new reset token for an active user (nothing is stored)."""
    if not user.active:
        raise ServiceValidationError({"user": _("Kontot är inaktiverat. Aktivera det innan du "
                                                "skapar en återställningslänk.")})
    token = _serializer().dumps({"u": user.id, "f": _fingerprint(user)})
    return ResetLink(token=token, expires_at=now() + timedelta(hours=reset_hours()))


def record_reset_link(user: User, actor_id: int | None, delivery: str) -> None:
    record_changes(entity_type="user", entity_id=user.id, action="reset_link", before={},
                   after={}, user_id=actor_id, reason=delivery)
    record_event(SecurityEventType.RESET_LINK, actor=db.session.get(User, actor_id) if actor_id else None,
                 subject=user, method=LoginMethod.ADMIN, details={"delivery": delivery})
    db.session.flush()


def user_for_reset_token(token: str) -> User:
    """The active user a reset token is for, while it is unexpired and unused."""
    try:
        data = _serializer().loads(token, max_age=reset_hours() * 3600)
    except SignatureExpired as exc:
        raise ResetLinkInvalid(expired=True) from exc
    except BadSignature as exc:
        raise ResetLinkInvalid() from exc
    user_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id < 2**31:
        raise ResetLinkInvalid()
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise ResetLinkInvalid()
    if data.get("f") != _fingerprint(user):
        raise ResetLinkInvalid(expired=True)
    return user


def reset_password(token: str, new: str) -> User:
    """Set the password from a reset link (which then stops working); ends every session."""
    user = user_for_reset_token(token)
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise ServiceValidationError({"new_password": problem})
    _set_password(user, new)
    record_changes(entity_type="user", entity_id=user.id, action="password_reset", before={},
                   after={}, user_id=user.id,
                   reason=_("Lösenordet sattes med en återställningslänk."))
    record_event(SecurityEventType.PASSWORD_CHANGED, actor=user, subject=user,
                 method=LoginMethod.PASSWORD, details={"via": "reset_link"})
    db.session.flush()
    return user
