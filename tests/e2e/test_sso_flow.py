"""Browser: single sign-on end to end through a real OpenID Connect provider on localhost. The
user clicks "Logga in med Testkommunen", logs in at the provider, comes back to the start page
with the role the groups map to (the account is created on the way), and logs out, offered the
provider's logout. A user in no mapped group is turned away with a clear message. An
administrator sees the account, where its role came from, and the logins in the security log."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portfolio.auth.models import User
from portfolio.auth.oidc import CLIENT_KEY
from portfolio.extensions import db
from tests.e2e.conftest import assert_accessible, log_in
from tests.oidc_provider import running_provider, sso_config


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def sso(served_app, provider, monkeypatch):
    for key, value in sso_config(provider).items():
        monkeypatch.setitem(served_app.config, key, value)
    served_app.extensions.pop(CLIENT_KEY, None)
    yield provider
    served_app.extensions.pop(CLIENT_KEY, None)


def _login_at_provider(page, sub: str) -> None:
    page.goto("/login")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med Testkommunen").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_single_sign_on_lands_on_the_start_page_with_the_mapped_role(page, app, sso, make_user):
    sso.set_user("e2e-office", {"email": "karin@kommun.se", "name": "Karin Kontor",
                                "groups": ["grp-office"]})
    _login_at_provider(page, "e2e-office")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Det här väntar på dig")
    assert_accessible(page)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "karin@kommun.se"))
        assert user is not None and user.roles == {"portfolio_office"} and user.name == "Karin Kontor"
    page.goto("/profile")
    expect(page.get_by_text("projektkontoret").first).to_be_visible()

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad")
    assert_accessible(page)
    provider_logout = page.get_by_role("link", name="Logga ut även hos Testkommunen")
    assert provider_logout.get_attribute("href").startswith(f"{sso.issuer}/oauth2/end_session")
    page.goto("/profile")
    page.wait_for_url("**/login**")

    # An administrator sees where the role came from, and the login in the security log.
    _aid, admin_email = make_user("admin")
    log_in(page, admin_email)
    page.goto("/admin/users?source=sso")
    assert_accessible(page)
    page.get_by_role("link", name="Karin Kontor", exact=True).click()
    expect(page.get_by_role("table", name="Vad kontot får göra och varifrån det kommer")).to_contain_text("från grupp")
    assert_accessible(page)
    page.goto("/admin/security-log?person=karin")
    expect(page.locator("#security-log")).to_contain_text("organisationens inloggning")
    assert_accessible(page)


def test_a_user_in_no_mapped_group_is_turned_away(page, app, sso):
    sso.set_user("e2e-nobody", {"email": "utan@kommun.se", "groups": ["fel-grupp"]})
    _login_at_provider(page, "e2e-nobody")
    page.wait_for_url("**/login/sso/callback**")
    expect(page.get_by_role("alert")).to_contain_text("ingen behörighet till portföljen")
    assert_accessible(page)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "utan@kommun.se")) is None


def test_an_admin_changes_a_role_after_confirming_it(page, app, make_user):
    target, _email = make_user("viewer", email="lena@kommun.se")
    _aid, admin_email = make_user("admin")
    log_in(page, admin_email)
    page.goto(f"/admin/users/{target}")
    page.get_by_role("link", name="Ändra roller och behörigheter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ändra roller och behörigheter")
    assert_accessible(page)
    page.get_by_role("checkbox", name="projektkontoret").check()
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bekräfta ändringen")
    assert_accessible(page)
    with app.app_context():
        assert db.session.get(User, target).roles == {"viewer"}      # not before the confirmation
    page.get_by_role("button", name="Bekräfta och spara").click()
    expect(page.get_by_text("Rollerna och behörigheterna för")).to_be_visible()
    with app.app_context():
        assert db.session.get(User, target).roles == {"viewer", "portfolio_office"}
    page.get_by_role("link", name="Inaktivera kontot").click()
    assert_accessible(page)
    page.get_by_role("button", name="Inaktivera kontot").click()
    expect(page.locator("#account-status")).to_have_text("inaktiverat")
