"""Outgoing e-mail over SMTP, as the settings say (SMTP_HOST, SMTP_PORT, SMTP_SECURITY
starttls|tls|none, SMTP_USER, SMTP_PASSWORD, MAIL_SENDER). Without SMTP_HOST nothing is sent:
`mail_configured` tells the caller to do without (e.g. show a reset link to the administrator).
A failure to send is a `MailError` with a message for the person who asked for the mail."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid

from flask_babel import gettext as _

SECURITY_MODES = ("starttls", "tls", "none")
TIMEOUT_SECONDS = 15


class MailError(RuntimeError):
    """The e-mail could not be sent; str(error) says why, in Swedish."""


def mail_configured(config: Mapping) -> bool:
    return bool(config.get("SMTP_HOST"))


def sender(config: Mapping) -> str:
    return str(config.get("MAIL_SENDER") or config.get("SMTP_USER") or f"portfolio@{config['SMTP_HOST']}")


def build_message(config: Mapping, *, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender(config).rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_mail(config: Mapping, *, to: str, subject: str, body: str) -> None:
    """Send a plain-text e-mail, or raise MailError."""
    if not mail_configured(config):
        raise MailError(_("Ingen e-postserver är inställd (PORTFOLIO_SMTP_HOST)."))
    host = str(config["SMTP_HOST"])
    security = str(config.get("SMTP_SECURITY") or "starttls").strip().lower()
    if security not in SECURITY_MODES:
        raise MailError(_("PORTFOLIO_SMTP_SECURITY ska vara starttls, tls eller none, inte %(value)s.",
                          value=repr(security)))
    try:
        port = int(config.get("SMTP_PORT") or (465 if security == "tls" else 587))
    except (TypeError, ValueError) as exc:
        raise MailError(_("PORTFOLIO_SMTP_PORT ska vara ett portnummer, inte %(value)s.",
                          value=repr(config.get("SMTP_PORT")))) from exc
    message = build_message(config, to=to, subject=subject, body=body)
    try:
        if security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        with connection:
            if security == "starttls":
                connection.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                connection.login(str(config["SMTP_USER"]), str(config.get("SMTP_PASSWORD") or ""))
            connection.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(_("E-postservern %(server)s tog inte emot meddelandet (%(reason)s).",
                          server=f"{host}:{port}", reason=exc)) from exc
