"""Bearer-token authentication for the API. The token stands for its user, with the same roles and
scopes as in the web interface; sessions (cookies) are not accepted, so the API needs no CSRF.

The API's requests are marked stateless (no session user is loaded for them) and the token's user
reaches Flask-Login through its request loader, so `current_user` is the token's user for that
request only and no session is created."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.api.errors import api_abort
from portfolio.auth.tokens import user_for_secret
from portfolio.transactions import transaction


def _bearer() -> str | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def user_from_token(_request):
    """Flask-Login's request loader: on a stateless (API) request, the bearer token's user."""
    if not g.get("stateless_request"):
        return None
    secret = _bearer()
    if not secret:
        return None
    with transaction():    # marks the token as used
        return user_for_secret(secret)


def authenticate():
    g.stateless_request = True
    if current_user.is_authenticated:
        return
    if _bearer() is None:
        api_abort(401, _("Ange en API-nyckel i rubriken Authorization: Bearer <nyckel>."),
                  headers={"WWW-Authenticate": 'Bearer realm="portfolio"'})
    api_abort(401, _("API-nyckeln är ogiltig eller återkallad."),
              headers={"WWW-Authenticate": 'Bearer realm="portfolio", error="invalid_token"'})
