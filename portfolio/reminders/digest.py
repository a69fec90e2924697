"""What a reminder says: the user's "Att göra" (the same query, `followups.queries.todo`) grouped
by initiative, with absolute links, rendered as plain text and HTML in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import FileSystemLoader
from markupsafe import Markup

from portfolio.followups.queries import TodoItem, TodoList

TEMPLATES = Path(__file__).parent / "templates"
FALLBACK_BASE_URL = "http://localhost:5000"

Linker = Callable[..., str]


def base_url() -> str:
    """Where the links in a mail point: BASE_URL, else PREFERRED_URL_SCHEME + SERVER_NAME, else
    the request's own address (a reminder sent from the web process), else localhost."""
    config = current_app.config
    if config.get("BASE_URL"):
        return str(config["BASE_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    if has_request_context():
        return request.host_url.rstrip("/")
    return FALLBACK_BASE_URL


def linker(base: str | None = None) -> Linker:
    """`link(endpoint, **values)` → an absolute URL, outside any request."""
    parts = urlsplit(base or base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme or "http")

    def link(endpoint: str, **values: Any) -> str:
        return adapter.build(endpoint, values, force_external=True)
    return link


@dataclass
class DigestLine:
    key: str             # what was listed, for the log: e.g. "measurement:12:2026-12-01"
    kind: str
    title: str
    due: date | None
    overdue: bool
    days_late: int
    url: str


@dataclass
class DigestGroup:
    ref: str
    title: str
    committee: str
    url: str
    lines: list[DigestLine] = field(default_factory=list)


@dataclass
class Digest:
    """The groups listed (at most MAX_LINES lines: a longer mail is not read; the rest is on
    Att göra) and the counts of everything due."""

    today: date
    groups: list[DigestGroup]
    count: int = 0                  # everything due, listed or not
    overdue: int = 0

    @property
    def lines(self) -> list[DigestLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def listed(self) -> int:
        return sum(len(g.lines) for g in self.groups)

    @property
    def omitted(self) -> int:
        return self.count - self.listed

    @property
    def soon(self) -> int:
        return self.count - self.overdue

    @property
    def keys(self) -> list[str]:
        return [line.key for line in self.lines]


MAX_LINES = 100


def item_key(item: TodoItem) -> str:
    due = item.due.isoformat() if item.due else "-"
    if item.kind in ("measurement", "risk"):
        return f"{item.kind}:{item.target_id}:{due}"
    return f"{item.kind}:{item.initiative.id}:{due}"


def item_url(item: TodoItem, link: Linker) -> str:
    ini = item.initiative.id
    if item.kind == "measurement":
        return link("followups.benefit", initiative_id=ini, benefit_id=item.target_id)
    if item.kind == "followup":
        return link("followups.followups", initiative_id=ini)
    if item.kind == "risk":
        return link("risks.edit", initiative_id=ini, risk_id=item.target_id)
    return link("followups.evaluation", initiative_id=ini)


def build_digest(todo: TodoList, link: Linker, max_lines: int = MAX_LINES) -> Digest:
    """The to-do items grouped by initiative: initiatives with overdue work first, then by the
    earliest date; within an initiative in the list's own order (overdue first, by date). At
    most `max_lines` lines are listed; the counts cover everything."""
    groups: dict[int, DigestGroup] = {}
    for item in todo.items:
        ini = item.initiative
        group = groups.get(ini.id)
        if group is None:
            group = groups[ini.id] = DigestGroup(
                ini.ref, ini.title, item.committee,
                link("initiatives.detail", initiative_id=ini.id))
        group.lines.append(DigestLine(item_key(item), item.kind, item.title, item.due,
                                      item.overdue, item.days_late, item_url(item, link)))
    today = todo.today
    ordered = sorted(groups.values(), key=lambda g: (
        not any(line.overdue for line in g.lines),
        min((line.due or today) for line in g.lines), g.ref))
    every = [line for g in ordered for line in g.lines]
    listed, room = [], max_lines
    for group in ordered:
        if room <= 0:
            break
        group.lines = group.lines[:room]
        room -= len(group.lines)
        listed.append(group)
    return Digest(today=today, groups=listed, count=len(every),
                  overdue=sum(1 for line in every if line.overdue))


def _environment():
    env = current_app.extensions.get("portfolio.reminders.jinja")
    if env is None:
        env = current_app.jinja_env.overlay(loader=FileSystemLoader(str(TEMPLATES)))
        current_app.extensions["portfolio.reminders.jinja"] = env
    return env


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_groups(digest: Digest, locale: str) -> tuple[str, Markup]:
    """The digest's list, as text and HTML: the same for everyone with the same scope and
    language, so a run renders it once for them all (only the greeting differs)."""
    env = _environment()
    locale = locale if locale in current_app.config["LANGUAGES"] else "sv"
    with force_locale(locale):
        context = {"digest": digest, "labels": kind_labels()}
        return (env.get_template("_digest_groups.txt").render(**context),
                Markup(env.get_template("_digest_groups.html").render(**context)))


def render_mail(template: str, locale: str, **context: Any) -> RenderedMail:
    """`<template>.txt` and `<template>.html` (and the subject block of the text one) in the
    given language."""
    env = _environment()
    locale = locale if locale in current_app.config["LANGUAGES"] else "sv"
    context["lang"] = locale
    with force_locale(locale):
        text_template = env.get_template(f"{template}.txt")
        html_template = env.get_template(f"{template}.html")
        context.setdefault("home", linker()("core.index"))
        context.setdefault("todo_url", linker()("followups.todo"))
        context.setdefault("profile_url", linker()("auth.profile"))
        context["labels"] = kind_labels()
        if template == "digest" and "groups_text" not in context:
            context["groups_text"], context["groups_html"] = render_groups(context["digest"], locale)
        text = text_template.render(**context)
        html = html_template.render(**context)
        subject = _subject(template, context)
    return RenderedMail(subject, text, html)


def _subject(template: str, context: dict[str, Any]) -> str:
    if template == "digest":
        digest: Digest = context["digest"]
        if digest.overdue and digest.soon:
            return _("Att göra i portföljen: %(overdue)d försenade, %(soon)d snart dags",
                     overdue=digest.overdue, soon=digest.soon)
        if digest.overdue:
            return _("Att göra i portföljen: %(overdue)d försenade", overdue=digest.overdue)
        return _("Att göra i portföljen: %(soon)d snart dags", soon=digest.soon)
    return _("Påminnelse: uppföljning för %(period)s %(year)d saknas",
             period=context["period_name"], year=context["year"])


def kind_labels() -> dict[str, str]:
    return {"measurement": _("Mät"), "followup": _("Följ upp"), "risk": _("Se över risken"),
            "evaluation": _("Utvärdera")}
