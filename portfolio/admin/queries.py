"""The read side of the account administration and the security log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from portfolio import clock
from portfolio.auth.models import ApiToken, User, UserRole
from portfolio.auth.provisioning import Grants
from portfolio.auth.roles import Role
from portfolio.auth.security_log import LoginMethod, SecurityEvent, SecurityEventType
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit, PriorityArea


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
    sso: bool = False
    break_glass: bool = False


@dataclass(frozen=True)
class UserFilter:
    text: str = ""
    role: str = ""
    status: str = ""        # "", "active", "inactive"
    source: str = ""        # "", "sso", "local"

    @classmethod
    def from_args(cls, args) -> UserFilter:
        role = args.get("role") or ""
        status = args.get("status") or ""
        source = args.get("source") or ""
        return cls(text=(args.get("q") or "").strip()[:100],
                   role=role if role in Role.values() else "",
                   status=status if status in ("active", "inactive") else "",
                   source=source if source in ("sso", "local") else "")

    @property
    def active(self) -> bool:
        return bool(self.text or self.role or self.status or self.source)


def users(flt: UserFilter | None = None) -> list[UserRow]:
    """The accounts that match the filter (all without one), by name."""
    flt = flt or UserFilter()
    stmt = db.select(User).order_by(User.name, User.email)
    if flt.text:
        pattern = "%" + flt.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(db.or_(db.func.lower(User.name).like(pattern, escape="\\"),
                                 User.email.like(pattern, escape="\\")))
    if flt.role:
        stmt = stmt.where(User.id.in_(db.select(UserRole.user_id).where(UserRole.role == flt.role)))
    if flt.status:
        stmt = stmt.where(User.active.is_(flt.status == "active"))
    if flt.source == "sso":
        stmt = stmt.where(User.oidc_subject.is_not(None))
    elif flt.source == "local":
        stmt = stmt.where(User.oidc_subject.is_(None))
    rows = db.session.scalars(stmt).all()
    return [UserRow(id=u.id, name=u.name, email=u.email,
                    roles=", ".join(str(Role.label_of(r)) for r in sorted(u.roles)),
                    active=u.active, last_login=local_time(u.last_login_at),
                    sso=u.oidc_subject is not None, break_glass=u.break_glass) for u in rows]


@dataclass(frozen=True)
class Granted:
    code: str
    label: str
    mapped: bool            # from the identity provider's groups (else set by hand)


@dataclass(frozen=True)
class UserDetail:
    user: User
    roles: list[Granted]
    areas: list[Granted]
    units: list[Granted]
    active_tokens: int
    last_login: str | None
    created: str | None


def user_detail(user: User) -> UserDetail:
    grants = Grants.from_json(user.idp_grants)
    active_tokens = db.session.scalar(db.select(db.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > clock.now())) or 0
    return UserDetail(
        user=user,
        roles=[Granted(r, str(Role.label_of(r)), r in grants.roles) for r in sorted(user.roles)],
        areas=[Granted(a.code, a.name, a.code in grants.areas) for a in sorted(user.areas, key=lambda a: a.code)],
        units=[Granted(u.code, u.name, u.code in grants.units) for u in sorted(user.units, key=lambda u: u.code)],
        active_tokens=active_tokens, last_login=local_time(user.last_login_at),
        created=local_time(user.created_at))


def area_choices() -> list[tuple[str, str]]:
    return [(a.code, f"{a.code} – {a.name}")
            for a in db.session.scalars(db.select(PriorityArea).order_by(PriorityArea.code))]


def unit_choices() -> list[tuple[str, str]]:
    return [(u.code, f"{u.code} – {u.name}")
            for u in db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.code))]


# --- the security log --------------------------------------------------------------------------------

@dataclass(frozen=True)
class LogFilter:
    event: str = ""
    person: str = ""        # a part of the actor's or subject's e-mail address
    address: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args) -> LogFilter:
        event = args.get("event") or ""
        return cls(event=event if event in SecurityEventType.values() else "",
                   person=(args.get("person") or "").strip().lower()[:100],
                   address=(args.get("address") or "").strip()[:64],
                   since=_day(args.get("since")), until=_day(args.get("until")))

    def args(self) -> dict[str, str]:
        values = {"event": self.event, "person": self.person, "address": self.address,
                  "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in values.items() if v}


def _day(value) -> date | None:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _utc(day: date) -> datetime:
    """The start of a Swedish day, as the naive UTC time the log stores."""
    return datetime.combine(day, time(), clock.TIME_ZONE).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class LogRow:
    id: int
    when: str
    event: str
    event_label: str
    method: str
    actor: str
    subject: str
    address: str
    details: str


def _details_text(row: SecurityEvent) -> str:
    parts = []
    for key, value in sorted(row.detail_map.items()):
        if value is None or value == "" or value == []:
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def _log_statement(flt: LogFilter):
    stmt = db.select(SecurityEvent)
    if flt.event:
        stmt = stmt.where(SecurityEvent.event == flt.event)
    if flt.person:
        pattern = "%" + flt.person.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(db.or_(db.func.lower(SecurityEvent.actor_label).like(pattern, escape="\\"),
                                 db.func.lower(SecurityEvent.subject_label).like(pattern, escape="\\")))
    if flt.address:
        stmt = stmt.where(SecurityEvent.address == flt.address)
    if flt.since:
        stmt = stmt.where(SecurityEvent.occurred_at >= _utc(flt.since))
    if flt.until:
        stmt = stmt.where(SecurityEvent.occurred_at < _utc(flt.until + timedelta(days=1)))
    return stmt


def _row(event: SecurityEvent) -> LogRow:
    when = event.occurred_at.replace(tzinfo=UTC).astimezone(clock.TIME_ZONE).strftime("%Y-%m-%d %H:%M:%S")
    return LogRow(id=event.id, when=when, event=event.event,
                  event_label=SecurityEventType.label_of(event.event),
                  method=LoginMethod.label_of(event.method) if event.method else "",
                  actor=event.actor_label or "", subject=event.subject_label or "",
                  address=event.address or "", details=_details_text(event))


def security_log(flt: LogFilter, page: int, per_page: int) -> tuple[list[LogRow], int]:
    """One page of the matching events, newest first, and how many match."""
    stmt = _log_statement(flt)
    total = db.session.scalar(db.select(db.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(SecurityEvent.occurred_at.desc(), SecurityEvent.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return [_row(e) for e in rows], total


EXPORT_LIMIT = 100_000


def security_log_rows(flt: LogFilter) -> list[tuple]:
    """Every matching event (up to EXPORT_LIMIT), oldest first, for the CSV export."""
    stmt = _log_statement(flt).order_by(SecurityEvent.occurred_at, SecurityEvent.id).limit(EXPORT_LIMIT)
    return [(r.id, r.when, r.event, r.event_label, r.method, r.actor, r.subject, r.address, r.details)
            for r in map(_row, db.session.scalars(stmt))]
