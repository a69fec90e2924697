"""Browser: a user chooses the weekly e-mail digest in Min profil; the project office sends a
one-off reminder about missing period follow-ups from the committee summary on Att göra (a
confirm step, then the mail arrives at a real SMTP server in the test process); axe clean."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.transactions import transaction
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative
from tests.smtp_server import SmtpServer, body_of

TODAY = date(2026, 11, 30)


@pytest.fixture
def smtp(served_app):
    with SmtpServer() as server:
        settings = server.settings()
        saved = {k: served_app.config.get(k) for k in settings}
        served_app.config.update(settings)
        yield server
        served_app.config.update(saved)


def test_choose_weekly_in_the_profile(frozen, page, make_user, app):
    user_id, email = make_user("editor", units=["SBF"])
    with app.app_context():
        with transaction():
            db.session.get(User, user_id).digest_frequency = "never"
        db.session.remove()
    log_in(page, email)
    page.goto("/profile")
    assert page.get_by_label("Aldrig").is_checked()
    assert page.locator("#digest-preview").is_visible()      # no e-mail server: the digest is shown
    assert_accessible(page)
    page.get_by_label("Varje vecka (måndag morgon)").check()
    page.get_by_role("button", name="Spara valet").click()
    page.wait_for_url("**/profile#digest")
    assert page.get_by_text("Ditt val av e-postsammanfattning är sparat.").is_visible()
    assert page.get_by_label("Varje vecka (måndag morgon)").is_checked()
    assert_accessible(page)
    with app.app_context():
        assert db.session.get(User, user_id).digest_frequency == "weekly"
        db.session.remove()


def test_the_office_sends_a_period_reminder(frozen, page, make_user, app, smtp):
    office_id, office_email = make_user("portfolio_office")
    _editor_id, editor_email = make_user("editor", units=["SBF"])
    with app.app_context():
        office = db.session.get(User, office_id)
        with transaction():
            ini = make_initiative(office, title="Digital bygglovsansökan", phase="genomforande")
        ref = ini.ref
        db.session.remove()
    log_in(page, office_email)
    page.goto("/todo")
    assert_accessible(page)
    page.get_by_role("link", name="Påminn ägarna om uppföljningar som saknas för Delår 2026").click()
    page.wait_for_url("**/todo/period-reminder**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Påminn om uppföljningar")
    assert page.get_by_role("cell", name=editor_email, exact=False).is_visible()
    assert_accessible(page)
    assert smtp.messages == []                     # confirming first; nothing sent yet
    page.get_by_role("button", name="Skicka påminnelsen").click()
    page.wait_for_url("**/todo#per-committee-h")
    assert page.get_by_text("är skickad till 1 person").is_visible()
    assert_accessible(page)
    assert smtp.recipients() == [editor_email]
    text = body_of(smtp.to(editor_email)[0])
    assert ref in text and "Delår 2026" in text
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == editor_email))
        db.session.remove()
