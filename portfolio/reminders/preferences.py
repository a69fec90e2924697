"""The user's choice of e-mail digest (Min profil), validated and logged like other changes to
a user."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.auth.models import User
from portfolio.changelog.services import record_changes
from portfolio.extensions import db
from portfolio.reminders.runs import FREQUENCIES, LOCALES
from portfolio.validation import ServiceValidationError


def snapshot(user: User) -> dict[str, str | None]:
    return {"digest_frequency": user.digest_frequency, "digest_locale": user.digest_locale}


def set_digest_preference(user: User, frequency: str, locale: str) -> bool:
    """Save the choice; returns whether anything changed. Flushes, never commits."""
    errors = {}
    if frequency not in FREQUENCIES:
        errors["frequency"] = _("Välj dagligen, varje vecka eller aldrig.")
    if locale not in LOCALES:
        errors["locale"] = _("Välj svenska eller engelska.")
    if errors:
        raise ServiceValidationError(errors)
    before = snapshot(user)
    user.digest_frequency, user.digest_locale = frequency, locale
    after = snapshot(user)
    if before == after:
        return False
    record_changes(entity_type="user", entity_id=user.id, action="digest", before=before,
                   after=after, user_id=user.id)
    db.session.flush()
    return True
