"""The read side of the account administration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from portfolio import clock
from portfolio.auth.models import User
from portfolio.auth.roles import Role
from portfolio.extensions import db


def local_time(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time as a Swedish wall clock reads it."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(clock.TIME_ZONE).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    email: str
    roles: str
    active: bool
    last_login: str | None


def users() -> list[UserRow]:
    """Every account, by name."""
    rows = db.session.scalars(db.select(User).order_by(User.name, User.email)).all()
    return [UserRow(id=u.id, name=u.name, email=u.email,
                    roles=", ".join(str(Role.label_of(r)) for r in sorted(u.roles)),
                    active=u.active, last_login=local_time(u.last_login_at)) for u in rows]
