"""Passwords: the policy where accounts are made, "Byt lösenord" (ends the other sessions), the
administrator's reset link (single use, expires, e-mailed over SMTP when configured) and the
administrator's "end sessions"; /admin is for administrators only."""

from __future__ import annotations

import re
import socketserver
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portfolio.auth.models import User
from portfolio.auth.services import AccountError, create_user
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from tests.conftest import PASSWORD, login, travel_to

NEW_PASSWORD = "en-helt-ny-fras-att-minnas"
PAGE = "/initiatives/"


def _logged_in(client) -> bool:
    response = client.get(PAGE)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _copy_session(app, source, target) -> None:
    name = app.config["SESSION_COOKIE_NAME"]
    target.set_cookie(name, source.get_cookie(name).value)


def _change(client, current=PASSWORD, new=NEW_PASSWORD, repeat=None):
    return client.post("/profile/password", data={
        "current_password": current, "new_password": new,
        "new_password_repeat": new if repeat is None else repeat})


def _log(app, user_id: int, action: str) -> list[ChangeLogEntry]:
    with app.app_context():
        return list(db.session.scalars(db.select(ChangeLogEntry).where(
            ChangeLogEntry.entity_type == "user", ChangeLogEntry.entity_id == user_id,
            ChangeLogEntry.action == action)))


def _reset_path(html: str) -> str:
    match = re.search(r"https?://[^/\"\s]+(/reset-password/[A-Za-z0-9_.\-]+)", html)
    assert match, "no reset link in " + html[:2000]
    return match.group(1)


# --- the policy where accounts are made --------------------------------------------------------

@pytest.mark.parametrize("password, message", [
    ("1111111111", "upprepas"), ("1234567890", "följd"), ("password1234", "för vanligt"),
    ("Qwertyuiop", "följd"), ("kort", "minst 10 tecken"), ("pia.persson!!", "namn"),
])
def test_create_user_applies_the_policy(app_ctx, password, message):
    with pytest.raises(AccountError, match=message):
        create_user(email="pia.persson@test.se", roles=["viewer"], password=password)
    assert create_user(email="pia.persson@test.se", roles=["viewer"], password=PASSWORD).id


def test_the_command_line_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "ny@test.se", "--role",
                                                "viewer", "--password", "iloveyou123"])
    assert result.exit_code != 0 and "för vanligt" in result.output


# --- Byt lösenord ------------------------------------------------------------------------------

def test_changing_the_password_ends_every_other_session(app, client, make_user):
    user_id, email = make_user("viewer")
    assert login(client, email).status_code == 302
    thief = app.test_client()
    _copy_session(app, client, thief)
    laptop = app.test_client()
    assert login(laptop, email).status_code == 302
    assert _logged_in(thief) and _logged_in(laptop)

    page = client.get("/profile/password")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    response = _change(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    assert "Ditt lösenord är bytt" in client.get("/profile").data.decode()

    assert _logged_in(client)                  # this browser stays logged in ...
    assert not _logged_in(thief)               # ... the copied cookie dies
    assert not _logged_in(laptop)              # ... and so does the other login
    assert login(laptop, email).status_code == 401                       # the old password is gone
    assert login(laptop, email, NEW_PASSWORD).status_code == 302
    rows = _log(app, user_id, "password_change")
    assert len(rows) == 1 and rows[0].user_id == user_id
    assert not any(PASSWORD in (r.old_value or "") + (r.new_value or "") + (r.reason or "")
                   or NEW_PASSWORD in (r.old_value or "") + (r.new_value or "") + (r.reason or "")
                   for r in rows)


@pytest.mark.parametrize("current, new, repeat, field, message", [
    ("fel-losenord-x", NEW_PASSWORD, None, "current_password", "nuvarande lösenordet stämmer inte"),
    (PASSWORD, "1234567890", None, "new_password", "följd"),
    (PASSWORD, "Password2024", None, "new_password", "för vanligt"),
    (PASSWORD, NEW_PASSWORD, "en-annan-fras-helt", "new_password_repeat", "inte likadana"),
    (PASSWORD, "", None, "new_password", "Fyll i ett nytt lösenord"),
])
def test_a_refused_change_says_why_by_the_field(app, client, make_user, current, new, repeat, field, message):
    user_id, email = make_user("viewer")
    login(client, email)
    response = _change(client, current, new, repeat)
    html = response.data.decode()
    assert response.status_code == 422
    assert message in html and f'id="{field}-error"' in html and 'id="error-summary"' in html
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.session_generation == 0
    assert login(app.test_client(), email).status_code == 302     # the password is unchanged


def test_change_password_needs_a_login(client):
    response = client.get("/profile/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- /admin is for administrators ----------------------------------------------------------------

@pytest.mark.parametrize("roles", [("portfolio_office",), ("viewer",), ("programme_manager",)])
def test_admin_pages_are_for_administrators_only(client, login_as, make_user, roles):
    other_id, _ = make_user("viewer")
    kwargs = {"areas": ["valfard"]} if "programme_manager" in roles else {}
    login_as(*roles, **kwargs)
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{other_id}/end-sessions").status_code == 403
    assert client.post(f"/admin/users/{other_id}/end-sessions").status_code == 403
    assert client.post(f"/admin/users/{other_id}/reset-link").status_code == 403


def test_an_editor_gets_403_and_nobody_anonymous_gets_in(client, login_as, make_user):
    other_id, _ = make_user("viewer")
    for path in ("/admin/users", f"/admin/users/{other_id}/end-sessions"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/admin/users/{other_id}/reset-link").status_code == 302
    login_as("editor", units=["SBF"])
    assert client.get("/admin/users").status_code == 403


def test_the_user_list(client, login_as, make_user):
    _, email = make_user("viewer")
    login_as("admin")
    html = client.get("/admin/users").data.decode()
    assert email in html and "läsare" in html and "aldrig" in html
    assert "Avsluta alla sessioner" in html and "Skapa återställningslänk" in html


def test_an_admin_ends_a_users_sessions(app, client, login_as, make_user):
    victim_id, email = make_user("viewer")
    victim = app.test_client()
    login(victim, email)
    thief = app.test_client()
    _copy_session(app, victim, thief)
    admin_id = login_as("admin")
    confirm = client.get(f"/admin/users/{victim_id}/end-sessions")
    assert confirm.status_code == 200 and email in confirm.data.decode()
    assert _logged_in(victim)                  # asking is not doing
    response = client.post(f"/admin/users/{victim_id}/end-sessions")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users")
    assert not _logged_in(victim) and not _logged_in(thief)
    assert _logged_in(client)                  # the admin's own session is untouched
    assert login(victim, email).status_code == 302     # the password still works
    assert [r.user_id for r in _log(app, victim_id, "end_sessions")] == [admin_id]
    assert client.post("/admin/users/999999/end-sessions").status_code == 404


# --- reset links ---------------------------------------------------------------------------------

def _make_link(client, user_id: int) -> str:
    response = client.post(f"/admin/users/{user_id}/reset-link")
    assert response.status_code == 200, response.data[:2000]
    assert response.headers["Cache-Control"] == "no-store"
    return _reset_path(response.data.decode())


def test_a_reset_link_works_once(app, client, login_as, make_user):
    user_id, email = make_user("viewer")
    admin_id = login_as("admin")
    path = _make_link(client, user_id)
    assert [r.user_id for r in _log(app, user_id, "reset_link")] == [admin_id]
    owner = app.test_client()
    logged_in_elsewhere = app.test_client()
    login(logged_in_elsewhere, email)

    page = owner.get(path)
    assert page.status_code == 200 and email in page.data.decode()
    assert page.headers["Cache-Control"] == "no-store"
    refused = owner.post(path, data={"new_password": "1111111111", "new_password_repeat": "1111111111"})
    assert refused.status_code == 422 and "upprepas" in refused.data.decode()
    done = owner.post(path, data={"new_password": NEW_PASSWORD, "new_password_repeat": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    assert not _logged_in(logged_in_elsewhere)          # every session ended
    assert login(owner, email).status_code == 401
    assert login(owner, email, NEW_PASSWORD).status_code == 302
    assert len(_log(app, user_id, "password_reset")) == 1
    again = app.test_client().get(path)                 # used: it works once
    assert again.status_code == 410 and "Be en administratör om en ny länk" in again.data.decode()
    assert app.test_client().post(path, data={"new_password": "en-tredje-fras-till-slut",
                                              "new_password_repeat": "en-tredje-fras-till-slut"}
                                  ).status_code == 410


def test_a_reset_link_expires(app, client, login_as, make_user, frozen):
    user_id, _ = make_user("viewer")
    login_as("admin")
    path = _make_link(client, user_id)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=23), tick=True):
        assert app.test_client().get(path).status_code == 200
    travel_to(frozen + timedelta(days=2))
    response = app.test_client().get(path)
    assert response.status_code == 410 and "gått ut eller redan använts" in response.data.decode()


def test_a_reset_link_dies_when_the_password_changes(app, client, login_as, make_user):
    user_id, email = make_user("viewer")
    login_as("admin")
    path = _make_link(client, user_id)
    owner = app.test_client()
    login(owner, email)
    assert _change(owner).status_code == 302
    assert app.test_client().get(path).status_code == 410


def test_a_reset_link_dies_when_the_admin_ends_the_sessions(app, client, login_as, make_user):
    user_id, _ = make_user("viewer")
    login_as("admin")
    path = _make_link(client, user_id)
    client.post(f"/admin/users/{user_id}/end-sessions")
    assert app.test_client().get(path).status_code == 410


def test_a_forged_or_garbled_link_is_refused_clearly(app, client, login_as, make_user):
    user_id, _ = make_user("viewer")
    login_as("admin")
    path = _make_link(client, user_id)
    for bad in (path[:-3] + "abc", "/reset-password/x", "/reset-password/" + "A" * 300):
        response = app.test_client().get(bad)
        assert response.status_code == 400 and "Be en administratör" in response.data.decode()


def test_no_link_for_an_inactive_account(app, client, login_as, make_user):
    user_id, _ = make_user("viewer")
    login_as("admin")
    path = _make_link(client, user_id)
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 400
    response = client.post(f"/admin/users/{user_id}/reset-link")
    assert response.status_code == 422 and "inaktiverat" in response.data.decode()


# --- the e-mail path ---------------------------------------------------------------------------------

class _SmtpStub(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: each message's DATA goes to server.messages."""

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 stub ESMTP")
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._say("250 stub")
            elif command.startswith("DATA"):
                self._say("354 go ahead")
                lines = []
                while (row := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(row[1:] if row.startswith(b"..") else row)
                self.server.messages.append(b"".join(lines))   # type: ignore[attr-defined]
                self._say("250 queued")
            elif command.startswith("QUIT"):
                self._say("221 bye")
                return
            else:                                  # MAIL FROM, RCPT TO, RSET, NOOP
                self._say("250 ok")


@pytest.fixture
def smtp_server(app, monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpStub)
    server.daemon_threads = True
    server.messages = []                           # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.server_address[1],
                       "SMTP_SECURITY": "none", "MAIL_SENDER": "portfolj@kommun.test"}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.shutdown()
    server.server_close()


def test_with_smtp_the_link_is_emailed_not_shown(app, client, login_as, make_user, smtp_server):
    import email
    from email import policy

    user_id, address = make_user("viewer")
    login_as("admin")
    response = client.post(f"/admin/users/{user_id}/reset-link")
    html = response.data.decode()
    assert response.status_code == 200
    assert f"skickad till {address}" in html and "/reset-password/" not in html
    assert len(smtp_server.messages) == 1
    message = email.message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert message["To"] == address and message["From"] == "portfolj@kommun.test"
    body = message.get_content()
    path = _reset_path(body)
    assert "fungerar en gång" in body
    owner = app.test_client()
    done = owner.post(path, data={"new_password": NEW_PASSWORD, "new_password_repeat": NEW_PASSWORD})
    assert done.status_code == 302
    assert login(owner, address, NEW_PASSWORD).status_code == 302


def test_a_failed_send_is_a_clear_message(app, client, login_as, make_user, monkeypatch):
    import socket

    with socket.socket() as probe:                 # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    user_id, _ = make_user("viewer")
    login_as("admin")
    response = client.post(f"/admin/users/{user_id}/reset-link")
    html = response.data.decode()
    assert response.status_code == 502
    assert "kunde inte skickas" in html and "/reset-password/" not in html
    assert _log(app, user_id, "reset_link") == []
