"""The application factory and its small setup steps."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from flask import Flask

from portfolio import settings
from portfolio.extensions import babel, csrf, db, login_manager, migrate
from portfolio.programme.loader import load_programme


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    _configure(app, overrides or {})
    _init_extensions(app)
    _register_blueprints(app)
    _connect_features(app)
    if not app.testing:
        # A served process keeps everything made so far (modules, the app, its programme) for
        # its whole life: moved out of the garbage collector's view, a full collection during a
        # request no longer walks ~300 000 objects (0.4 s on a cold dashboard at demo ×100).
        gc.collect()
        gc.freeze()
    return app


def _connect_features(app: Flask) -> None:
    """Where features plug into the shared layer (which never imports them)."""
    import portfolio.ideas.jobs  # noqa: F401
    import portfolio.imports.jobs  # noqa: F401  (registers the features' background jobs)
    import portfolio.reminders.jobs  # noqa: F401
    import portfolio.reports.jobs  # noqa: F401
    from portfolio.demo.loader import demo_hint
    from portfolio.prioritisation.services import sync_criteria_sets

    app.extensions["portfolio.after_programme_sync"] = [sync_criteria_sets]
    app.extensions["portfolio.demo_hint"] = demo_hint


def _configure(app: Flask, overrides: dict) -> None:
    app.config.update(settings.defaults(app.instance_path))
    if os.environ.get("PORTFOLIO_CONFIG"):
        app.config.from_pyfile(os.path.abspath(os.environ["PORTFOLIO_CONFIG"]))
    settings.apply_environment(app.config, os.environ)
    app.config.update(overrides)
    settings.ensure_secret_key(app.config, app.instance_path)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = uri.replace("postgresql://", "postgresql+psycopg://", 1)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        settings.tune_postgresql(app.config)
    app.extensions["portfolio.programme"] = load_programme(app.config["PROGRAMME_FILE"])


def _init_extensions(app: Flask) -> None:
    from portfolio import models  # noqa: F401  (registers every model with the metadata)
    from portfolio.auth.session import init_login
    from portfolio.i18n import init_i18n
    from portfolio.templating import init_templating

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.MIGRATIONS_DIR), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    init_login(app, login_manager)
    init_i18n(app, babel)
    init_templating(app)
    from portfolio.cache import init_cache
    from portfolio.limits import init_limits
    from portfolio.security import init_proxy_fix, init_security

    init_security(app)
    init_proxy_fix(app)
    init_limits(app)
    init_cache(app)
    from portfolio.jobs.engine import init_jobs

    init_jobs(app)


def _register_blueprints(app: Flask) -> None:
    from portfolio.admin.views import bp as admin_bp
    from portfolio.api import init_api
    from portfolio.audits.views import bp as audits_bp
    from portfolio.auth.views import bp as auth_bp
    from portfolio.benefits.views import bp as benefits_bp
    from portfolio.charts import bp as charts_bp
    from portfolio.cli import register_commands
    from portfolio.core.views import bp as core_bp
    from portfolio.dashboards.registry import init_dashboards
    from portfolio.dashboards.views import bp as dashboards_bp
    from portfolio.decision_basis.views import bp as decision_basis_bp
    from portfolio.errors import register_error_handlers
    from portfolio.exports.views import bp as exports_bp
    from portfolio.followups.views import bp as followups_bp
    from portfolio.ideas.views import bp as ideas_bp
    from portfolio.imports.views import bp as imports_bp
    from portfolio.initiatives.views import bp as initiatives_bp
    from portfolio.needs.views import bp as needs_bp
    from portfolio.plans.views import bp as plans_bp
    from portfolio.prioritisation.views import bp as prioritisation_bp
    from portfolio.reminders.views import bp as reminders_bp
    from portfolio.reports.views import bp as reports_bp
    from portfolio.risks.views import bp as risks_bp
    from portfolio.start.views import bp as start_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(start_bp)
    app.register_blueprint(charts_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(initiatives_bp, url_prefix="/initiatives")
    for feature_bp in (needs_bp, risks_bp, benefits_bp, decision_basis_bp):
        app.register_blueprint(feature_bp, url_prefix="/initiatives")
    app.register_blueprint(followups_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(ideas_bp, url_prefix="/ideas")
    app.register_blueprint(plans_bp, url_prefix="/plans")
    app.register_blueprint(audits_bp, url_prefix="/audits")
    app.register_blueprint(prioritisation_bp, url_prefix="/prioritisation")
    app.register_blueprint(dashboards_bp, url_prefix="/dashboards")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(exports_bp)
    app.register_blueprint(imports_bp)
    init_dashboards(app)
    init_api(app)
    register_error_handlers(app)
    register_commands(app)
    _limit_endpoints(app)


def _limit_endpoints(app: Flask) -> None:
    """Rate limits on whole endpoints (logins and API tokens count their failures themselves)."""
    from flask_login import current_user

    from portfolio.limits import EXTENSION_KEY, client_address

    limits = app.extensions[EXTENSION_KEY]
    def user_or_address() -> str:     # anonymous requests (sent to the login) count per address
        user_id = current_user.get_id() if current_user.is_authenticated else None
        return f"user:{user_id}" if user_id else f"address:{client_address()}"

    for endpoint in ("exports.initiatives", "exports.followups"):
        limits.limit_endpoint(app, endpoint, "exports_user", key_func=user_or_address)
    limits.limit_endpoint(app, "exports.open_data", "open_data_client")
