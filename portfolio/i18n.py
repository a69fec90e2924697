"""Language: Swedish by default; a user may switch to English for the session.

Translations are looked up once per request: Flask-Babel finds the locale and the catalogue
through several context lookups on every `gettext`, and a page makes a hundred of those calls,
so the catalogue found first is kept on the request for the rest of it (templates and
`gettext`/`lazy_gettext` alike)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, session
from flask.globals import _cv_request
from flask_babel import Babel, Domain

_CACHE_ATTRIBUTE = "portfolio_translations"


def select_locale() -> str:
    if not has_request_context():  # CLI, demo loader, tests outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    return str(lang) if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


class RequestCachedDomain(Domain):
    """Flask-Babel's domain, with the request's catalogue kept on the request."""

    def get_translations(self) -> Any:
        request_context = _cv_request.get(None)
        if request_context is None:
            return super().get_translations()
        found = getattr(request_context, _CACHE_ATTRIBUTE, None)
        if found is None:
            found = super().get_translations()
            setattr(request_context, _CACHE_ATTRIBUTE, found)
        return found


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    domain = RequestCachedDomain()
    babel.__dict__["domain_instance"] = domain       # Flask-Babel's cached_property, set once
    # The templates' _() and ngettext() go straight to the request's catalogue.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
    )
