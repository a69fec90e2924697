"""User accounts with combinable roles, area scopes (programledare) and unit scopes (editor)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio import clock
from portfolio.auth import roles as R
from portfolio.extensions import Model, db
from portfolio.programme.models import OrgUnit, PriorityArea

user_area = Table(
    "user_area", db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("priority_area.id"), primary_key=True),
)
user_unit = Table(
    "user_unit", db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_unit.id"), primary_key=True),
)


class UserRole(Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class User(UserMixin, Model):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)
    LIMITS: ClassVar[dict[str, int]] = {"email": 254, "name": 200, "password_min": 10, "password_max": 500}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_login_at: Mapped[datetime | None]
    # Stored in the session at login; bumping it (logout, deactivation) ends every session.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # The e-mail digest of what is due (portfolio.reminders): daily, weekly (Monday morning) or
    # never, and its language (sv or en).
    digest_frequency: Mapped[str] = mapped_column(String(10), default="weekly",
                                                  server_default="weekly")
    digest_locale: Mapped[str] = mapped_column(String(5), default="sv", server_default="sv")
    # Single sign-on (portfolio.auth.oidc): the identity provider's issuer and subject once the
    # account has logged in through it, and what its groups granted at the latest login (role,
    # area and unit codes); a role or scope not in `idp_grants` was set by hand.
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    idp_grants: Mapped[dict | None] = mapped_column(JSON)
    # A break-glass account may use its password even when PASSWORD_LOGIN is off.
    break_glass: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin")
    areas: Mapped[list[PriorityArea]] = relationship(secondary=user_area, lazy="selectin")
    units: Mapped[list[OrgUnit]] = relationship(secondary=user_unit, lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_office(self) -> bool:
        return self.has_role(R.ADMIN, R.PORTFOLIO_OFFICE)

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def __str__(self) -> str:
        return self.name or self.email


class ApiToken(Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    __tablename__ = "api_token"
    LIMITS: ClassVar[dict[str, int]] = {"name": 100, "active_per_user": 20}
    # How long a new token may live, in days; the owner picks one when creating it.
    LIFETIMES: ClassVar[tuple[int, ...]] = (30, 90, 180, 365)
    DEFAULT_LIFETIME: ClassVar[int] = 90

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    # A read-only token may only read (GET/HEAD/OPTIONS), whatever its user's roles allow.
    read_only: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    user: Mapped[User] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def expired(self) -> bool:
        """Past its expiry (whether or not it was also revoked)."""
        return self.expires_at <= clock.now()

    @property
    def active(self) -> bool:
        """Usable: neither revoked nor expired."""
        return not self.revoked and not self.expired

    @property
    def expires_on(self) -> date:
        """The (Swedish) date on which the token stops working, as shown in the profile."""
        return self.expires_at.replace(tzinfo=UTC).astimezone(clock.TIME_ZONE).date()


from portfolio.auth.security_log import SecurityEvent  # noqa: E402,F401  (registered with the metadata)
