"""What an administrator does to an account: end its sessions, give it a password reset link
(e-mailed when SMTP is configured, otherwise shown once to the administrator). Both are logged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from portfolio.admin.queries import local_time
from portfolio.auth import services as accounts
from portfolio.auth.models import User
from portfolio.auth.roles import Role
from portfolio.mail import mail_configured, send_mail
from portfolio.validation import PermissionDenied


def _require_admin(actor) -> None:
    if not (actor.is_authenticated and actor.has_role(Role.ADMIN)):
        raise PermissionDenied()


def end_sessions(user: User, actor) -> None:
    """Every session of `user` ends (each copy of each cookie)."""
    _require_admin(actor)
    accounts.end_sessions_for(user, actor.id)


@dataclass(frozen=True)
class IssuedLink:
    expires: str                # Swedish wall-clock time
    url: str | None = None      # to show the administrator once (no e-mail server)
    emailed_to: str | None = None


def reset_link(user: User, actor, link_for: Callable[[str], str]) -> IssuedLink:
    """A single-use reset link for `user`: e-mailed to them when SMTP is configured (a MailError
    if that fails, and nothing is logged), else returned for the administrator to pass on."""
    _require_admin(actor)
    link = accounts.reset_link(user)
    url = link_for(link.token)
    expires = local_time(link.expires_at) or ""
    config = current_app.config
    if not mail_configured(config):
        accounts.record_reset_link(user, actor.id, _("Länken visades för administratören."))
        return IssuedLink(expires=expires, url=url)
    accounts.record_reset_link(user, actor.id, _("Länken skickades med e-post till %(email)s.",
                                                 email=user.email))
    send_mail(config, to=user.email, subject=_("Välj ett nytt lösenord"),
              body=_reset_mail(user, url, expires))
    return IssuedLink(expires=expires, emailed_to=user.email)


def _reset_mail(user: User, url: str, expires: str) -> str:
    programme = current_app.extensions["portfolio.programme"].name
    return "\n\n".join([
        _("Hej %(name)s!", name=user.name),
        _("En administratör har skapat en länk där du kan välja ett nytt lösenord till %(programme)s:",
          programme=programme),
        url,
        _("Länken fungerar en gång och gäller till %(expires)s (svensk tid). När du har valt "
          "lösenordet loggas du ut överallt och loggar in med det nya.", expires=expires),
        _("Väntade du dig inte det här meddelandet? Använd inte länken, och hör av dig till "
          "administratören."),
    ]) + "\n"
