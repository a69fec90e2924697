"""Who gets a reminder now, and sending it exactly once.

The digest: each user chooses daily, weekly (the default: Monday morning) or never. A daily
digest is due from REMINDER_SEND_HOUR (Swedish time) each day, a weekly one from that hour on
Monday (period: the ISO week). Each
(user, period) gets one row in `reminder_delivery`, claimed (committed) *before* the mail goes
out: the unique constraint on (user, period) lets one run, worker or thread win; the others see
the claim and skip. A sent reminder is never claimed again; a failed one is claimed again by
the next attempt (the job's retry or the next hourly run), at most MAX_ATTEMPTS times.

The same rules make the one-off period reminder the project office sends from "Att göra": one
row per recipient and (period, day), so a double click sends once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, select, update

from portfolio import clock
from portfolio.auth import roles as R
from portfolio.auth.models import User, UserRole
from portfolio.domain import schedule
from portfolio.extensions import db
from portfolio.followups import queries as todo_queries
from portfolio.initiatives.models import Initiative
from portfolio.jobs.engine import current_job_id
from portfolio.mail import MailConnection, MailError, build_message, mail_configured, mail_connection, sender_domain
from portfolio.programme.queries import unit_scope
from portfolio.programme.services import current_programme
from portfolio.reminders import digest as D
from portfolio.reminders.models import DIGEST, EMPTY, FAILED, PERIOD, SENDING, SENT, ReminderDelivery
from portfolio.transactions import transaction
from portfolio.validation import ConcurrentSaveError

log = logging.getLogger(__name__)

DAILY, WEEKLY, NEVER = "daily", "weekly", "never"
FREQUENCIES = (DAILY, WEEKLY, NEVER)
LOCALES = ("sv", "en")
MAX_ATTEMPTS = 5                       # a delivery failed this often is not tried again
STALE_CLAIM = timedelta(minutes=15)    # a claim this old whose sender never reported died
CONNECTION_FAILURES_TO_STOP = 3        # the server unreachable this many times in a row: stop


class ReminderSendError(RuntimeError):
    """Some reminders could not be sent; the job raises it so the queue tries again."""


# --- when is a digest due --------------------------------------------------------------------

def digest_period_key(frequency: str, moment: datetime, send_hour: int) -> str | None:
    """The period whose digest is due at `moment` (Swedish wall-clock time), or None: daily
    "day:2026-11-30" from the send hour; weekly "week:2026-W49" on Monday from the send hour (the hourly runs
    until midnight retry what failed; a Monday missed altogether waits for the next one, whose
    digest lists everything still due)."""
    if frequency == DAILY:
        return f"day:{moment.date().isoformat()}" if moment.hour >= send_hour else None
    if frequency == WEEKLY:
        if moment.weekday() != 0 or moment.hour < send_hour:
            return None
        iso = moment.isocalendar()
        return f"week:{iso.year}-W{iso.week:02d}"
    return None


def send_hour() -> int:
    try:
        return min(23, max(0, int(current_app.config.get("REMINDER_SEND_HOUR", 7))))
    except (TypeError, ValueError):
        return 7


def wants_digest(user: User) -> bool:
    return user.active and user.digest_frequency in (DAILY, WEEKLY) and todo_queries.has_todo_scope(user)


def scope_signature(user: User) -> tuple:
    """Users with the same signature have the same "Att göra" (the office: everything;
    otherwise the union of their areas as programledare and units as editor). No query."""
    if user.is_office:
        return ("office",)
    areas = frozenset(a.id for a in user.areas) if user.has_role(R.PROGRAMME_MANAGER) else frozenset()
    units = frozenset(u.id for u in user.units) if user.has_role(R.EDITOR) else frozenset()
    return ("scope", areas, units)


# --- claiming ------------------------------------------------------------------------------------

# A delivery's outcome, committed with the next claim: (row id, status, error, Message-ID).
Outcome = tuple[int, str, str | None, str | None]


def claim(user_id: int, email: str, period_key: str, kind: str, items: list[str], *,
          finishing: Outcome | None = None) -> int | None:
    """Take the (user, period) row for sending, committed before anything is sent; returns its
    id, or None when it is sent, empty, being sent by someone else, or failed too often.
    `finishing`, the previous reminder's outcome, is committed in the same transaction (one
    commit per reminder, not two)."""
    now = clock.now()
    job_id = current_job_id()
    try:
        with transaction():
            if finishing is not None:
                _record_outcome(finishing)
            row = ReminderDelivery(user_id=user_id, period_key=period_key, kind=kind,
                                   status=SENDING, items=items, item_count=len(items),
                                   email=email, attempts=1, job_id=job_id, claimed_at=now)
            db.session.add(row)
            db.session.flush()
            row_id = row.id
        return row_id
    except ConcurrentSaveError:
        pass
    # There is a row: take it over when it failed, or when its claim is stale (the sender died:
    # a killed work horse; or an earlier attempt of this very job).
    taken_over = [ReminderDelivery.claimed_at < now - STALE_CLAIM]
    if job_id is not None:
        taken_over.append(ReminderDelivery.job_id == job_id)
    mine = and_(ReminderDelivery.user_id == user_id, ReminderDelivery.period_key == period_key)
    with transaction():
        if finishing is not None:
            _record_outcome(finishing)
        result = db.session.execute(
            update(ReminderDelivery)
            .where(mine, ReminderDelivery.attempts < MAX_ATTEMPTS,
                   or_(ReminderDelivery.status == FAILED,
                       and_(ReminderDelivery.status == SENDING, or_(*taken_over))))
            .values(status=SENDING, claimed_at=now, job_id=job_id, items=items,
                    item_count=len(items), email=email, error=None,
                    attempts=ReminderDelivery.attempts + 1)
            .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.scalar(select(ReminderDelivery.id).where(mine))


def record_empty(user_id: int, email: str, period_key: str) -> None:
    """Nothing due for the period: noted, so the hourly run does not look again."""
    try:
        with transaction():
            db.session.add(ReminderDelivery(user_id=user_id, period_key=period_key, kind=DIGEST,
                                            status=EMPTY, items=[], item_count=0, email=email,
                                            attempts=0, job_id=current_job_id(),
                                            claimed_at=clock.now()))
    except ConcurrentSaveError:
        pass


def _record_outcome(outcome: Outcome) -> None:
    row_id, status, error, message_id = outcome
    values: dict[str, Any] = {"status": status, "error": error}
    if message_id:
        values["message_id"] = message_id
    if status == SENT:
        values["sent_at"] = clock.now()
    db.session.execute(update(ReminderDelivery).where(ReminderDelivery.id == row_id).values(**values)
                       .execution_options(synchronize_session=False))


def _finish(row_id: int, status: str, error: str | None = None, message_id: str | None = None) -> None:
    with transaction():
        _record_outcome((row_id, status, error, message_id))


def _message_id(row_id: int, period_key: str) -> str:
    """Stable per delivery: were a mail ever sent twice (a worker killed between the server's
    "250 OK" and the log's commit), the two copies carry one Message-ID."""
    domain = sender_domain(current_app.config) or "portfolio.local"
    return f"<reminder-{row_id}-{period_key.replace(':', '-')}@{domain}>"


# --- sending -------------------------------------------------------------------------------------

@dataclass
class Outgoing:
    """One reminder to send, in plain values (the run commits between sends, which expires
    loaded rows)."""

    user_id: int
    email: str
    period_key: str
    kind: str
    keys: list[str]
    render: Any                      # () -> RenderedMail


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0                 # claimed elsewhere or already sent
    empty: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "skipped": self.skipped,
                "empty": self.empty, "errors": self.errors[:20]}


class _Sender:
    """One SMTP connection for the run, reopened after a failure."""

    def __init__(self) -> None:
        self._context: Any = None
        self._connection: MailConnection | None = None

    def send(self, message) -> None:
        if self._connection is None:
            self._context = mail_connection(current_app.config)
            self._connection = self._context.__enter__()
        try:
            assert self._connection is not None
            self._connection.send(message)
        except MailError as exc:
            if not exc.refused:
                self.close()
            raise

    def close(self) -> None:
        if self._context is not None:
            context, self._context, self._connection = self._context, None, None
            try:
                context.__exit__(None, None, None)
            except Exception:      # closing a broken connection
                log.debug("closing the SMTP connection failed", exc_info=True)


def deliver(outgoing: Iterable[Outgoing], result: RunResult) -> RunResult:
    """Claim, send and log each reminder. A refused message fails that delivery; the server
    unreachable several times in a row stops the run (the rest wait for the retry). Each
    outcome is committed with the next claim, the last one at the end."""
    mailer = _Sender()
    in_a_row = 0
    pending: Outcome | None = None
    try:
        for out in outgoing:
            row_id = claim(out.user_id, out.email, out.period_key, out.kind, out.keys,
                           finishing=pending)
            pending = None
            if row_id is None:
                result.skipped += 1
                continue
            message_id = _message_id(row_id, out.period_key)
            try:
                mail = out.render()
                message = build_message(current_app.config, to=out.email, subject=mail.subject,
                                        body=mail.text, html=mail.html, message_id=message_id)
                mailer.send(message)
            except MailError as exc:
                pending = (row_id, FAILED, str(exc), None)
                result.failed += 1
                result.errors.append(f"{out.email}: {exc}")
                in_a_row = 0 if exc.refused else in_a_row + 1
                if in_a_row >= CONNECTION_FAILURES_TO_STOP:
                    break
                continue
            except Exception as exc:
                pending = (row_id, FAILED, f"{type(exc).__name__}: {exc}", None)
                raise
            in_a_row = 0
            pending = (row_id, SENT, None, message_id)
            result.sent += 1
    finally:
        if pending is not None:
            _finish(*pending)
        mailer.close()
    return result


# --- the digest run ----------------------------------------------------------------------------

@dataclass
class PlannedDigest:
    user: User
    period_key: str | None
    digest: D.Digest | None
    reason: str                 # due | not-due | never | sent | no-scope | empty


def _candidates(only_email: str | None) -> list[User]:
    stmt = select(User).where(User.active.is_(True)).order_by(User.id)
    if only_email:
        stmt = stmt.where(User.email == only_email.strip().lower())
    else:
        stmt = stmt.where(User.digest_frequency.in_((DAILY, WEEKLY)))
    return list(db.session.scalars(stmt))


def plan_digests(moment: datetime | None = None, only_email: str | None = None) -> list[PlannedDigest]:
    """Who is due a digest now and what it lists; `Att göra` computed once per distinct scope."""
    moment = moment or clock.local_now()
    today = moment.date()
    hour = send_hour()
    users = _candidates(only_email)
    keys = {u.id: digest_period_key(u.digest_frequency, moment, hour) for u in users}
    done = {(user_id, key) for user_id, key in db.session.execute(
        select(ReminderDelivery.user_id, ReminderDelivery.period_key).where(
            ReminderDelivery.period_key.in_({k for k in keys.values() if k}),
            ReminderDelivery.status.in_((SENT, EMPTY))))}
    link = D.linker()
    by_scope: dict[tuple, D.Digest] = {}
    plans = []
    for user in users:
        key = keys[user.id]
        if user.digest_frequency == NEVER:
            plans.append(PlannedDigest(user, None, None, "never"))
        elif not todo_queries.has_todo_scope(user):
            plans.append(PlannedDigest(user, key, None, "no-scope"))
        elif key is None:
            plans.append(PlannedDigest(user, None, None, "not-due"))
        elif (user.id, key) in done:
            plans.append(PlannedDigest(user, key, None, "sent"))
        else:
            signature = scope_signature(user)
            if signature not in by_scope:
                by_scope[signature] = D.build_digest(todo_queries.todo(user, today), link)
            digest = by_scope[signature]
            plans.append(PlannedDigest(user, key, digest, "due" if digest.count else "empty"))
    return plans


def run_digests(moment: datetime | None = None, only_email: str | None = None) -> dict[str, Any]:
    """The scheduled (or hand-started) run: send every digest due now, once. Raises
    ReminderSendError when some could not be sent (the job is retried)."""
    if not mail_configured(current_app.config):
        return {"sent": 0, "skipped_reason": "no-smtp"}
    plans = plan_digests(moment, only_email)
    result = RunResult(skipped=sum(1 for p in plans if p.reason == "sent"))
    # Plain values first: the commits below expire the loaded users.
    due = [(p.user.id, p.user.email, p.user.name, p.user.digest_locale, p.period_key, p.digest)
           for p in plans if p.reason == "due" and p.period_key and p.digest]
    empty = [(p.user.id, p.user.email, p.period_key) for p in plans if p.reason == "empty"]
    # The digests are plain values now: let go of the loaded rows (users, initiatives, risks),
    # or every commit below would expire them all again (tens of thousands per commit).
    plans.clear()
    db.session.expunge_all()
    for user_id, email, key in empty:
        assert key is not None
        record_empty(user_id, email, key)
        result.empty += 1

    lists: dict[tuple[int, str], tuple[str, Any]] = {}

    def render(name: str, locale: str, digest: D.Digest) -> D.RenderedMail:
        if (id(digest), locale) not in lists:        # once per scope and language
            lists[(id(digest), locale)] = D.render_groups(digest, locale)
        text, html = lists[(id(digest), locale)]
        return D.render_mail("digest", locale, digest=digest, user_name=name, groups_text=text,
                             groups_html=html)

    def outgoing():
        for user_id, email, name, locale, key, digest in due:
            yield Outgoing(user_id, email, key, DIGEST, digest.keys,
                           lambda name=name, locale=locale, digest=digest: render(name, locale, digest))

    deliver(outgoing(), result)
    if result.failed:
        raise ReminderSendError(
            f"{result.failed} påminnelse(r) kunde inte skickas ({result.sent} skickade): "
            + "; ".join(result.errors[:3]))
    return result.as_dict()


# --- the one-off period reminder ---------------------------------------------------------------

def owners_of(initiatives: list[Initiative]) -> dict[int, list[User]]:
    """Who is reminded about an initiative: the people who may change it in their own right —
    editors whose units include its owning unit (or the committee above it) and programledare
    of its primary area (the project office, who may change everything, is not an owner). The
    initiative's need owner, project lead and benefit owner are names, not accounts."""
    people = list(db.session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(
            select(UserRole.user_id).where(UserRole.role.in_((R.EDITOR, R.PROGRAMME_MANAGER)))))
        .order_by(User.id)))
    scopes = []
    for person in people:
        units = unit_scope({u.id for u in person.units}) if person.has_role(R.EDITOR) else set()
        areas = {a.id for a in person.areas} if person.has_role(R.PROGRAMME_MANAGER) else set()
        if not person.is_office and (units or areas):
            scopes.append((person, units, areas))
    return {ini.id: [p for p, units, areas in scopes
                     if ini.owning_unit_id in units or ini.primary_area_id in areas]
            for ini in initiatives}


@dataclass
class PeriodPlan:
    period: schedule.Period
    period_name: str
    initiatives: list[Initiative]
    recipients: dict[int, tuple[User, list[Initiative]]]
    without_owner: list[Initiative]


def find_period(year: int, code: str) -> tuple[schedule.Period, str]:
    definitions = current_programme().followup_periods
    for p in schedule.periods_for_year(year, definitions):
        if p.code == code:
            name = next(d.name for d in definitions if d.code == code)
            return p, name
    raise ValueError(f"no follow-up period {code!r}")


def plan_period_reminder(year: int, code: str) -> PeriodPlan:
    period, name = find_period(year, code)
    missing = todo_queries.missing_followups(period)
    owners = owners_of(missing)
    recipients: dict[int, tuple[User, list[Initiative]]] = {}
    without = []
    for ini in missing:
        if not owners[ini.id]:
            without.append(ini)
        for person in owners[ini.id]:
            recipients.setdefault(person.id, (person, []))[1].append(ini)
    return PeriodPlan(period, name, missing, recipients, without)


def period_key(year: int, code: str, day: date) -> str:
    return f"period:{year}:{code}:{day.isoformat()}"


def send_period_reminder(year: int, code: str, day: str | None = None) -> dict[str, Any]:
    """Remind the owners of every initiative whose follow-up for (year, code) is missing; once
    per person, period and day."""
    plan = plan_period_reminder(year, code)
    sent_on = date.fromisoformat(day) if day else clock.today()
    key = period_key(year, code, sent_on)
    link = D.linker()
    result = RunResult()
    summary = {"initiatives": len(plan.initiatives), "recipients": len(plan.recipients),
               "without_owner": [i.ref for i in plan.without_owner]}
    if not mail_configured(current_app.config):
        return {**result.as_dict(), **summary, "skipped_reason": "no-smtp"}

    period, period_name = plan.period, plan.period_name
    letters = []
    for person, initiatives in plan.recipients.values():
        lines = [{"ref": i.ref, "title": i.title, "committee": i.owning_unit.committee.name,
                  "url": link("followups.followups", initiative_id=i.id)} for i in initiatives]
        keys = [f"followup:{i.id}:{period.year}:{period.code}" for i in initiatives]
        letters.append((person.id, person.email, person.name, person.digest_locale, lines, keys))

    def outgoing():
        for user_id, email, name, locale, lines, keys in letters:
            yield Outgoing(user_id, email, key, PERIOD, keys,
                           lambda name=name, locale=locale, lines=lines: D.render_mail(
                               "period", locale, user_name=name, initiatives=lines,
                               period_name=period_name, year=period.year, ends=period.ends))

    deliver(outgoing(), result)
    if result.failed:
        raise ReminderSendError(
            f"{result.failed} påminnelse(r) kunde inte skickas ({result.sent} skickade): "
            + "; ".join(result.errors[:3]))
    return {**result.as_dict(), **summary}


# --- the profile's preview ------------------------------------------------------------------------

def preview_digest(user: User, today: date) -> D.Digest:
    """The digest the user would get today (shown in the profile), with links for this site."""
    return D.build_digest(todo_queries.todo(user, today), D.linker())
