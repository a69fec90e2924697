from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from portfolio.auth import oidc, provisioning, tokens
from portfolio.auth.forms import LoginForm, RevokeTokenForm, TokenForm
from portfolio.auth.login import authenticate, password_login_enabled
from portfolio.auth.security_log import LoginMethod, SecurityEventType, record_event
from portfolio.auth.services import end_sessions
from portfolio.auth.session import start_session
from portfolio.transactions import transaction
from portfolio.validation import PermissionDenied, ServiceValidationError
from portfolio.viewkit import safe_next

bp = Blueprint("auth", __name__, template_folder="templates")
LOGIN_METHOD_KEY = "_portfolio_login_method"
SSO_NEXT_KEY = "_portfolio_sso_next"


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("core.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        with transaction():    # a failed attempt is recorded too
            result = authenticate(form.email.data, form.password.data,
                                  break_glass_only=not password_login_enabled())
        if result.user:
            start_session(result.user)
            session[LOGIN_METHOD_KEY] = LoginMethod.PASSWORD
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
    return _login_page(form, status)


def _login_page(form: LoginForm | None = None, status: int = 200, sso_error: str | None = None):
    """The login page: the provider's button when single sign-on is on, the password form when
    PASSWORD_LOGIN is on (or asked for with ?local=1, for a break-glass account)."""
    show_form = password_login_enabled() or bool(request.values.get("local"))
    form = form or LoginForm(next=request.args.get("next", ""))
    return render_template("auth/login.html", form=form, demo=_demo_hint(), show_form=show_form,
                           sso=oidc.oidc_enabled(), sso_name=oidc.provider_name(),
                           sso_error=sso_error,
                           local=not password_login_enabled() and show_form), status


@bp.route("/login/sso")
def sso_start():
    """Send the browser to the identity provider (state, nonce and PKCE in the session)."""
    if not oidc.oidc_enabled():
        abort(404)
    session[SSO_NEXT_KEY] = _safe_next(request.args.get("next"))
    try:
        return oidc.start_login(url_for("auth.sso_callback", _external=True))
    except oidc.OidcError as err:
        return _sso_failed(err)


@bp.route("/login/sso/callback")
def sso_callback():
    """The provider's answer: check it, create or update the account, start a session."""
    if not oidc.oidc_enabled():
        abort(404)
    target = session.pop(SSO_NEXT_KEY, None)
    try:
        identity = oidc.finish_login()
        with transaction():
            result = provisioning.sign_in(identity, provisioning.parse_mapping(
                current_app.config.get("OIDC_GROUP_MAPPING")))
    except oidc.OidcError as err:
        return _sso_failed(err)
    if result.user is None:
        return _login_page(status=403, sso_error=result.refusal)
    start_session(result.user)
    session[LOGIN_METHOD_KEY] = LoginMethod.OIDC
    return redirect(_safe_next(target))


def _sso_failed(err: oidc.OidcError):
    with transaction():
        record_event(SecurityEventType.LOGIN_FAILED, method=LoginMethod.OIDC,
                     details={"reason": err.reason})
    name = oidc.provider_name() or _("organisationens inloggningstjänst")
    if isinstance(err, oidc.OidcUnavailable):
        current_app.logger.warning("single sign-on: the provider did not answer (%s)", err.reason)
        message = _("Inloggningstjänsten (%(name)s) svarar inte just nu. Försök igen om en stund. "
                    "Om felet kvarstår, kontakta IT-supporten.", name=name)
        return _login_page(status=503, sso_error=message)
    if isinstance(err, oidc.OidcMisconfigured):
        current_app.logger.error("single sign-on is misconfigured (%s)", err.reason)
        message = _("Inloggningen med %(name)s är felaktigt inställd. Kontakta IT-supporten.",
                    name=name)
        return _login_page(status=503, sso_error=message)
    current_app.logger.warning("single sign-on refused (%s)", err.reason)
    message = _("Inloggningen kunde inte slutföras, så du är inte inloggad. Försök igen från "
                "början.")
    return _login_page(status=400, sso_error=message)


def _demo_hint() -> dict | None:
    """In demo mode (`portfolio serve --demo`) the login page lists the public demo logins."""
    hint = current_app.extensions.get("portfolio.demo_hint")
    return hint() if current_app.config.get("DEMO") and hint else None


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = current_user._get_current_object()
    method = session.get(LOGIN_METHOD_KEY)
    with transaction():    # every copy of this session's cookie ends too
        end_sessions(user)
        record_event(SecurityEventType.LOGOUT, actor=user, subject=user, method=method)
    logout_user()
    session.clear()
    provider_logout = (oidc.logout_url(url_for("auth.login", _external=True))
                       if method == LoginMethod.OIDC else None)
    if provider_logout:
        # The app's session has ended; the provider's may still be open in this browser.
        return render_template("auth/logged_out.html", provider_logout=provider_logout,
                               sso_name=oidc.provider_name())
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
