"""Single sign-on against a real OpenID Connect provider on localhost (tests/oidc_provider.py):
the code flow with PKCE, just-in-time accounts with mapped roles, and every way an answer is
refused — each refused with nobody logged in and no account created."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from portfolio.auth.models import ApiToken, User
from portfolio.auth.oidc import CLIENT_KEY
from portfolio.auth.security_log import SecurityEvent
from portfolio.extensions import db
from tests.oidc_provider import CLIENT_ID, callback_path, running_provider, sso_config, with_query


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def sso(app, provider, monkeypatch):
    """The app with single sign-on against `provider` (a fresh client: nothing cached)."""
    for key, value in sso_config(provider).items():
        monkeypatch.setitem(app.config, key, value)
    app.extensions.pop(CLIENT_KEY, None)
    yield provider
    app.extensions.pop(CLIENT_KEY, None)


def _start(client, next_url: str | None = None) -> str:
    answer = client.get("/login/sso" + (f"?next={next_url}" if next_url else ""))
    assert answer.status_code == 302, answer.data[:500]
    return answer.headers["Location"]


def _login(client, provider, sub: str) -> str:
    """Through the provider's login form; returns the callback the provider sent back."""
    return provider.authorize(_start(client), sub)


def _users(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(User.email).order_by(User.email)))


def _events(app, event: str | None = None) -> list[SecurityEvent]:
    with app.app_context():
        stmt = db.select(SecurityEvent).order_by(SecurityEvent.id)
        if event:
            stmt = stmt.where(SecurityEvent.event == event)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def _logged_in(client) -> bool:
    return client.get("/profile").status_code == 200


def test_the_login_page_offers_the_provider(client, sso):
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in med Testkommunen" in page
    assert 'name="password"' in page        # the demo and tests keep the password form


def test_first_login_creates_the_user_with_the_mapped_role(app, client, sso):
    sso.set_user("anna-sub", {"email": "Anna@Kommun.se", "name": "Anna Andersson",
                              "groups": ["grp-office", "unrelated"]})
    location = _start(client, "/initiatives/")
    query = parse_qs(urlsplit(location).query)
    # PKCE (S256), state and nonce go to the provider.
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"]
    assert query["client_id"] == [CLIENT_ID]
    answer = client.get(callback_path(sso.authorize(location, "anna-sub")))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/initiatives/")
    # The app sent the verifier with the code (the provider checked it against the challenge).
    assert sso.pkce.token_requests[-1]["code_verifier"]
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "anna@kommun.se"))
        assert user.name == "Anna Andersson"
        assert user.roles == {"portfolio_office"}
        assert user.oidc_subject == "anna-sub" and user.oidc_issuer == sso.issuer
        assert user.idp_grants["roles"] == ["portfolio_office"]
        assert not user.password_hash.startswith(("scrypt", "pbkdf2"))   # no usable password
    assert _logged_in(client)
    kinds = [e.event for e in _events(app)]
    assert "user_created" in kinds and "role_change" in kinds and kinds[-1] == "login"
    assert _events(app, "login")[-1].method == "oidc"


def test_later_logins_follow_the_groups_and_keep_hand_set_roles(app, client, sso, make_user):
    sso.set_user("bo-sub", {"email": "bo@kommun.se", "groups": ["grp-viewer"]})
    client.get(callback_path(_login(client, sso, "bo-sub")))
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "bo@kommun.se"))
        user.role_rows.append(type(user.role_rows[0])(role="editor"))   # set by hand
        from portfolio.programme.models import OrgUnit
        user.units = [db.session.scalar(db.select(OrgUnit).where(OrgUnit.code == "KLK"))]
        db.session.commit()
    client.post("/logout")
    sso.set_user("bo-sub", {"email": "bo@kommun.se", "groups": ["grp-office"]})
    client.get(callback_path(_login(client, sso, "bo-sub")))
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "bo@kommun.se"))
        assert user.roles == {"portfolio_office", "editor"}     # viewer went with the group
        assert [u.code for u in user.units] == ["KLK"]


def test_an_existing_password_account_is_taken_over_by_its_address(app, client, sso, make_user):
    user_id, email = make_user("admin", email="chef@kommun.se")
    sso.set_user("chef-sub", {"email": email, "groups": ["grp-viewer"]})
    assert client.get(callback_path(_login(client, sso, "chef-sub"))).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.oidc_subject == "chef-sub"
        assert user.roles == {"admin", "viewer"}    # the hand-set admin role stays
    assert _users(app) == [email]


def test_a_user_with_no_mapped_group_is_refused_and_nothing_is_created(app, client, sso):
    sso.set_user("nils-sub", {"email": "nils@kommun.se", "groups": ["someone-elses"]})
    answer = client.get(callback_path(_login(client, sso, "nils-sub")))
    assert answer.status_code == 403
    assert "ingen behörighet till portföljen" in answer.get_data(as_text=True)
    assert _users(app) == []
    assert not _logged_in(client)
    failed = _events(app, "login_failed")
    assert failed and failed[-1].detail_map["reason"] == "no_mapped_group"


def test_a_user_whose_groups_no_longer_map_is_refused_and_deactivated(app, client, sso):
    sso.set_user("olle-sub", {"email": "olle@kommun.se", "groups": ["grp-viewer"]})
    client.get(callback_path(_login(client, sso, "olle-sub")))
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "olle@kommun.se"))
        from portfolio.auth.tokens import create_token
        create_token(user, "skript")
        db.session.commit()
        generation = user.session_generation
    other = app.test_client()            # a second browser still logged in
    sso.set_user("olle-sub", {"email": "olle@kommun.se", "groups": []})
    answer = other.get(callback_path(_login(other, sso, "olle-sub")))
    assert answer.status_code == 403
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "olle@kommun.se"))
        assert not user.active and user.session_generation > generation
        assert all(t.revoked for t in db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)))
    assert not _logged_in(client)        # the first browser's session ended too
    assert _events(app, "deactivated")[-1].detail_map["reason"] == "no_mapped_group"


def _refused(app, client, answer, status=400) -> None:
    assert answer.status_code == status, answer.data[:500]
    assert "inte inloggad" in answer.get_data(as_text=True)
    assert not _logged_in(client)
    assert _users(app) == []


def test_a_wrong_state_is_refused(app, client, sso):
    sso.set_user("s1", {"email": "s1@kommun.se", "groups": ["grp-viewer"]})
    callback = _login(client, sso, "s1")
    _refused(app, client, client.get(with_query(callback, state="forged-state")))
    assert _events(app, "login_failed")[-1].detail_map["reason"] == "mismatching_state"


def test_a_callback_from_another_browser_is_refused(app, client, sso):
    """Login CSRF: a code and state made for one browser do not log another one in."""
    sso.set_user("s2", {"email": "s2@kommun.se", "groups": ["grp-viewer"]})
    callback = _login(client, sso, "s2")
    other = app.test_client()
    _refused(app, other, other.get(callback_path(callback)))


def test_a_replayed_code_is_refused(app, client, sso):
    sso.set_user("s3", {"email": "s3@kommun.se", "groups": ["grp-viewer"]})
    first = _login(client, sso, "s3")
    assert client.get(callback_path(first)).status_code == 302
    client.post("/logout")
    with app.app_context():
        db.session.execute(db.delete(User))      # forget the account, so only the code decides
        db.session.commit()
    # A fresh login in this browser (a valid state), answered with the code already used.
    fresh = _start(client)
    state = parse_qs(urlsplit(fresh).query)["state"][0]
    code = parse_qs(urlsplit(first).query)["code"][0]
    _refused(app, client, client.get(with_query(first, state=state, code=code)))
    assert _events(app, "login_failed")[-1].detail_map["reason"] == "invalid_grant"


def test_a_wrong_pkce_verifier_is_refused(app, client, sso):
    sso.set_user("s4", {"email": "s4@kommun.se", "groups": ["grp-viewer"]})
    callback = _login(client, sso, "s4")
    with client.session_transaction() as session:
        for key, value in session.items():
            if key.startswith("_state_oidc_"):
                value["data"]["code_verifier"] = "x" * 48
                session[key] = value
    _refused(app, client, client.get(callback_path(callback)))


def test_a_wrong_nonce_is_refused(app, client, sso):
    sso.set_user("s5", {"email": "s5@kommun.se", "groups": ["grp-viewer"], "nonce": "not-yours"})
    _refused(app, client, client.get(callback_path(_login(client, sso, "s5"))))
    assert _events(app, "login_failed")[-1].detail_map["reason"] == "id_token_invalid_claim"


def test_a_wrong_audience_is_refused(app, client, sso):
    sso.set_user("s6", {"email": "s6@kommun.se", "groups": ["grp-viewer"],
                        "aud": "another-app", "azp": CLIENT_ID})
    _refused(app, client, client.get(callback_path(_login(client, sso, "s6"))))


def test_a_wrong_issuer_is_refused(app, client, sso):
    sso.set_user("s7", {"email": "s7@kommun.se", "groups": ["grp-viewer"], "iss": "https://evil.example"})
    _refused(app, client, client.get(callback_path(_login(client, sso, "s7"))))


def test_an_expired_token_is_refused(app, client, sso):
    past = int(time.time()) - 3600
    sso.set_user("s8", {"email": "s8@kommun.se", "groups": ["grp-viewer"], "exp": past, "iat": past - 600})
    _refused(app, client, client.get(callback_path(_login(client, sso, "s8"))))
    assert _events(app, "login_failed")[-1].detail_map["reason"] == "id_token_expired_token"


def test_a_token_signed_by_another_key_is_refused(app, client, sso, monkeypatch):
    from joserfc.jwk import RSAKey
    from oidc_provider_mock import _app as provider_module

    other_key = RSAKey.generate_key(2048, private=True)
    original = provider_module.OpenIDCode.get_jwt_config

    def forged(self, grant, client=None):
        config = original(self, grant, client)
        return {**config, "key": other_key.as_dict(private=True)}

    monkeypatch.setattr(provider_module.OpenIDCode, "get_jwt_config", forged)
    sso.set_user("s9", {"email": "s9@kommun.se", "groups": ["grp-viewer"]})
    _refused(app, client, client.get(callback_path(_login(client, sso, "s9"))))
    assert _events(app, "login_failed")[-1].detail_map["reason"].startswith("id_token_")


def test_a_provider_that_is_down_gives_a_clear_message(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")       # nothing listens
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "OIDC_PROVIDER_NAME", "Testkommunen")
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT_SECONDS", 2)
    app.extensions.pop(CLIENT_KEY, None)
    try:
        answer = client.get("/login/sso")
        assert answer.status_code == 503
        assert "Inloggningstjänsten (Testkommunen) svarar inte just nu" in answer.get_data(as_text=True)
        assert client.get("/login/sso/callback?code=x&state=y").status_code == 503
    finally:
        app.extensions.pop(CLIENT_KEY, None)
    assert _users(app) == []
    assert _events(app, "login_failed")[-1].detail_map["reason"] == "provider_unreachable"


def test_a_provider_down_at_the_token_step_gives_a_clear_message(app, client, sso, monkeypatch):
    sso.set_user("s10", {"email": "s10@kommun.se", "groups": ["grp-viewer"]})
    callback = _login(client, sso, "s10")
    client_obj = app.extensions[CLIENT_KEY]
    monkeypatch.setitem(client_obj.server_metadata, "token_endpoint", "http://127.0.0.1:9/token")
    answer = client.get(callback_path(callback))
    assert answer.status_code == 503
    assert _users(app) == []


def test_a_misconfigured_mapping_is_not_a_500(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_GROUP_MAPPING", {"grp-viewer": {"roles": ["emperor"]}})
    sso.set_user("s11", {"email": "s11@kommun.se", "groups": ["grp-viewer"]})
    answer = client.get(callback_path(_login(client, sso, "s11")))
    assert answer.status_code == 503
    assert "felaktigt inställd" in answer.get_data(as_text=True)
    assert _users(app) == []


def test_logout_ends_the_session_and_offers_the_providers_logout(app, client, sso):
    sso.set_user("s12", {"email": "s12@kommun.se", "groups": ["grp-viewer"]})
    client.get(callback_path(_login(client, sso, "s12")))
    answer = client.post("/logout")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert f"{sso.issuer}/oauth2/end_session" in page and "Logga ut även hos Testkommunen" in page
    assert not _logged_in(client)
    assert _events(app, "logout")[-1].method == "oidc"


def test_password_login_can_be_turned_off_except_for_break_glass(app, client, sso, monkeypatch):
    from portfolio.auth.services import create_user
    from tests.conftest import PASSWORD, login

    with app.app_context():
        create_user(email="vanlig@kommun.se", roles=["viewer"], password=PASSWORD)
        create_user(email="nod@kommun.se", roles=["admin"], password=PASSWORD, break_glass=True)
        db.session.commit()
    monkeypatch.setitem(app.config, "PASSWORD_LOGIN", "false")
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in med Testkommunen" in page and 'name="password"' not in page
    assert login(client, "vanlig@kommun.se").status_code == 401
    assert 'name="password"' in client.get("/login?local=1").get_data(as_text=True)
    assert login(client, "nod@kommun.se").status_code == 302
    assert _events(app, "login")[-1].detail_map == {"break_glass": True}


def test_the_mapping_comes_as_a_dict_or_json_and_is_checked(app):
    from portfolio.auth.oidc import OidcMisconfigured, identity_from_claims
    from portfolio.auth.provisioning import grants_for, parse_mapping

    mapping = parse_mapping('{"g1": {"roles": ["editor"], "units": ["KLK"]}, "g2": {"roles": ["viewer"]}}')
    grants = grants_for(["g1", "g2", "g3"], mapping)
    assert grants.roles == {"editor", "viewer"} and grants.units == {"KLK"}
    assert parse_mapping("").groups == {} and parse_mapping({}).groups == {}
    for bad in ("not json", '["g1"]', '{"g1": ["admin"]}', {"g1": {"roles": ["emperor"]}}):
        with pytest.raises(OidcMisconfigured):
            parse_mapping(bad)
    config = {"OIDC_GROUPS_CLAIM": "roles"}
    identity = identity_from_claims({"sub": "x", "preferred_username": "Per@Kommun.se", "roles": "g1"},
                                    "https://idp/", config)
    assert identity.groups == ("g1",) and identity.email == "per@kommun.se" and identity.issuer == "https://idp"
    assert identity_from_claims({"sub": "y", "email": "not-an-address"}, "https://idp", config).email is None


def test_groups_grant_scopes_too(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_GROUP_MAPPING", {
        "grp-klk": {"roles": ["editor"], "units": ["KLK"]},
        "grp-valfard": {"roles": ["programme_manager"], "areas": ["valfard"]}})
    sso.set_user("s13", {"email": "s13@kommun.se", "groups": ["grp-klk", "grp-valfard"]})
    assert client.get(callback_path(_login(client, sso, "s13"))).status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "s13@kommun.se"))
        assert user.roles == {"editor", "programme_manager"}
        assert [u.code for u in user.units] == ["KLK"] and [a.code for a in user.areas] == ["valfard"]
    scope = _events(app, "scope_change")[-1].detail_map
    assert scope["units_after"] == ["KLK"] and scope["areas_after"] == ["valfard"]
