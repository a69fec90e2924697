"""The user's own account: change the password (and end other sessions), set it from a reset
link. (The e-mail digest's choice on the profile page is the reminders feature's.)"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portfolio.auth import services
from portfolio.auth.account_forms import ChangePasswordForm, ResetPasswordForm
from portfolio.auth.login import forget_failed_logins
from portfolio.auth.passwords import MIN_LENGTH
from portfolio.auth.session import start_session
from portfolio.auth.views import bp
from portfolio.transactions import transaction
from portfolio.validation import ServiceValidationError

NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(user=user)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            with transaction():    # every session of the user ends ...
                services.change_password(user, form.current_password.data, form.new_password.data)
        except ServiceValidationError as err:
            form.attach_errors(err.errors)
        else:
            start_session(user)    # ... but this browser's, which starts afresh
            flash(_("Ditt lösenord är bytt. Du är utloggad överallt utom här."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form, min_length=MIN_LENGTH), status, NO_STORE


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.ResetLinkInvalid as err:
        return (render_template("auth/reset_invalid.html", expired=err.expired),
                410 if err.expired else 400, NO_STORE)
    form = ResetPasswordForm(user=user)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            with transaction():
                services.reset_password(token, form.new_password.data)
        except ServiceValidationError as err:
            form.attach_errors(err.errors)
        except services.ResetLinkInvalid as err:     # used in another tab meanwhile
            return (render_template("auth/reset_invalid.html", expired=err.expired),
                    410 if err.expired else 400, NO_STORE)
        else:
            forget_failed_logins(user.email)    # the owner's own guesses no longer hold them up
            flash(_("Ditt nya lösenord är sparat. Logga in med det."), "success")
            return redirect(url_for("auth.login"))
    return (render_template("auth/reset_password.html", form=form, user=user, token=token,
                            min_length=MIN_LENGTH), status, NO_STORE)
