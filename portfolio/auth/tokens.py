"""Personal API tokens: create (shown once), list, revoke, and look up by the Bearer value."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _

from portfolio.auth.models import ApiToken, User
from portfolio.changelog.services import now
from portfolio.extensions import db
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

TOKEN_PREFIX = "pft_"
MAX_ACTIVE_TOKENS = ApiToken.LIMITS["active_per_user"]
NAME_MAX = ApiToken.LIMITS["name"]
DEFAULT_LIFETIME_DAYS = 90


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token; never stored, shown to its owner once


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                                             ApiToken.id.desc())))


def validate_token(user: User, name: str | None) -> None:
    """Every problem with a new token's name (and the user's number of active tokens)."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    check_texts({"name": name}, {"name": NAME_MAX}, errors)
    if not name and "name" not in errors:
        errors["name"] = _("Ge nyckeln ett namn, t.ex. vad den ska användas till.")
    active = db.session.scalar(db.select(db.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    if active >= MAX_ACTIVE_TOKENS:
        errors["name"] = _("Du har redan %(max)d aktiva nycklar. Återkalla någon först.", max=MAX_ACTIVE_TOKENS)
    if errors:
        raise ServiceValidationError(errors)


def create_token(user: User, name: str) -> NewToken:
    validate_token(user, name)
    name = name.strip()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret), prefix=secret[:10],
                     created_at=now(), expires_at=now() + timedelta(days=DEFAULT_LIFETIME_DAYS))
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or token.user_id != user.id:
        raise PermissionDenied()
    if token.revoked_at is None:
        token.revoked_at = now()
        db.session.flush()
    return token


def user_for_secret(secret: str) -> User | None:
    """The active user behind an active token, or None. Marks the token as used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    moment = now()
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        token.last_used_at = moment
        db.session.flush()
    return token.user
