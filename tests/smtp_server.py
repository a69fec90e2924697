"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1, a free port), collecting what
it receives; it can refuse messages (550) or, as `SilentServer`, accept connections and never
answer (a server that times out).

    with SmtpServer() as smtp:
        app.config.update(smtp.settings())
        ...
        assert smtp.recipients() == ["a@test.se"]
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.server.refuse_all or address in self.server.refuse:
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.messages.append(message)      # type: ignore[arg-type]
        hook = self.server.on_message
        if hook is not None:
            hook(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd's Controller on 127.0.0.1 and a free port; `messages` is what it accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.refuse_all = False
        self.on_message: Any = None
        self.lock = threading.Lock()
        self.port = _free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def settings(self, **extra: Any) -> dict[str, Any]:
        """App settings that send here (no TLS, no login)."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_SECURITY": "none",
                "MAIL_SENDER": "portfolj@kommun.test", "SMTP_TIMEOUT": 5, **extra}

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(str(m["To"]) for m in self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if str(m["To"]) == address]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def body_of(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content()


class SilentServer:
    """Accepts TCP connections and never says anything: an SMTP client waits for the greeting
    until its timeout."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                continue
            self._held.append(conn)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self._held:
            conn.close()
        self._socket.close()

    def settings(self, timeout: float = 1) -> dict[str, Any]:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_SECURITY": "none",
                "MAIL_SENDER": "portfolj@kommun.test", "SMTP_TIMEOUT": timeout}


def closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    return _free_port()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
