"""Security headers on every response: a Content-Security-Policy without inline scripts (every
script is a file the app serves; charts are drawn from embedded JSON by static/js/charts.js),
no framing, no MIME sniffing, a same-origin referrer and, over HTTPS, HSTS.

Settings: HSTS_SECONDS (default one year; 0 turns HSTS off). HSTS is only sent on requests that
arrived over HTTPS. Behind a reverse proxy that terminates TLS, set TRUSTED_PROXIES
(PORTFOLIO_TRUSTED_PROXIES) to the number of proxies: ProxyFix then takes the scheme, host and
client address from their X-Forwarded-* headers (and from nobody else's)."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from portfolio.settings import SettingsError

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    # plotly.js and Swagger UI set style attributes and add <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def security_headers(response: Response, hsts_seconds: int) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if hsts_seconds and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains")
    return response


def init_security(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        return security_headers(response, int(app.config.get("HSTS_SECONDS", 31536000) or 0))


def init_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host/-Port from TRUSTED_PROXIES proxies (0: from none)."""
    raw = app.config.get("TRUSTED_PROXIES") or 0
    try:
        count = int(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"PORTFOLIO_TRUSTED_PROXIES ska vara ett heltal (antal proxyer), "
                            f"inte {raw!r}.") from None
    if count < 0:
        raise SettingsError("PORTFOLIO_TRUSTED_PROXIES kan inte vara negativt.")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count,  # type: ignore[method-assign]
                                x_host=count, x_port=count)
