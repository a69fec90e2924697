"""Browser: an administrator makes a reset link (no e-mail server: it is shown once), the user
opens it, sets a new password and logs in with it; then the user changes the password under
"Byt lösenord"; the administrator ends a user's sessions. Every new page passes axe."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in

RESET_PASSWORD = "morgonkaffe-pa-balkongen"
CHANGED_PASSWORD = "kvallspromenad-vid-sjon"


def _log_out(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/login")


def test_reset_link_then_change_password(page, make_user):
    _uid, email = make_user("viewer")
    name = email.split("@")[0]
    _aid, admin_email = make_user("admin")
    log_in(page, admin_email)

    page.goto("/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Användare")
    assert_accessible(page)
    page.get_by_role("button", name=f"Skapa återställningslänk för {name}").click()
    link = page.get_by_label("Länk", exact=True).input_value()
    assert "/reset-password/" in link
    assert_accessible(page)
    _log_out(page)

    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj ett nytt lösenord")
    assert_accessible(page)
    page.get_by_label("Nytt lösenord").fill("1234567890")
    page.get_by_label("Upprepa det nya lösenordet").fill("1234567890")
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.get_by_label("Nytt lösenord").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.get_by_label("Nytt lösenord").fill(RESET_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(RESET_PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    page.wait_for_url("**/login")
    expect(page.get_by_text("Ditt nya lösenord är sparat")).to_be_visible()

    page.goto(urlsplit(link).path)                       # a second time: refused, clearly
    expect(page.get_by_role("heading", level=1)).to_have_text("Länken går inte att använda")
    assert_accessible(page)

    log_in(page, email, RESET_PASSWORD)
    page.goto("/profile/password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Byt lösenord")
    assert_accessible(page)
    page.get_by_label("Nuvarande lösenord").fill("inte-mitt-losenord")
    page.get_by_label("Nytt lösenord").fill(CHANGED_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(CHANGED_PASSWORD)
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.locator("#current_password-error")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nuvarande lösenord").fill(RESET_PASSWORD)
    page.get_by_label("Nytt lösenord").fill(CHANGED_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(CHANGED_PASSWORD)
    page.get_by_role("button", name="Byt lösenord").click()
    page.wait_for_url("**/profile")
    expect(page.get_by_text("Ditt lösenord är bytt")).to_be_visible()
    _log_out(page)
    log_in(page, email, CHANGED_PASSWORD)


def test_admin_ends_a_users_sessions(page, browser, live_server, make_user):
    _uid, email = make_user("viewer")
    name = email.split("@")[0]
    other = browser.new_context(base_url=live_server, locale="sv-SE")
    user_page = other.new_page()
    try:
        log_in(user_page, email)
        _aid, admin_email = make_user("admin")
        log_in(page, admin_email)
        page.goto("/admin/users")
        page.get_by_role("link", name=f"Avsluta alla sessioner för {name}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Avsluta alla sessioner för {name}?")
        assert_accessible(page)
        page.get_by_role("button", name="Avsluta alla sessioner").click()
        page.wait_for_url("**/admin/users")
        expect(page.get_by_text(f"Alla sessioner för {name} är avslutade")).to_be_visible()

        user_page.goto("/initiatives/")
        user_page.wait_for_url("**/login**")             # logged out there
    finally:
        other.close()
