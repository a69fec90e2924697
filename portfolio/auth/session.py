"""Flask-Login wiring."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from portfolio.extensions import db
from portfolio.forms_base import positive_int


def init_login(app: Flask, login_manager: LoginManager) -> None:
    from portfolio.auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        if g.get("stateless_request"):     # e.g. the API: a session cookie is not accepted there
            return None
        if positive_int(user_id) is None:
            return None
        user = db.session.get(User, int(user_id))
        return user if user and user.active else None
