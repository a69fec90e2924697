"""The security log: a row for each security event, append-only (the app, the ORM and the
database refuse changes), never a password or a token, filterable, exportable as CSV (formulas
neutralised), pruned only by the retention setting."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import text

from portfolio import clock
from portfolio.auth.models import User
from portfolio.auth.security_log import (
    SecurityEvent,
    SecurityLogError,
    SecurityRetentionError,
    prune_security_log,
    record_event,
    security_log_retention_days,
)
from portfolio.extensions import db
from tests.conftest import PASSWORD, login


def _events(app, event: str | None = None) -> list[SecurityEvent]:
    with app.app_context():
        stmt = db.select(SecurityEvent).order_by(SecurityEvent.id)
        if event:
            stmt = stmt.where(SecurityEvent.event == event)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def _everything(app) -> str:
    """Every value in the log, as text."""
    return "\n".join(f"{e.actor_label}|{e.subject_label}|{e.address}|{e.details}" for e in _events(app))


def test_logins_failures_lockouts_and_logouts_are_logged(app, client, make_user):
    user_id, email = make_user("viewer")
    assert login(client, email, "fel-losenord-1").status_code == 401
    assert login(client, email).status_code == 302
    client.post("/logout")
    for n in range(5):
        login(client, email, f"fel-losenord-{n}")
    failed = _events(app, "login_failed")
    assert failed[0].subject_id == user_id and failed[0].detail_map == {"reason": "wrong_password"}
    assert failed[0].method == "password" and failed[0].address == "127.0.0.1"
    success = _events(app, "login")
    assert len(success) == 1 and success[0].actor_id == user_id and success[0].method == "password"
    assert _events(app, "logout")[0].actor_id == user_id
    lockouts = _events(app, "lockout")
    assert len(lockouts) == 1 and lockouts[0].subject_label == email
    assert "fel-losenord" not in _everything(app) and PASSWORD not in _everything(app)


def test_a_password_typed_as_the_address_is_not_kept(app, client, make_user):
    make_user("viewer", email="kalle@test.se")
    from portfolio.auth.login import _label

    assert _label("hemligt lösen") == "(ogiltig adress)" and _label("kalle@test.se") == "kalle@test.se"


def test_tokens_created_and_revoked_are_logged_without_the_token(app, client, login_as):
    user_id = login_as("viewer")
    page = client.post("/profile", data={"name": "Mitt skript", "lifetime_days": "30"})
    assert page.status_code == 200
    secret = page.get_data(as_text=True).split("pft_", 1)[1][:43]
    created = _events(app, "token_created")
    assert created and created[0].actor_id == user_id
    assert created[0].detail_map["name"] == "Mitt skript"
    key_id = created[0].detail_map["key_id"]
    client.post(f"/profile/tokens/{key_id}/revoke")
    assert _events(app, "token_revoked")[0].detail_map["key_id"] == key_id
    assert secret not in _everything(app)


def test_publication_and_gate_overrides_are_logged(app, make_user):
    from portfolio.initiatives import publication
    from portfolio.initiatives import services as initiative_services
    from tests.factories import make_initiative

    office_id, _email = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        ini = make_initiative(office, title="Öppet initiativ", phase="behovsanalys")
        publication.publish(ini, office, confirm_personal_data=True)
        initiative_services.record_override(ini, "prioriterad", ["needs_analysis_complete"],
                                            "KS beslutade", office)
        db.session.commit()
        ini_id = ini.id
    published = _events(app, "publication")
    assert published[0].actor_id == office_id and published[0].detail_map["initiative"] == ini_id
    override = _events(app, "gate_override")[0]
    assert override.detail_map["to"] == "prioriterad" and override.detail_map["missing"] == ["needs_analysis_complete"]


def test_the_log_never_takes_a_secret(app):
    with app.app_context():
        for key in ("password", "new_password", "token", "client_secret", "code", "id_token"):
            with pytest.raises(SecurityLogError):
                record_event("login", details={key: "x"})
        with pytest.raises(SecurityLogError):
            record_event("no_such_event")
        db.session.rollback()


def test_rows_cannot_be_changed_or_deleted_through_the_orm(app):
    with app.app_context():
        row = record_event("logout", subject_label="a@b.se")
        db.session.commit()
        row.details = '{"forged": true}'
        with pytest.raises(SecurityLogError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(SecurityEvent, row.id))
        with pytest.raises(SecurityLogError):
            db.session.flush()
        db.session.rollback()
        for statement in (db.update(SecurityEvent).values(details="{}"), db.delete(SecurityEvent)):
            with pytest.raises(SecurityLogError):
                db.session.execute(statement)
            db.session.rollback()
        assert db.session.get(SecurityEvent, row.id).details == "{}"   # as written ({} -> "{}")


def test_the_database_refuses_updates_whoever_asks(app):
    with app.app_context():
        row_id = record_event("logout", subject_label="a@b.se").id
        db.session.commit()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("UPDATE security_event SET details = 'x' WHERE id = :id"), {"id": row_id})
        db.session.rollback()


def test_retention_prunes_only_old_rows(app):
    with app.app_context():
        old = record_event("logout", subject_label="old@b.se", at=clock.now() - timedelta(days=800))
        new = record_event("logout", subject_label="new@b.se")
        old_id, new_id = old.id, new.id
        db.session.commit()
        _cutoff, count = prune_security_log(730, dry_run=True)
        assert count == 1 and db.session.get(SecurityEvent, old_id) is not None
        assert prune_security_log(730)[1] == 1
        db.session.commit()
        remaining = set(db.session.scalars(db.select(SecurityEvent.id)))
        assert old_id not in remaining and new_id in remaining
    assert security_log_retention_days(None) is None and security_log_retention_days("90") == 90
    with pytest.raises(SecurityRetentionError):
        security_log_retention_days("ett år")


def test_only_admins_see_the_log(app, client, login_as):
    login_as("portfolio_office")
    assert client.get("/admin/security-log").status_code == 403
    assert client.get("/admin/security-log.csv").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_the_log_cannot_be_changed_over_http(app, client, login_as):
    login_as("admin")
    for method in ("put", "patch", "delete", "post"):
        assert getattr(client, method)("/admin/security-log").status_code == 405
    assert client.get("/api/v1/security-log").status_code in (401, 404)


def test_the_log_is_filtered_and_exported_with_formulas_neutralised(app, client, login_as, make_user):
    make_user("viewer", email="=HYPERLINK(evil)@test.se")
    make_user("viewer", email="vanlig@test.se")
    login_as("admin")
    page = client.get("/admin/security-log?event=user_created&person=hyperlink").get_data(as_text=True)
    assert "=hyperlink(evil)@test.se" in page and "vanlig@test.se" not in page
    answer = client.get("/admin/security-log.csv?event=user_created")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    subjects = [r[6] for r in rows[1:]]
    assert "'=hyperlink(evil)@test.se" in subjects and "vanlig@test.se" in subjects
    assert rows[0][0] == "id" and len(rows) == 4     # header + two made here + the admin
    today = clock.today().isoformat()
    assert "vanlig@test.se" in client.get(f"/admin/security-log?since={today}&until={today}").get_data(as_text=True)
    assert "vanlig@test.se" not in client.get("/admin/security-log?until=2001-01-01").get_data(as_text=True)


def test_an_admin_ending_sessions_and_a_password_change_are_logged(app, client, login_as, make_user):
    target, email = make_user("viewer")
    admin = login_as("admin")
    assert client.post(f"/admin/users/{target}/end-sessions").status_code == 302
    ended = _events(app, "sessions_ended")[-1]
    assert ended.actor_id == admin and ended.subject_id == target and ended.method == "admin"
    assert client.post(f"/admin/users/{target}/reset-link").status_code == 200
    assert _events(app, "reset_link")[-1].subject_id == target
    other = app.test_client()
    login(other, email)
    new = "ett-nytt-och-langt-losenord"
    answer = other.post("/profile/password", data={"current_password": PASSWORD, "new_password": new,
                                                   "new_password_repeat": new})
    assert answer.status_code in (302, 303), answer.data[:300]
    assert _events(app, "password_changed")[-1].actor_id == target
    assert new not in _everything(app)
