"""The e-mail digest's choice on "Min profil" (`/profile/digest`) and, without an e-mail server,
the digest the user would get today (the profile page, rendered by `auth.profile`, asks for
these through the template helpers below)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portfolio.auth import tokens
from portfolio.auth.forms import RevokeTokenForm, TokenForm
from portfolio.clock import today
from portfolio.followups.queries import has_todo_scope
from portfolio.mail import mail_configured
from portfolio.reminders import preferences
from portfolio.reminders.digest import kind_labels
from portfolio.reminders.forms import DigestForm
from portfolio.reminders.runs import preview_digest
from portfolio.transactions import transaction
from portfolio.validation import ServiceValidationError

bp = Blueprint("reminders", __name__)
NO_STORE = {"Cache-Control": "no-store"}


def _digest_form(formdata=None) -> DigestForm:
    user = current_user._get_current_object()
    if formdata is None:
        return DigestForm(formdata=None, frequency=user.digest_frequency, locale=user.digest_locale)
    return DigestForm()


@bp.app_context_processor
def digest_helpers() -> dict:
    """For the profile page (rendered by `auth.profile`): the digest form and, without an
    e-mail server, the digest itself. Lazy: nothing is read until the template asks."""
    return {
        "digest_form": _digest_form,
        "digest_mail_configured": lambda: mail_configured(current_app.config),
        "digest_preview": lambda: preview_digest(current_user._get_current_object(), today()),
        "digest_for_you": lambda: has_todo_scope(current_user),
    }


@bp.route("/profile/digest", methods=["GET", "POST"])
@login_required
def digest():
    """GET: the digest the user would get today. POST: save how often (and in which language)."""
    user = current_user._get_current_object()
    form = DigestForm()
    if not form.is_submitted():
        return render_template("followups/digest_preview.html", labels=kind_labels(),
                               digest=preview_digest(user, today()) if has_todo_scope(user) else None,
                               mail_on=mail_configured(current_app.config))
    if form.validate():
        try:
            with transaction():
                changed = preferences.set_digest_preference(user, form.frequency.data, form.locale.data)
        except ServiceValidationError as err:
            form.attach_errors(err.errors)
        else:
            flash(_("Ditt val av e-postsammanfattning är sparat.") if changed
                  else _("Inget ändrat: det var redan ditt val."), "success")
            return redirect(url_for("auth.profile", _anchor="digest"))
    # The profile page again, with the errors by the choice (as `auth.profile` renders it).
    html = render_template("auth/profile.html", form=TokenForm(formdata=None), created=None,
                           tokens=tokens.tokens_of(user), revoke_form=RevokeTokenForm(),
                           digest_form_posted=form)
    return html, 422, NO_STORE
