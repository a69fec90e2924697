"""Login: check an e-mail address and password, and slow down guessing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from werkzeug.security import check_password_hash

from portfolio.auth.models import LoginThrottle, User
from portfolio.auth.services import normalise_email
from portfolio.changelog.services import now
from portfolio.extensions import db


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_minutes: int = 0


def authenticate(email: str, password: str) -> LoginResult:
    """Check a login. Repeated failures for one address lock it for a while (even a correct
    password is refused while locked), so guessing is slow."""
    email = normalise_email(email)
    cfg = current_app.config
    moment = now()
    throttle = db.session.get(LoginThrottle, email)
    if throttle and throttle.locked_until and throttle.locked_until > moment:
        remaining = (throttle.locked_until - moment).total_seconds()
        return LoginResult(None, locked_minutes=max(1, int(remaining // 60) + 1))
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user and user.active and check_password_hash(user.password_hash, password):
        if throttle:
            db.session.delete(throttle)
        user.last_login_at = moment
        db.session.flush()
        return LoginResult(user)
    if throttle is None:
        throttle = LoginThrottle(email=email, failures=0, window_started_at=moment)
        db.session.add(throttle)
    if moment - throttle.window_started_at > timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"]):
        throttle.failures, throttle.window_started_at, throttle.locked_until = 0, moment, None
    throttle.failures += 1
    locked = 0
    if throttle.failures >= cfg["LOGIN_MAX_FAILURES"]:
        throttle.locked_until = moment + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
        locked = cfg["LOGIN_LOCK_MINUTES"]
    db.session.flush()
    return LoginResult(None, locked_minutes=locked)
