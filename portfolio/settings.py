"""Settings: defaults, then the file named by PORTFOLIO_CONFIG, then PORTFOLIO_* environment
variables, then explicit overrides (tests, `serve --demo`). Read when an app is created, never at
import."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROGRAMME = PROJECT_ROOT / "config" / "programme.yaml"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class SettingsError(RuntimeError):
    """The settings do not allow the app to start; the message says what to do."""


ENV_KEYS = {
    "PORTFOLIO_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "PORTFOLIO_SECRET_KEY": "SECRET_KEY",
    "PORTFOLIO_PROGRAMME": "PROGRAMME_FILE",
    # true/false; unset: on, except in demo mode and tests (see `settle_session_cookie`)
    "PORTFOLIO_SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    # Optional services: each is used when its setting is there, otherwise the app runs without.
    "PORTFOLIO_REDIS_URL": "REDIS_URL",
    "PORTFOLIO_SMTP_HOST": "SMTP_HOST",
    "PORTFOLIO_SMTP_PORT": "SMTP_PORT",
    "PORTFOLIO_SMTP_SECURITY": "SMTP_SECURITY",     # starttls (default), tls or none
    "PORTFOLIO_SMTP_USER": "SMTP_USER",
    "PORTFOLIO_SMTP_PASSWORD": "SMTP_PASSWORD",
    "PORTFOLIO_MAIL_SENDER": "MAIL_SENDER",
    "PORTFOLIO_SMTP_TIMEOUT": "SMTP_TIMEOUT",       # seconds (default 15)
    "PORTFOLIO_BASE_URL": "BASE_URL",               # where links in e-mails point
    "PORTFOLIO_CHANGE_LOG_RETENTION_DAYS": "CHANGE_LOG_RETENTION_DAYS",
    "PORTFOLIO_TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "PORTFOLIO_PASSWORD_RESET_HOURS": "PASSWORD_RESET_HOURS",
    "PORTFOLIO_FILES_DIR": "FILES_DIR",
    "PORTFOLIO_JOB_QUEUE": "JOB_QUEUE",
    # Single sign-on with OpenID Connect (portfolio.auth.oidc); off unless the issuer is set.
    "PORTFOLIO_OIDC_ISSUER": "OIDC_ISSUER",
    "PORTFOLIO_OIDC_CLIENT_ID": "OIDC_CLIENT_ID",
    "PORTFOLIO_OIDC_CLIENT_SECRET": "OIDC_CLIENT_SECRET",
    "PORTFOLIO_OIDC_SCOPES": "OIDC_SCOPES",
    "PORTFOLIO_OIDC_GROUPS_CLAIM": "OIDC_GROUPS_CLAIM",
    "PORTFOLIO_OIDC_PROVIDER_NAME": "OIDC_PROVIDER_NAME",
    "PORTFOLIO_OIDC_GROUP_MAPPING": "OIDC_GROUP_MAPPING",     # JSON, see OIDC_GROUP_MAPPING
    "PORTFOLIO_PASSWORD_LOGIN": "PASSWORD_LOGIN",             # true/false
    "PORTFOLIO_SECURITY_LOG_RETENTION_DAYS": "SECURITY_LOG_RETENTION_DAYS",
}

TRUE_WORDS = frozenset({"true", "1", "yes", "on", "ja"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "nej"})


def defaults(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'portfolio.db'}",
        "SECRET_KEY": None,
        "PROGRAMME_FILE": str(DEFAULT_PROGRAMME),
        "DEMO": False,
        "CLI": False,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ["sv", "en"],
        "PAGE_SIZE": 25,
        # Rate limits by name ("5 per 15 minutes"), over the defaults in portfolio/limits.py.
        "RATE_LIMITS": {},
        # How many proxies in front of the app set X-Forwarded-For/-Proto (0: none; then the
        # client address and HTTPS are taken from the connection itself).
        "TRUSTED_PROXIES": 0,
        # werkzeug's password hashing; the test suite sets a cheap one (it creates ~1 000 users).
        "PASSWORD_HASH_METHOD": "scrypt",
        # A password reset link an administrator makes works once, for this many hours.
        "PASSWORD_RESET_HOURS": 24,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # None: on (the cookie only goes over HTTPS) except in demo mode and tests;
        # PORTFOLIO_SESSION_COOKIE_SECURE=true/false decides it (`settle_session_cookie`).
        "SESSION_COOKIE_SECURE": None,
        # A session ends after this long without a request, and this long after the login.
        "SESSION_IDLE_MINUTES": 60,
        "SESSION_ABSOLUTE_HOURS": 12,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Redis (rate-limit counters, the cache, the job queue). None: kept in the process's
        # memory, and background jobs run at once in the web process.
        "REDIS_URL": None,
        # The RQ queue's name (several installations may share one Redis) and the seconds
        # between a failed job's retries (one retry per value).
        "JOB_QUEUE": "portfolio",
        "JOB_RETRY_SECONDS": [30, 120, 600],
        # Reminder digests go out from this hour (Swedish time): daily ones every day, weekly
        # ones on Mondays.
        "REMINDER_SEND_HOUR": 7,
        # An import of more rows than this runs as a background job with a progress page.
        "IMPORT_IN_BACKGROUND_ROWS": 300,
        # Outgoing e-mail. No SMTP_HOST: nothing is sent (e.g. a reset link is shown to the admin).
        "SMTP_HOST": None,
        "SMTP_PORT": 587,
        "SMTP_SECURITY": "starttls",
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "MAIL_SENDER": None,
        # Seconds to wait for the SMTP server before a send counts as failed (and is retried).
        "SMTP_TIMEOUT": 15,
        # Where links in e-mails point (e.g. https://portfolj.kommun.se); None: SERVER_NAME, else
        # http://localhost:5000.
        "BASE_URL": None,
        # Dashboard and report results are cached (Redis with REDIS_URL, else in memory), keyed
        # by the data version; False turns the cache off (e.g. while developing a plugin).
        "RESULT_CACHE": True,
        "RESULT_CACHE_SECONDS": 6 * 3600,
        # Stored files (e.g. published reports); None: the folder `files` in the instance folder.
        "FILES_DIR": None,
        # Change-log entries older than this many days may be pruned (`portfolio retention`);
        # None keeps the whole history (the audit trail that "every year as it was" reads).
        "CHANGE_LOG_RETENTION_DAYS": None,
        # Dashboard plugins to enable (entry-point names); None enables every valid plugin.
        "DASHBOARD_PLUGINS": None,
        # Single sign-on with OpenID Connect (authorization code flow with PKCE). None: off, only
        # the password form. The issuer's discovery document gives the endpoints and keys.
        "OIDC_ISSUER": None,
        "OIDC_CLIENT_ID": None,
        "OIDC_CLIENT_SECRET": None,
        "OIDC_SCOPES": "openid profile email",
        # The ID token's claim with the user's groups (Entra ID: "groups", or "roles" for app roles).
        "OIDC_GROUPS_CLAIM": "groups",
        # Shown on the login button: "Logga in med <name>".
        "OIDC_PROVIDER_NAME": None,
        # Group -> what it grants: {"<group id>": {"roles": [...], "areas": [...], "units": [...]}};
        # a user's grants are the union over their groups. A dict, or JSON in the environment.
        "OIDC_GROUP_MAPPING": {},
        "OIDC_TIMEOUT_SECONDS": 10,
        # The password form; off (false) leaves single sign-on and break-glass accounts only.
        "PASSWORD_LOGIN": True,
        # Security-log events older than this many days may be pruned (`portfolio retention`);
        # None keeps the whole log.
        "SECURITY_LOG_RETENTION_DAYS": 730,
    }


def apply_environment(config: dict, environ: os._Environ | dict) -> None:
    for env_key, setting in ENV_KEYS.items():
        if environ.get(env_key):
            config[setting] = environ[env_key]


def ensure_secret_key(config: dict, instance_path: str) -> None:
    """Demo keeps a random key in the instance folder; CLI and tests may use a throwaway key;
    anything that serves real users must set PORTFOLIO_SECRET_KEY."""
    if config.get("SECRET_KEY"):
        return
    if config.get("DEMO"):
        key_file = Path(instance_path) / "demo-secret-key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
        config["SECRET_KEY"] = key_file.read_text().strip()
    elif config.get("TESTING") or config.get("CLI"):
        config["SECRET_KEY"] = secrets.token_hex(32)
    else:
        raise SettingsError(
            "PORTFOLIO_SECRET_KEY är inte satt. Sätt en lång slumpmässig nyckel i miljön, t.ex. "
            "`export PORTFOLIO_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')`, "
            "eller starta demoläget med `portfolio serve --demo`.")


def settle_session_cookie(config: dict) -> None:
    """SESSION_COOKIE_SECURE as a bool: as set (a bool, or "true"/"false" from
    PORTFOLIO_SESSION_COOKIE_SECURE), else on everywhere but demo mode and tests (plain HTTP)."""
    value = config.get("SESSION_COOKIE_SECURE")
    if isinstance(value, str):
        word = value.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise SettingsError(
                f"PORTFOLIO_SESSION_COOKIE_SECURE ska vara true eller false, inte {value!r}.")
        value = word in TRUE_WORDS
    if value is None:
        value = not (config.get("DEMO") or config.get("TESTING"))
    config["SESSION_COOKIE_SECURE"] = bool(value)


def tune_postgresql(config: dict) -> None:
    """PostgreSQL settings for this workload on every connection the app opens: no JIT (it
    compiled for seconds on the dashboards' short analytic queries and made them up to 3.8×
    slower; POSTGRES_JIT=True keeps the server's choice)."""
    if config.get("POSTGRES_JIT"):
        return
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    existing = connect_args.get("options", "")
    if "jit=" not in existing:
        connect_args["options"] = f"{existing} -c jit=off".strip()
    options["connect_args"] = connect_args
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
