"""Account administration at /admin/users: only administrators; every change is confirmed first
and logged; nobody raises their own role or deactivates themselves; roles from the identity
provider's groups stay; deactivation ends sessions and API tokens at once."""

from __future__ import annotations

import pytest

from portfolio.auth.models import User
from portfolio.auth.security_log import SecurityEvent
from portfolio.extensions import db
from tests.api_support import token_for
from tests.conftest import login


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        _ = user.roles, [a.code for a in user.areas], [u.code for u in user.units]
        db.session.expunge(user)
        return user


def _events(app, event: str) -> list[SecurityEvent]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(SecurityEvent).where(SecurityEvent.event == event)
                                       .order_by(SecurityEvent.id)))
        db.session.expunge_all()
        return rows


ADMIN_PAGES = ["/admin/users", "/admin/users/{id}", "/admin/users/{id}/access",
               "/admin/users/{id}/deactivate", "/admin/users/{id}/reactivate",
               "/admin/users/{id}/revoke-tokens", "/admin/users/{id}/end-sessions",
               "/admin/security-log", "/admin/security-log.csv", "/admin/jobs"]


@pytest.mark.parametrize("role", ["portfolio_office", "programme_manager", "editor", "viewer"])
def test_only_admins_reach_admin_pages(app, client, login_as, make_user, role):
    other_id, _ = make_user("viewer")
    scope = {"areas": ["valfard"]} if role == "programme_manager" else (
        {"units": ["KLK"]} if role == "editor" else {})
    login_as(role, **scope)
    for page in ADMIN_PAGES:
        assert client.get(page.format(id=other_id)).status_code == 403, page
    assert client.post(f"/admin/users/{other_id}/deactivate").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(app, client, make_user):
    other_id, _ = make_user("viewer")
    for page in ADMIN_PAGES:
        answer = client.get(page.format(id=other_id))
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], page


def test_the_office_cannot_raise_its_own_role(app, client, login_as):
    me = login_as("portfolio_office")
    answer = client.post(f"/admin/users/{me}/access", data={"roles": ["admin"], "confirmed": "yes"})
    assert answer.status_code == 403
    assert _user(app, me).roles == {"portfolio_office"}
    assert _events(app, "role_change") == []


def test_a_role_change_is_reviewed_then_confirmed_and_logged(app, client, login_as, make_user):
    target, email = make_user("viewer")
    admin = login_as("admin")
    other = app.test_client()
    assert login(other, email).status_code == 302
    form = client.get(f"/admin/users/{target}/access").get_data(as_text=True)
    assert 'value="viewer" checked' in form or 'checked value="viewer"' in form or "viewer" in form
    review = client.post(f"/admin/users/{target}/access", data={"roles": ["editor"], "units": ["KLK"]})
    assert review.status_code == 200
    page = review.get_data(as_text=True)
    assert "Bekräfta ändringen" in page and 'name="confirmed" value="yes"' in page
    assert _user(app, target).roles == {"viewer"}            # nothing yet
    done = client.post(f"/admin/users/{target}/access",
                       data={"roles": ["editor"], "units": ["KLK"], "confirmed": "yes"})
    assert done.status_code == 303
    user = _user(app, target)
    assert user.roles == {"editor"} and [u.code for u in user.units] == ["KLK"]
    change = _events(app, "role_change")[-1]
    assert change.actor_id == admin and change.subject_id == target
    assert change.detail_map == {"before": ["viewer"], "after": ["editor"]}
    assert _events(app, "scope_change")[-1].detail_map["units_after"] == ["KLK"]
    assert other.get("/profile").status_code == 302           # the changed user's sessions ended


def test_problems_are_shown_by_their_fields(app, client, login_as, make_user):
    target, _ = make_user("viewer")
    login_as("admin")
    answer = client.post(f"/admin/users/{target}/access", data={"roles": ["editor"], "confirmed": "yes"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "error-summary" in page and "En redigerare behöver minst en enhet." in page
    assert _user(app, target).roles == {"viewer"}


def test_admins_cannot_change_their_own_roles_or_deactivate_themselves(app, client, login_as):
    me = login_as("admin")
    answer = client.post(f"/admin/users/{me}/access", data={"roles": ["viewer"], "confirmed": "yes"})
    assert answer.status_code == 422 and "egna roller" in answer.get_data(as_text=True)
    answer = client.post(f"/admin/users/{me}/deactivate")
    assert answer.status_code == 422 and "ditt eget konto" in answer.get_data(as_text=True)
    user = _user(app, me)
    assert user.roles == {"admin"} and user.active


def test_the_last_active_admin_keeps_the_role(app, make_user):
    from portfolio.admin import services

    only_admin, _ = make_user("admin")
    with app.app_context():
        target = db.session.get(User, only_admin)
        actor = type("Actor", (), {"id": -1, "is_authenticated": True,
                                   "has_role": staticmethod(lambda *r: "admin" in r)})()
        change = services.AccessChange(frozenset({"viewer"}), frozenset(), frozenset())
        assert "minst en aktiv administratör" in services.validate_access(target, change, actor)["roles"]
        assert "minst en aktiv administratör" in services.validate_deactivation(target, actor)


def test_roles_from_the_identity_provider_stay(app, client, login_as, make_user):
    target, _ = make_user("viewer")
    with app.app_context():
        db.session.get(User, target).idp_grants = {"roles": ["viewer"], "areas": [], "units": []}
        db.session.commit()
    login_as("admin")
    detail = client.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "från grupp" in detail
    # The mapped role's box is shown checked and cannot be unticked; it stays whatever is posted.
    client.post(f"/admin/users/{target}/access", data={"roles": ["portfolio_office"], "confirmed": "yes"})
    assert _user(app, target).roles == {"viewer", "portfolio_office"}
    from portfolio.admin import services

    with app.app_context():
        user = db.session.get(User, target)
        admin = db.session.scalar(db.select(User).where(User.id != target))
        errors = services.validate_access(user, services.AccessChange(
            frozenset({"portfolio_office"}), frozenset(), frozenset()), admin)
        assert "identitetsleverantörens grupper" in errors["roles"]


def test_deactivation_is_confirmed_and_ends_sessions_and_tokens_at_once(app, client, login_as, make_user):
    target, email = make_user("viewer")
    secret = token_for(app, target)
    other = app.test_client()
    assert login(other, email).status_code == 302
    admin = login_as("admin")
    confirm = client.get(f"/admin/users/{target}/deactivate")
    assert confirm.status_code == 200 and "Inaktivera kontot för" in confirm.get_data(as_text=True)
    assert _user(app, target).active                           # asking changes nothing
    assert client.post(f"/admin/users/{target}/deactivate").status_code == 303
    assert not _user(app, target).active
    assert other.get("/profile").status_code == 302
    assert client.get("/api/v1/areas", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    event = _events(app, "deactivated")[-1]
    assert event.actor_id == admin and event.subject_id == target
    assert event.detail_map["api_keys_revoked"] == 1
    assert login(other, email).status_code == 401
    assert client.post(f"/admin/users/{target}/reactivate").status_code == 303
    assert _user(app, target).active and _events(app, "reactivated")[-1].actor_id == admin
    assert login(other, email).status_code == 302
    # Its tokens stay revoked.
    assert client.get("/api/v1/areas", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_revoking_a_users_tokens_is_confirmed_and_logged(app, client, login_as, make_user):
    target, _ = make_user("viewer")
    secret = token_for(app, target)
    login_as("admin")
    assert "Återkalla alla API-nycklar för" in client.get(f"/admin/users/{target}/revoke-tokens").get_data(as_text=True)
    assert client.get("/api/v1/areas", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert client.post(f"/admin/users/{target}/revoke-tokens").status_code == 303
    assert client.get("/api/v1/areas", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert _events(app, "token_revoked")[-1].detail_map == {"all": True, "count": 1}


def test_the_list_filters_and_shows_where_logins_come_from(app, client, login_as, make_user):
    make_user("editor", units=["KLK"], email="redaktor@test.se")
    make_user("viewer", email="lasare@test.se")
    login_as("admin")
    page = client.get("/admin/users?role=editor").get_data(as_text=True)
    assert "redaktor@test.se" in page and "lasare@test.se" not in page
    page = client.get("/admin/users?q=LASARE").get_data(as_text=True)
    assert "lasare@test.se" in page and "redaktor@test.se" not in page
    assert "lasare@test.se" not in client.get("/admin/users?source=sso").get_data(as_text=True)
    assert "lasare@test.se" not in client.get("/admin/users?status=inactive").get_data(as_text=True)


def test_the_command_line_creates_a_break_glass_admin_and_logs_it(app):
    from portfolio.cli import register_commands  # noqa: F401  (the app has the commands)

    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "nod@kommun.se", "--role", "admin", "--break-glass",
        "--password", "ett-langt-nodlosenord-9"])
    assert result.exit_code == 0, result.output
    assert "nödkonto" in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "nod@kommun.se"))
        assert user.break_glass and user.roles == {"admin"}
    created = _events(app, "user_created")[-1]
    assert created.method == "cli" and created.detail_map["break_glass"] is True
    assert "ett-langt-nodlosenord-9" not in created.details
