"""Accounts: create users, end their sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from werkzeug.security import generate_password_hash

from portfolio.auth.models import User, UserRole
from portfolio.auth.roles import Role
from portfolio.changelog.services import now, record_changes
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit, PriorityArea

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
    if len(data.password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken")
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
                password_hash=generate_password_hash(
                    data.password, method=current_app.config["PASSWORD_HASH_METHOD"]),
                role_rows=[UserRole(role=r) for r in dict.fromkeys(data.roles)],
                areas=area_rows, units=unit_rows, created_at=now())
    db.session.add(user)
    db.session.flush()
    record_changes(entity_type="user", entity_id=user.id, action="create", before={},
                   after={"email": email, "roles": ", ".join(data.roles),
                          "areas": ", ".join(data.areas), "units": ", ".join(data.units)},
                   user_id=actor_id)
    db.session.flush()
    return user


def create_user(*, email: str, roles: Sequence[str], password: str, name: str | None = None,
                areas: Sequence[str] = (), units: Sequence[str] = (), actor_id: int | None = None) -> User:
    """`add_user` with keywords (the command line and the demo loader call it so)."""
    return add_user(UserInput(email=email, roles=list(roles), password=password, name=name,
                              areas=list(areas), units=list(units)), actor_id)


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
