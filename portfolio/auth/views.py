from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from portfolio.auth import tokens
from portfolio.auth.forms import LoginForm, RevokeTokenForm, TokenForm
from portfolio.auth.login import authenticate
from portfolio.auth.services import end_sessions
from portfolio.auth.session import start_session
from portfolio.transactions import transaction
from portfolio.validation import PermissionDenied, ServiceValidationError
from portfolio.viewkit import safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("core.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        with transaction():    # a failed attempt is recorded too
            result = authenticate(form.email.data, form.password.data)
        if result.user:
            start_session(result.user)
            return redirect(_safe_next(form.next.data))
        if result.locked_minutes:
            form.form_errors.append(_("För många misslyckade inloggningar. Försök igen om "
                                      "%(minutes)d minuter.", minutes=result.locked_minutes))
            status = 429
        else:
            form.form_errors.append(_("Fel e-postadress eller lösenord."))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, demo=_demo_hint()), status


def _demo_hint() -> dict | None:
    """In demo mode (`portfolio serve --demo`) the login page lists the public demo logins."""
    hint = current_app.extensions.get("portfolio.demo_hint")
    return hint() if current_app.config.get("DEMO") and hint else None


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    with transaction():    # every copy of this session's cookie ends too
        end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """The user's own page: roles and scopes, and personal API tokens."""
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            with transaction():
                created = tokens.create_token(current_user, form.name.data, read_only=form.read_only.data,
                                              lifetime_days=form.lifetime_days.data)
        except ServiceValidationError as exc:
            form.attach_errors(exc.errors)
            status = 422
        else:
            form = TokenForm(formdata=None)
    elif request.method == "POST":
        status = 422
    html = render_template("auth/profile.html", form=form, created=created,
                           tokens=tokens.tokens_of(current_user), revoke_form=RevokeTokenForm())
    # A new token is on this page once: keep it out of every cache and the back button.
    return html, status, {"Cache-Control": "no-store"}


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        return redirect(url_for("auth.profile"))
    try:
        with transaction():
            token = tokens.revoke_token(current_user, token_id)
    except PermissionDenied:
        abort(404)
    flash(_("Nyckeln ”%(name)s” är återkallad och kan inte längre användas.", name=token.name), "info")
    return redirect(url_for("auth.profile"))


from portfolio.auth import account_views  # noqa: E402,F401  (its routes are on this blueprint)
