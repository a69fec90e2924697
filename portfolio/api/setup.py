"""Wire the API into an app: flask-smorest, the OpenAPI document, token auth and the local docs."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

API_PREFIX = "/api/v1"


def _config(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Portföljstyrning digital transformation – API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # The interactive docs are our own page (lang, title, local assets), not flask-smorest's.
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", None)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": (
            "REST-API för portföljen. Autentisera med en personlig API-nyckel (skapas under Min profil) "
            "i rubriken `Authorization: Bearer <nyckel>`. Behörigheterna är desamma som i webbgränssnittet. "
            "En nyckel gäller 30, 90 (förval), 180 eller 365 dagar från att den skapades; en nyckel som har "
            "gått ut ger 401 (`error=\"invalid_token\"`) och ersätts med en ny under Min profil. En nyckel "
            "med endast läsrättighet kan läsa (GET) men får 403 på allt som ändrar (POST, PUT, PATCH, DELETE). "
            "Ändringar (PUT/PATCH) kräver den version du läste, i rubriken `If-Match` (ETag) eller i fältet "
            "`version`; har någon annan hunnit ändra svarar API:t 412 respektive 409 med nuvarande data."),
        },
        "security": [{"bearerAuth": []}],
    })


def init_api(app: Flask) -> None:
    from portfolio.api import auth, docs, errors
    from portfolio.api.resources import BLUEPRINTS
    from portfolio.extensions import csrf, login_manager

    class PortfolioApi(Api):
        ERROR_SCHEMA = errors.ApiErrorSchema

    _config(app)
    api = PortfolioApi(app)
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": (
            "Personlig API-nyckel från Min profil. Nyckeln har ett slutdatum (30, 90, 180 eller 365 dagar "
            "efter att den skapades, 90 om inget annat valts) som syns under Min profil; efter det svarar "
            "API:t 401 med `error=\"invalid_token\"` och ett meddelande om att nyckeln har gått ut. "
            "En nyckel med endast läsrättighet får använda GET, HEAD och OPTIONS; alla andra metoder "
            "ger 403 och ingenting ändras.")})
    names = set()
    for blp in BLUEPRINTS():
        csrf.exempt(blp)
        api.register_blueprint(blp, url_prefix=API_PREFIX)
        names.add(blp.name)
    app.register_blueprint(docs.bp, url_prefix=API_PREFIX)

    login_manager.request_loader(auth.user_from_token)

    def _mark_stateless():
        # First of all hooks, before anything asks for current_user: an API request loads no
        # session user, only the token's (Flask-Login's request loader).
        from flask import g, request

        if request.blueprint in names:
            g.stateless_request = True

    app.before_request_funcs.setdefault(None, []).insert(0, _mark_stateless)

    @app.before_request
    def _api_auth():
        # Blueprints are module-level objects shared by every app in the process, so the hook
        # is the app's, keyed on the blueprint's name.
        from flask import request

        if request.blueprint in names:
            _authenticate_within_limits()
    app.extensions["portfolio.api"] = api


def _authenticate_within_limits() -> None:
    """The bearer-token check, refused for a while (429) for an address that has sent too many
    bad tokens; each bad token counts, a missing one does not (it is not a guess)."""
    from flask import request
    from flask_babel import gettext as _
    from werkzeug.exceptions import HTTPException

    from portfolio.api import auth
    from portfolio.api.errors import api_abort
    from portfolio.limits import client_address, rate_limits

    limits, client = rate_limits(), client_address()
    verdict = limits.check("api_token_client", client)
    if not verdict.allowed:
        api_abort(429, _("För många försök med ogiltiga API-nycklar från din adress. Försök igen "
                         "om %(minutes)d minuter.", minutes=verdict.retry_after_minutes),
                  headers={"Retry-After": str(verdict.retry_after_seconds)})
    try:
        auth.authenticate()
    except HTTPException as exc:
        guessed = request.headers.get("Authorization", "").lower().startswith("bearer ")
        if exc.code == 401 and guessed:
            limits.hit("api_token_client", client)
        raise
