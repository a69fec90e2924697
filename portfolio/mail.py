"""Outgoing e-mail over SMTP, as the settings say (SMTP_HOST, SMTP_PORT, SMTP_SECURITY
starttls|tls|none, SMTP_USER, SMTP_PASSWORD, MAIL_SENDER, SMTP_TIMEOUT seconds). Without
SMTP_HOST nothing is sent: `mail_configured` tells the caller to do without (e.g. show a reset
link to the administrator). A failure to send is a `MailError` with a message for the person who
asked for the mail.

`send_mail` sends one message on a connection of its own; `mail_connection` keeps one
connection open for many (the reminder run sends hundreds in a row)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import make_msgid

from flask_babel import gettext as _

SECURITY_MODES = ("starttls", "tls", "none")
TIMEOUT_SECONDS = 15


class MailError(RuntimeError):
    """The e-mail could not be sent; str(error) says why, in Swedish. `refused` is true when
    the server answered and refused this message (a recipient or content problem), false when
    the server could not be reached or stopped answering."""

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.refused = refused


def mail_configured(config: Mapping) -> bool:
    return bool(config.get("SMTP_HOST"))


def sender(config: Mapping) -> str:
    return str(config.get("MAIL_SENDER") or config.get("SMTP_USER") or f"portfolio@{config['SMTP_HOST']}")


def sender_domain(config: Mapping) -> str | None:
    return sender(config).rpartition("@")[2] or None


def build_message(config: Mapping, *, to: str, subject: str, body: str, html: str | None = None,
                  message_id: str | None = None) -> EmailMessage:
    """A plain-text message, or with `html` a multipart/alternative one (text first, HTML
    second, as mail programs prefer the last part they can show)."""
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain=sender_domain(config))
    if html is None:
        message.set_content(body)
    else:
        # base64 (encoded in C) rather than the pure-Python quoted-printable the library would
        # weigh it against: a reminder run builds thousands of these.
        message.set_content(body, cte="base64")
        message.add_alternative(html, subtype="html", cte="base64")
    return message


def _timeout(config: Mapping) -> float:
    try:
        value = float(config.get("SMTP_TIMEOUT") or TIMEOUT_SECONDS)
    except (TypeError, ValueError):
        value = TIMEOUT_SECONDS
    return value if value > 0 else TIMEOUT_SECONDS


def _server(config: Mapping) -> tuple[str, int, str]:
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
    return host, port, security


class MailConnection:
    """An open SMTP session: `send(message)` as often as needed; raises MailError."""

    def __init__(self, connection: smtplib.SMTP, where: str):
        self._connection = connection
        self.where = where

    def send(self, message: EmailMessage) -> None:
        try:
            refused = self._connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailError(_("E-postservern %(server)s tog inte emot meddelandet (%(reason)s).",
                              server=self.where, reason=exc), refused=True) from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            raise MailError(_("E-postservern %(server)s tog inte emot meddelandet (%(reason)s).",
                              server=self.where, reason=exc), refused=500 <= exc.smtp_code < 600) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(_("E-postservern %(server)s tog inte emot meddelandet (%(reason)s).",
                              server=self.where, reason=exc)) from exc
        if refused:
            raise MailError(_("E-postservern %(server)s tog inte emot meddelandet (%(reason)s).",
                              server=self.where, reason=refused), refused=True)


@contextmanager
def mail_connection(config: Mapping) -> Iterator[MailConnection]:
    """Connect (and log in) once; raise MailError when the server cannot be reached."""
    host, port, security = _server(config)
    where = f"{host}:{port}"
    timeout = _timeout(config)
    try:
        if security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            connection.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            connection.login(str(config["SMTP_USER"]), str(config.get("SMTP_PASSWORD") or ""))
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(_("E-postservern %(server)s tog inte emot meddelandet (%(reason)s).",
                          server=where, reason=exc)) from exc
    try:
        yield MailConnection(connection, where)
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def send_mail(config: Mapping, *, to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send one e-mail (plain text, or text and HTML), or raise MailError."""
    _server(config)         # the settings' problems first, before the message is built
    message = build_message(config, to=to, subject=subject, body=body, html=html)
    with mail_connection(config) as connection:
        connection.send(message)
