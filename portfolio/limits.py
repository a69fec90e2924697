"""Rate limits: slow down password and token guessing, and keep heavy downloads and the anonymous
open data from being hammered.

Flask-Limiter keeps the counters: in Redis when PORTFOLIO_REDIS_URL is set (shared by every
worker and machine, with expiry, so nothing piles up), otherwise in this process's memory (the
quick start). If Redis stops answering, the counters fall back to memory rather than failing the
request. One limiter per app (`init_limits`); nothing is module-global.

Failed logins are limited per client address (across accounts: spreading guesses over many
accounts does not help) and per account *and* client address: five wrong passwords for an account
from one address make that address wait, while the account's owner, from any address that has not
been failing, still gets in with the right password. Nobody can lock somebody else out.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

EXTENSION_KEY = "portfolio.limits"

# The limits, by name; RATE_LIMITS in the settings overrides any of them (e.g. the tests').
DEFAULT_LIMITS: dict[str, str] = {
    "login_client": "30 per 15 minutes",          # failed logins from one address, any account
    "login_account_client": "5 per 15 minutes",   # failed logins for one account from one address
    "api_token_client": "30 per 15 minutes",      # API requests with a bad token from one address
    "exports_user": "30 per minute",              # register/follow-up downloads per user
    "open_data_client": "60 per minute",          # the anonymous open data per address
}


def client_address() -> str:
    """The client's address (behind a proxy: as ProxyFix read it from X-Forwarded-For)."""
    return request.remote_addr or "unknown"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_seconds: int = 0

    @property
    def retry_after_minutes(self) -> int:
        return max(1, -(-self.retry_after_seconds // 60))


class RateLimits:
    """Named limits over one Flask-Limiter's storage, counted and checked by the caller (a login
    counts only its failures) or by the limiter on whole endpoints (`limit_endpoint`)."""

    def __init__(self, app: Flask):
        config = app.config
        self.items: dict[str, RateLimitItem] = {
            name: parse(value)
            for name, value in {**DEFAULT_LIMITS, **(config.get("RATE_LIMITS") or {})}.items()}
        redis_url = config.get("REDIS_URL")
        prefix = config.get("RATE_LIMIT_KEY_PREFIX") or (
            "portfolio" if not config.get("TESTING") else f"portfolio-test-{secrets.token_hex(4)}")
        self.limiter = Limiter(
            key_func=client_address, app=app, storage_uri=redis_url or "memory://",
            strategy="moving-window", key_prefix=prefix, headers_enabled=True,
            swallow_errors=True, in_memory_fallback_enabled=True)
        self._prefix = prefix
        self._fallback = MovingWindowRateLimiter(MemoryStorage())

    def _key(self, name: str, parts: tuple[str, ...]) -> tuple[str, ...]:
        return (self._prefix, name, *parts)

    def _call(self, method: str, name: str, parts: tuple[str, ...]):
        item, key = self.items[name], self._key(name, parts)
        try:
            return getattr(self.limiter.limiter, method)(item, *key)
        except Exception:    # the shared storage (Redis) is down: count in memory meanwhile
            log.warning("rate-limit storage unavailable; counting %s in memory", name,
                        exc_info=True)
            return getattr(self._fallback, method)(item, *key)

    def check(self, name: str, *parts: str) -> Verdict:
        """Whether one more attempt under `name` for `parts` is allowed (counts nothing)."""
        if self._call("test", name, parts):
            return Verdict(True)
        stats = self._call("get_window_stats", name, parts)
        return Verdict(False, max(1, int(stats.reset_time - time.time())))

    def hit(self, name: str, *parts: str) -> None:
        """Count one attempt (e.g. a failed login) under `name` for `parts`."""
        self._call("hit", name, parts)

    def clear(self, name: str, *parts: str) -> None:
        item, key = self.items[name], self._key(name, parts)
        try:
            self.limiter.limiter.clear(item, *key)
        except Exception:
            self._fallback.clear(item, *key)

    def reset(self) -> None:
        """Forget every count (tests; an operator after an incident)."""
        self.limiter.reset()
        self._fallback.storage.reset()

    def limit_endpoint(self, app: Flask, endpoint: str, name: str,
                       key_func: Callable[[], str] = client_address) -> None:
        """Limit every request to `endpoint` (429 with Retry-After when exceeded); endpoints
        limited under the same name share one budget."""
        view = app.view_functions[endpoint]
        limited: Callable = self.limiter.shared_limit(   # one budget per name
            str(self.items[name]), scope=name, key_func=key_func,
            error_message=_too_many_requests_message)(view)
        app.view_functions[endpoint] = limited


def _too_many_requests_message() -> str:
    from flask_babel import gettext as _

    return _("För många förfrågningar. Vänta en stund och försök igen.")


def init_limits(app: Flask) -> RateLimits:
    limits = RateLimits(app)
    app.extensions[EXTENSION_KEY] = limits
    return limits


def rate_limits() -> RateLimits:
    return current_app.extensions[EXTENSION_KEY]
