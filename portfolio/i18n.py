"""Language: Swedish by default; a user may switch to English for the session."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel


def select_locale() -> str:
    if not has_request_context():  # CLI, demo loader, tests outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    return str(lang) if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
