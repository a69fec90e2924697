"""Login: check an e-mail address and password, and slow down guessing.

Failed attempts are counted per client address and per account-and-address (`portfolio.limits`):
the right password from an address that has not been failing always gets in, so nobody can lock
another person out. The work is the same whether or not the address has an account: an unknown
address is checked against a decoy hash made with the same method, so the response time does not
tell which addresses exist."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio.auth.models import User
from portfolio.auth.security_log import LoginMethod, SecurityEventType, record_event
from portfolio.auth.services import normalise_email
from portfolio.changelog.services import now
from portfolio.extensions import db
from portfolio.limits import client_address, rate_limits
from portfolio.settings import FALSE_WORDS

DECOY_KEY = "portfolio.decoy_password_hash"


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_minutes: int = 0


def _decoy_hash() -> str:
    """A hash of a random password with the configured method, made once per app."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    cached = current_app.extensions.get(DECOY_KEY)
    if cached is None or cached[0] != method:
        import secrets

        cached = (method, generate_password_hash(secrets.token_hex(16), method=method))
        current_app.extensions[DECOY_KEY] = cached
    return cached[1]


def authenticate(email: str, password: str, *, break_glass_only: bool = False) -> LoginResult:
    """Check a login from this request's client address.

    Refused without checking the password while the address has failed too often (for any
    account, or for this one); a failure counts against both. Success clears the account's count
    for this address. `break_glass_only` (PASSWORD_LOGIN off): only a break-glass account may get
    in with a password.

    The security log (never the password) gets each login, each failure for an existing account
    and the start of each lockout. A failure for an address with no account is only counted:
    logging those would let anyone fill the database from the login form."""
    email = normalise_email(email)
    client = client_address()
    limits = rate_limits()
    locked = _locked_minutes(limits, email, client)
    if locked:              # the lockout was logged when it began
        return LoginResult(None, locked_minutes=locked)
    user = db.session.scalar(db.select(User).where(User.email == email))
    # One password check whether or not the account exists (constant work).
    matches = check_password_hash(user.password_hash if user else _decoy_hash(), password)
    allowed = user is not None and (user.break_glass or not break_glass_only)
    if user is not None and user.active and matches and allowed:
        limits.clear("login_account_client", email, client)
        user.last_login_at = now()
        db.session.flush()
        record_event(SecurityEventType.LOGIN, actor=user, subject=user, method=LoginMethod.PASSWORD,
                     details={"break_glass": True} if user.break_glass else None)
        return LoginResult(user)
    limits.hit("login_client", client)
    limits.hit("login_account_client", email, client)
    # The failure that used up the last attempt says so at once.
    locked = _locked_minutes(limits, email, client)
    if user is not None:
        _log_failure(email, "inactive" if matches and not user.active
                     else "password_login_off" if matches else "wrong_password", user)
    if locked:
        record_event(SecurityEventType.LOCKOUT, subject=user, subject_label=_label(email),
                     method=LoginMethod.PASSWORD, details={"minutes": locked})
    return LoginResult(None, locked_minutes=locked)


def _log_failure(email: str, reason: str, user: User | None = None) -> None:
    record_event(SecurityEventType.LOGIN_FAILED, subject=user, subject_label=_label(email),
                 method=LoginMethod.PASSWORD, details={"reason": reason})


def _label(email: str) -> str:
    """The address a login tried, for the log; anything that is not an address (say, a password
    typed into the wrong field) is not kept."""
    return email[:254] if "@" in email and " " not in email else "(ogiltig adress)"


def password_login_enabled(config=None) -> bool:
    """PASSWORD_LOGIN: True/False, or "true"/"false" from PORTFOLIO_PASSWORD_LOGIN."""
    value = (config if config is not None else current_app.config).get("PASSWORD_LOGIN", True)
    if isinstance(value, str):
        return value.strip().lower() not in FALSE_WORDS
    return bool(value)


def _locked_minutes(limits, email: str, client: str) -> int:
    """Minutes until this address may try this account again (0: it may now)."""
    waits = [v.retry_after_minutes for v in (limits.check("login_client", client),
                                            limits.check("login_account_client", email, client))
             if not v.allowed]
    return max(waits, default=0)


def forget_failed_logins(email: str) -> None:
    """Forget the failed logins for `email` from this request's address (after the owner set a
    new password with a reset link from here)."""
    rate_limits().clear("login_account_client", normalise_email(email), client_address())
