"""Bearer-token authentication for the API. The token stands for its user, with the same roles and
scopes as in the web interface; sessions (cookies) are not accepted, so the API needs no CSRF."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from portfolio.api.errors import api_abort
from portfolio.auth.tokens import user_for_secret


def authenticate():
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        api_abort(401, _("Ange en API-nyckel i rubriken Authorization: Bearer <nyckel>."),
                  headers={"WWW-Authenticate": 'Bearer realm="portfolio"'})
    user = user_for_secret(secret.strip())
    if user is None:
        api_abort(401, _("API-nyckeln är ogiltig eller återkallad."),
                  headers={"WWW-Authenticate": 'Bearer realm="portfolio", error="invalid_token"'})
    g._login_user = user  # flask-login's current_user for this request only; no session is created
