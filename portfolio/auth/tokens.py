"""Personal API tokens: create (shown once), list, revoke, and look up by the Bearer value.

A token lives for a chosen number of days (LIFETIMES, 90 unless its owner picks another) and may
be read-only: the API then lets it read (GET, HEAD, OPTIONS) and nothing else."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _

from portfolio.auth.models import ApiToken, User
from portfolio.auth.security_log import SecurityEventType, record_event
from portfolio.changelog.services import now
from portfolio.extensions import db
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

TOKEN_PREFIX = "pft_"
MAX_ACTIVE_TOKENS = ApiToken.LIMITS["active_per_user"]
NAME_MAX = ApiToken.LIMITS["name"]
LIFETIMES = ApiToken.LIFETIMES
DEFAULT_LIFETIME_DAYS = ApiToken.DEFAULT_LIFETIME


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token; never stored, shown to its owner once


@dataclass(frozen=True)
class TokenCheck:
    """What a Bearer value stands for: the user when the token may be used, else None; whether
    it may only read; and whether it is refused because it has expired (the caller holds the
    token, so telling them so reveals nothing about anyone else's)."""

    user: User | None
    read_only: bool = False
    expired: bool = False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _usable():
    return db.and_(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now())


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, usable ones first, newest first."""
    return list(db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(db.not_(_usable()), ApiToken.created_at.desc(),
                                             ApiToken.id.desc())))


def valid_lifetime(days: object) -> bool:
    return isinstance(days, int) and not isinstance(days, bool) and days in LIFETIMES


def validate_token(user: User, name: str | None, lifetime_days: object = DEFAULT_LIFETIME_DAYS) -> None:
    """Every problem with a new token (its name, its lifetime, the user's number of usable
    tokens), all at once."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    check_texts({"name": name}, {"name": NAME_MAX}, errors)
    if not name and "name" not in errors:
        errors["name"] = _("Ge nyckeln ett namn, t.ex. vad den ska användas till.")
    if not valid_lifetime(lifetime_days):
        errors["lifetime_days"] = lifetime_message()
    active = db.session.scalar(db.select(db.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, _usable()))
    if active >= MAX_ACTIVE_TOKENS:
        errors["name"] = _("Du har redan %(max)d aktiva nycklar. Återkalla någon först.", max=MAX_ACTIVE_TOKENS)
    if errors:
        raise ServiceValidationError(errors)


def lifetime_message() -> str:
    return _("Välj hur länge nyckeln ska gälla bland alternativen i listan (högst %(max)d dagar).",
             max=max(LIFETIMES))


def create_token(user: User, name: str, *, lifetime_days: int = DEFAULT_LIFETIME_DAYS,
                 read_only: bool = False) -> NewToken:
    validate_token(user, name, lifetime_days)
    name = name.strip()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    created = now()
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret), prefix=secret[:10],
                     created_at=created, expires_at=created + timedelta(days=lifetime_days),
                     read_only=bool(read_only))
    db.session.add(token)
    db.session.flush()
    record_event(SecurityEventType.TOKEN_CREATED, actor=user, subject=user,
                 details={"key_id": token.id, "name": name, "prefix": token.prefix,
                          "read_only": token.read_only, "days": lifetime_days})
    return NewToken(token, secret)


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or token.user_id != user.id:
        raise PermissionDenied()
    if token.revoked_at is None:
        token.revoked_at = now()
        db.session.flush()
        record_event(SecurityEventType.TOKEN_REVOKED, actor=user, subject=user,
                     details={"key_id": token.id, "name": token.name, "prefix": token.prefix})
    return token


def check_secret(secret: str) -> TokenCheck:
    """The token behind a Bearer value, checked: usable (not revoked, not expired, its user
    active) gives its user and scope, and marks the token as used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return TokenCheck(None)
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked or not token.user.active:
        return TokenCheck(None)
    if token.expired:
        return TokenCheck(None, expired=True)
    moment = now()
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        token.last_used_at = moment
        db.session.flush()
    return TokenCheck(token.user, read_only=token.read_only)


def user_for_secret(secret: str) -> User | None:
    """The active user behind a usable token, or None. Marks the token as used."""
    return check_secret(secret).user
