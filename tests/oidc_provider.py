"""A real OpenID Connect provider for the tests: the PyPI package `oidc-provider-mock` (discovery,
JWKS, authorize, token, end-session; it signs real RS256 ID tokens) served on localhost from a
thread of the test process.

The package does not check PKCE itself, so the provider here is wrapped in a small WSGI layer that
does, as a real provider (Entra ID) would: it remembers each authorization code's
`code_challenge` and refuses a token request whose `code_verifier` does not hash to it. It also
keeps the token requests it saw, so a test can read what the app sent.

A user's claims are set with `provider.set_user(sub, {...})`; claims beyond the standard ones are
copied into the ID token as they are, so a test can also plant a wrong `aud`, `exp`, `iss` or
`nonce` there."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import werkzeug.serving
from oidc_provider_mock import app as provider_app

CLIENT_ID = "portfolio-test"
CLIENT_SECRET = "test-secret"


@dataclass
class PkceChecker:
    """WSGI middleware: PKCE (S256) as a real provider enforces it."""

    app: object
    challenges: dict[str, str] = field(default_factory=dict)    # code -> challenge
    token_requests: list[dict[str, str]] = field(default_factory=list)
    authorize_queries: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/token" and environ.get("REQUEST_METHOD") == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            self.token_requests.append(form)
            challenge = self.challenges.get(form.get("code", ""))
            if challenge is not None:
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                if digest.rstrip(b"=").decode() != challenge:
                    start_response("400 Bad Request", [("Content-Type", "application/json")])
                    return [b'{"error": "invalid_grant", "error_description": "PKCE verifier"}']
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        if path == "/oauth2/authorize":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            self.authorize_queries.append(query)

            def remember(status, headers, exc_info=None):
                for name, value in headers:
                    if name.lower() == "location":
                        code = parse_qs(urlsplit(value).query).get("code")
                        if code and query.get("code_challenge"):
                            self.challenges[code[0]] = query["code_challenge"]
                return start_response(status, headers, exc_info)

            return self.app(environ, remember)
        return self.app(environ, start_response)


@dataclass
class Provider:
    url: str
    pkce: PkceChecker

    @property
    def issuer(self) -> str:
        return self.url

    def set_user(self, sub: str, claims: dict) -> None:
        httpx.put(f"{self.url}/users/{sub}", json=claims, timeout=10).raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Log `sub` in at the provider (its login form) and return where it sends the browser
        back: the app's callback with `code` and `state`."""
        answer = httpx.post(authorize_url, data={"sub": sub}, timeout=10, follow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["location"]


@contextlib.contextmanager
def running_provider():
    """A provider on a free port of localhost for as long as the block runs."""
    wrapped = PkceChecker(provider_app(require_nonce=True))
    server = werkzeug.serving.make_server("localhost", 0, wrapped, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield Provider(url=f"http://localhost:{server.server_port}", pkce=wrapped)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def callback_path(location: str) -> str:
    """The path and query of the provider's redirect to the app (for the Flask test client)."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def with_query(location: str, **changes: str) -> str:
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.path}?{urlencode(query)}"


def sso_config(provider: Provider, mapping: dict | None = None) -> dict:
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "Testkommunen",
        "OIDC_GROUPS_CLAIM": "groups",
        "OIDC_GROUP_MAPPING": mapping if mapping is not None else DEFAULT_MAPPING,
    }


DEFAULT_MAPPING = {
    "grp-admin": {"roles": ["admin"]},
    "grp-office": {"roles": ["portfolio_office"]},
    "grp-viewer": {"roles": ["viewer"]},
}
