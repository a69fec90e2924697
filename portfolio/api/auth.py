"""Bearer-token authentication for the API. The token stands for its user, with the same roles and
scopes as in the web interface; sessions (cookies) are not accepted, so the API needs no CSRF.

The API's requests are marked stateless (no session user is loaded for them) and the token's user
reaches Flask-Login through its request loader, so `current_user` is the token's user for that
request only and no session is created.

A token's own limits are checked here, in one place, before any resource runs: an expired token
is refused (401), and a read-only token may only read (GET, HEAD, OPTIONS; anything else 403)."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.api.errors import api_abort
from portfolio.auth.tokens import TokenCheck, check_secret
from portfolio.transactions import transaction

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer() -> str | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def user_from_token(_request):
    """Flask-Login's request loader: on a stateless (API) request, the bearer token's user.
    What the token allows is kept on `g.api_token` for `authenticate()`."""
    if not g.get("stateless_request"):
        return None
    secret = _bearer()
    if not secret:
        return None
    with transaction():    # marks the token as used
        check = check_secret(secret)
    g.api_token = check
    return check.user


def _invalid_token(message: str):
    api_abort(401, message,
              headers={"WWW-Authenticate": 'Bearer realm="portfolio", error="invalid_token"'})


def authenticate():
    g.stateless_request = True
    check: TokenCheck | None = g.get("api_token") if current_user.is_authenticated else None
    if check is not None and check.user is not None:
        if check.read_only and request.method not in READ_METHODS:
            api_abort(403, _("API-nyckeln har endast läsrättighet och kan inte ändra något. "
                             "Skapa en nyckel med läs- och ändringsrätt under Min profil om du "
                             "behöver ändra data via API:t."))
        return
    if _bearer() is None:
        api_abort(401, _("Ange en API-nyckel i rubriken Authorization: Bearer <nyckel>."),
                  headers={"WWW-Authenticate": 'Bearer realm="portfolio"'})
    if g.get("api_token") is not None and g.api_token.expired:
        _invalid_token(_("API-nyckeln har gått ut. Skapa en ny nyckel under Min profil."))
    _invalid_token(_("API-nyckeln är ogiltig eller återkallad."))
