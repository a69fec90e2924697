"""The security log: an append-only record of security events (logins and their failures,
lockouts, logouts, role, scope and activation changes, API tokens, publication and gate
overrides) — who, when, from which address, what.

Unlike the change log (the data's history) it is written once and never changed: the ORM refuses
to update or delete a row (`_refuse_changes`), the database refuses UPDATE (a trigger, see
migration 0022), and nothing in the app offers either. Old rows go only through
`prune_security_log` (`portfolio retention`, SECURITY_LOG_RETENTION_DAYS). The details never
hold a password, a token or a secret: `record_event` refuses such keys, and callers pass only
names, codes and counts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, ClassVar

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, String, Text, delete, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portfolio import clock
from portfolio.codes import Code
from portfolio.extensions import Model, db
from portfolio.inputs import days_setting


class SecurityEventType(Code):
    LOGIN = "login", _l("inloggning")
    LOGIN_FAILED = "login_failed", _l("misslyckad inloggning")
    LOCKOUT = "lockout", _l("spärr efter för många försök")
    LOGOUT = "logout", _l("utloggning")
    USER_CREATED = "user_created", _l("konto skapat")
    ROLE_CHANGE = "role_change", _l("ändrade roller")
    SCOPE_CHANGE = "scope_change", _l("ändrade områden eller enheter")
    DEACTIVATED = "deactivated", _l("konto inaktiverat")
    REACTIVATED = "reactivated", _l("konto aktiverat")
    SESSIONS_ENDED = "sessions_ended", _l("sessioner avslutade")
    PASSWORD_CHANGED = "password_changed", _l("lösenord bytt")
    RESET_LINK = "reset_link", _l("återställningslänk skapad")
    TOKEN_CREATED = "token_created", _l("API-nyckel skapad")
    TOKEN_REVOKED = "token_revoked", _l("API-nyckel återkallad")
    PUBLICATION = "publication", _l("publicering i öppna data")
    GATE_OVERRIDE = "gate_override", _l("undantag från fasgrind")


class LoginMethod(Code):
    PASSWORD = "password", _l("lösenord")
    OIDC = "oidc", _l("organisationens inloggning")
    ADMIN = "admin", _l("administratör")
    CLI = "cli", _l("kommandoraden")
    SYSTEM = "system", _l("systemet")


# Keys a detail may never have: the log never holds a password, token or secret.
FORBIDDEN_DETAIL_WORDS = ("password", "passwd", "token", "secret", "code", "assertion", "cookie")
DETAIL_MAX = 2000


class SecurityLogError(ValueError):
    """A row would break the log's rules (a secret in it, or a change to a written row)."""


class SecurityEvent(Model):
    __tablename__ = "security_event"
    LIMITS: ClassVar[dict[str, int]] = {"label": 254, "address": 64}

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    event: Mapped[str] = mapped_column(String(32), index=True)
    method: Mapped[str | None] = mapped_column(String(16))
    # Who did it (None: nobody logged in, e.g. a failed login, or the system) and whom it was
    # about. Plain numbers, no foreign keys: the log outlives its accounts, and keeps the
    # e-mail address each had then.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str | None] = mapped_column(String(254))
    subject_id: Mapped[int | None] = mapped_column(index=True)
    subject_label: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="{}")

    @property
    def detail_map(self) -> dict[str, Any]:
        try:
            value = json.loads(self.details or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


# The database refuses to change a written row (PostgreSQL and SQLite), whoever asks.
NO_UPDATE_SQLITE = DDL(
    "CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_event "
    "BEGIN SELECT RAISE(ABORT, 'security_event is append-only'); END")
NO_UPDATE_PG_FUNCTION = DDL(
    "CREATE OR REPLACE FUNCTION security_event_no_update() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'security_event is append-only'; END; $$ LANGUAGE plpgsql")
NO_UPDATE_PG_TRIGGER = DDL(
    "CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_event "
    "FOR EACH ROW EXECUTE FUNCTION security_event_no_update()")
event.listen(SecurityEvent.__table__, "after_create", NO_UPDATE_SQLITE.execute_if(dialect="sqlite"))
event.listen(SecurityEvent.__table__, "after_create",
             NO_UPDATE_PG_FUNCTION.execute_if(dialect="postgresql"))
event.listen(SecurityEvent.__table__, "after_create",
             NO_UPDATE_PG_TRIGGER.execute_if(dialect="postgresql"))

PRUNE_OPTION = "security_log_retention"


@event.listens_for(Session, "before_flush")
def _refuse_changes(session, flush_context, instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, SecurityEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise SecurityLogError("The security log is append-only.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ is SecurityEvent \
            and not state.execution_options.get(PRUNE_OPTION):
        raise SecurityLogError("The security log is append-only.")


def _label(user) -> tuple[int | None, str | None]:
    # Not `is_authenticated`: flask-login's is False for a deactivated account, which is still someone.
    if user is None or getattr(user, "is_anonymous", False) or getattr(user, "id", None) is None:
        return None, None
    return user.id, (getattr(user, "email", None) or str(user))[:SecurityEvent.LIMITS["label"]]


def _clean_details(details: dict[str, Any] | None) -> str:
    clean: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if any(word in key.lower() for word in FORBIDDEN_DETAIL_WORDS):
            raise SecurityLogError(f"The security log never holds {key!r}.")
        if isinstance(value, list | tuple | set | frozenset):
            value = sorted(str(v) for v in value)
        elif value is not None and not isinstance(value, bool | int | float):
            value = str(value)
        clean[key] = value
    text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= DETAIL_MAX else json.dumps({"truncated": text[:DETAIL_MAX - 40]},
                                                           ensure_ascii=False)


def client_address() -> str | None:
    """This request's client address (as ProxyFix read it), or None outside a request."""
    return (request.remote_addr or None) if has_request_context() else None


def record_event(event_type: str, *, actor=None, subject=None, method: str | None = None,
                 subject_label: str | None = None, details: dict[str, Any] | None = None,
                 at: datetime | None = None) -> SecurityEvent:
    """Append one event. `actor` did it (None: nobody logged in, or the system); `subject` is the
    account it was about (`subject_label` names one that does not exist, e.g. the address a
    failed login tried). Flushes; the caller owns the transaction."""
    if event_type not in SecurityEventType.values():
        raise SecurityLogError(f"Unknown security event {event_type!r}.")
    actor_id, actor_label = _label(actor)
    subject_id, label = _label(subject)
    row = SecurityEvent(occurred_at=at or clock.now(), event=event_type, method=method,
                        actor_id=actor_id, actor_label=actor_label, subject_id=subject_id,
                        subject_label=(label or subject_label or None) and
                        (label or subject_label or "")[:SecurityEvent.LIMITS["label"]],
                        address=(client_address() or None) and (client_address() or "")[:64],
                        details=_clean_details(details))
    db.session.add(row)
    db.session.flush()
    return row


# --- retention -------------------------------------------------------------------------------------

class SecurityRetentionError(ValueError):
    """The retention setting is not a number of days."""


def security_log_retention_days(value) -> int | None:
    """SECURITY_LOG_RETENTION_DAYS as a number of days; None (not set) keeps the whole log."""
    try:
        return days_setting(value, "SECURITY_LOG_RETENTION_DAYS")
    except ValueError as exc:
        raise SecurityRetentionError(str(exc)) from None


def prune_security_log(days: int, *, dry_run: bool = False) -> tuple[datetime, int]:
    """Remove (or in a dry run count) events older than `days` days: the only way a row leaves
    the log. Returns the cutoff (naive UTC) and the number of rows. Flushes only."""
    cutoff = clock.now() - timedelta(days=days)
    old = SecurityEvent.occurred_at < cutoff
    count = db.session.scalar(select(func.count()).select_from(SecurityEvent).where(old)) or 0
    if count and not dry_run:
        db.session.execute(delete(SecurityEvent).where(old).execution_options(
            synchronize_session=False, **{PRUNE_OPTION: True}))
        db.session.flush()
    return cutoff, count
