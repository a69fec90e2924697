"""Accounts and login: create users, check passwords, throttle repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio.auth import roles as R
from portfolio.auth.models import LoginThrottle, User, UserRole
from portfolio.changelog.services import now, record_changes
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit, PriorityArea

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(*, email: str, roles: list[str], password: str, name: str | None = None,
                areas: list[str] = (), units: list[str] = (), actor_id: int | None = None) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"Ogiltig e-postadress: {email!r}")
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        raise AccountError(f"Det finns redan en användare med e-postadressen {email}")
    unknown = [r for r in roles if r not in R.ROLES]
    if not roles or unknown:
        raise AccountError(f"Okänd roll: {', '.join(unknown) or '(ingen)'}; välj bland {', '.join(R.ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken")
    area_rows = _by_code(PriorityArea, areas, "prioriterat område")
    unit_rows = _by_code(OrgUnit, units, "enhet")
    if R.PROGRAMME_MANAGER in roles and not area_rows:
        raise AccountError("En programledare behöver minst ett område (--area)")
    if R.EDITOR in roles and not unit_rows:
        raise AccountError("En redigerare behöver minst en enhet (--unit)")
    user = User(email=email, name=name or email.split("@")[0], active=True,
                password_hash=generate_password_hash(password),
                role_rows=[UserRole(role=r) for r in dict.fromkeys(roles)],
                areas=area_rows, units=unit_rows, created_at=now())
    db.session.add(user)
    db.session.flush()
    record_changes(entity_type="user", entity_id=user.id, action="create", before={},
                   after={"email": email, "roles": ", ".join(roles),
                          "areas": ", ".join(areas), "units": ", ".join(units)},
                   user_id=actor_id)
    db.session.flush()
    return user


def _by_code(model, codes, what: str):
    rows = []
    for code in codes:
        row = db.session.scalar(db.select(model).where(model.code == code))
        if row is None:
            raise AccountError(f"Okänt {what}: {code}")
        rows.append(row)
    return rows


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
