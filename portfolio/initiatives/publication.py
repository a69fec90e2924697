"""Open data: an initiative is published only after the project office has reviewed it.

The office marks an initiative publishable (`publish`) once it has read the text that would go
out; the text is checked for personal data first (`domain.personal_data`), and what is found is
shown, so the office either removes it or confirms, after reviewing, that it may be published.
`withdraw` takes it out again. When the reviewed text changes later (title or description, in
any save: form, API or import), the publication lapses (`lapse_if_changed`, called by
`services.update_initiative`), so text nobody has reviewed never reaches the open data.

Each step is logged in the initiative's history. Verbs flush; the caller's transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.changelog.services import now, record_changes
from portfolio.changelog.versioned import check_version
from portfolio.domain import personal_data as pd
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.labels import FIELD_LABELS
from portfolio.text_rules import check_texts
from portfolio.validation import PermissionDenied, ServiceValidationError

ENTITY = "initiative"
LOG_FIELD = "published_at"        # how the change log names the publication
# The free text of an open-data row: exports.tables.REGISTER_COLUMNS minus PERSONAL is the title
# and the description plus codes, the programme's own names, phase, dates and figures.
PUBLISHED_TEXTS = ("title", "description")
KIND_LABELS = {
    pd.PERSONNUMMER: _l("personnummer"),
    pd.SAMORDNINGSNUMMER: _l("samordningsnummer"),
    pd.EMAIL: _l("e-postadress"),
    pd.PHONE: _l("telefonnummer"),
}


def personal_data(ini: Initiative) -> list[pd.Finding]:
    """Personal data in the text of `ini` that the open data would publish."""
    return pd.find_personal_data({name: getattr(ini, name) for name in PUBLISHED_TEXTS})


def finding_text(finding: pd.Finding, *, with_value: bool = True) -> str:
    """"Beskrivning: personnummer ”811218-9876”" (without the value for the change log)."""
    where = str(FIELD_LABELS.get(finding.field, finding.field))
    if not with_value:
        return _("%(kind)s i %(field)s", kind=KIND_LABELS[finding.kind], field=where.lower())
    return _("%(field)s: %(kind)s ”%(value)s”", field=where, kind=KIND_LABELS[finding.kind],
             value=finding.text)


class PersonalDataFound(ServiceValidationError):
    """The text holds what looks like personal data and the office has not confirmed it."""

    def __init__(self, findings: list[pd.Finding]):
        self.findings = findings
        super().__init__({"confirm": _(
            "Bekräfta att du har granskat texten, eller ta bort personuppgifterna ur titeln eller "
            "beskrivningen.")})


def _published_text(ini: Initiative) -> str | None:
    return ini.published_at.strftime("%Y-%m-%d %H:%M") if ini.published_at else None


def _require_office(actor) -> None:
    if not getattr(actor, "is_office", False):
        raise PermissionDenied()


def _set_publication(ini: Initiative, actor, *, published: bool, action: str,
                     reason: str | None, bump: bool = True, at: datetime | None = None) -> None:
    """Set or clear the publication and log it. A publication is a save of the initiative
    (its version goes up, so a form read before it is told), but not a change of its content:
    "senast ändrad" stays as it is."""
    before = {LOG_FIELD: _published_text(ini)}
    moment = at or now()
    ini.published_at = moment if published else None
    ini.published_by_id = actor.id if published else None
    if bump:
        ini.version += 1
    db.session.flush()
    db.session.expire(ini, ["published_by"])
    record_changes(entity_type=ENTITY, entity_id=ini.id, action=action, before=before,
                   after={LOG_FIELD: _published_text(ini)}, user_id=actor.id, reason=reason,
                   at=moment)
    from portfolio.auth.security_log import SecurityEventType, record_event

    record_event(SecurityEventType.PUBLICATION, actor=actor, at=moment,
                 details={"initiative": ini.id, "action": action, "reason": reason})


def publish(ini: Initiative, actor, confirm_personal_data: bool = False, *,
            expected_version=None) -> Initiative:
    """The project office marks `ini` publishable: from now on it is in the open data (unless
    archived). Refused with `PersonalDataFound` when its text looks like it holds personal data,
    unless the office confirms it has reviewed the text. `expected_version`: the version the
    office reviewed (a form sends it; a newer save makes this a conflict)."""
    _require_office(actor)
    if expected_version is not None:
        check_version(ini.version, expected_version, (ENTITY, ini.id))
    if ini.archived:
        raise ServiceValidationError({"publish": _("Ett arkiverat initiativ kan inte publiceras i öppna data.")})
    if ini.published_at is not None:
        raise ServiceValidationError({"publish": _("Initiativet är redan publicerat i öppna data.")})
    found = personal_data(ini)
    if found and not confirm_personal_data:
        raise PersonalDataFound(found)
    reason = None
    if found:
        reason = _("Publicerat efter granskning trots möjliga personuppgifter: %(found)s.",
                   found="; ".join(dict.fromkeys(finding_text(f, with_value=False) for f in found)))
    _set_publication(ini, actor, published=True, action="publish", reason=reason)
    return ini


def withdraw(ini: Initiative, actor, reason: str | None = None, *, expected_version=None) -> Initiative:
    """The project office takes `ini` out of the open data."""
    _require_office(actor)
    if expected_version is not None:
        check_version(ini.version, expected_version, (ENTITY, ini.id))
    errors: dict[str, str] = {}
    check_texts({"reason": reason}, {"reason": Initiative.LIMITS["reason"]}, errors)
    if ini.published_at is None:
        errors["withdraw"] = _("Initiativet är inte publicerat i öppna data.")
    if errors:
        raise ServiceValidationError(errors)
    _set_publication(ini, actor, published=False, action="withdraw",
                     reason=(reason or "").strip() or None)
    return ini


def reviewed_texts(ini: Initiative) -> tuple[str, ...]:
    """The text the open data would publish, as it is now (for `lapse_if_changed` after a save)."""
    return tuple(getattr(ini, name) or "" for name in PUBLISHED_TEXTS)


def lapse_if_changed(ini: Initiative, before: tuple[str, ...], actor, *,
                     at: datetime | None = None) -> bool:
    """After a save: when the reviewed text of a published initiative changed, the publication
    lapses (logged as such) until the office has reviewed it again. True if it lapsed."""
    if ini.published_at is None or reviewed_texts(ini) == before:
        return False
    _set_publication(ini, actor, published=False, action="publication_lapsed", bump=False, at=at,
                     reason=_("Titeln eller beskrivningen ändrades efter projektkontorets granskning."))
    return True


# --- read side -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewRow:
    initiative: Initiative
    findings: list[pd.Finding]

    @property
    def kinds(self) -> list[str]:
        """The kinds of personal data found, each once, as the office reads them."""
        return [str(KIND_LABELS[k]) for k in dict.fromkeys(f.kind for f in self.findings)]


def awaiting_review() -> list[ReviewRow]:
    """Initiatives not (or no longer) in the open data and not archived: the office's work list,
    each with what the personal-data check finds in its text."""
    stmt = (db.select(Initiative).where(Initiative.archived.is_(False), Initiative.published_at.is_(None))
            .order_by(Initiative.ref))
    return [ReviewRow(ini, personal_data(ini)) for ini in db.session.scalars(stmt)]


def published_count() -> int:
    return db.session.scalar(db.select(db.func.count(Initiative.id)).where(
        Initiative.archived.is_(False), Initiative.published_at.is_not(None))) or 0
