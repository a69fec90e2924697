"""Single sign-on with OpenID Connect: the authorization code flow with PKCE, through Authlib.

`start_login` sends the browser to the identity provider with a fresh `state`, `nonce` and PKCE
code verifier (S256), kept in the signed session cookie; `finish_login` takes the provider's
answer, checks the `state`, exchanges the code (with the verifier) and checks the ID token: its
signature against the provider's published keys, the issuer, the audience (this client), the
expiry and the nonce. Anything wrong raises `OidcRefused` (the user is told in Swedish; the
security log gets the reason, never a token). A provider that does not answer raises
`OidcUnavailable`.

Settings (portfolio.settings): OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SCOPES,
OIDC_GROUPS_CLAIM, OIDC_PROVIDER_NAME, OIDC_GROUP_MAPPING, OIDC_TIMEOUT_SECONDS. The client is
made once per app, on first use (nothing is read at import)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App  # type: ignore[import-untyped]
from flask import current_app
from joserfc.errors import JoseError

CLIENT_KEY = "portfolio.oidc_client"
NAME = "oidc"
LEEWAY_SECONDS = 60          # clock skew allowed on exp/iat


class OidcError(Exception):
    """Single sign-on did not log anyone in. `reason` is a short code for the security log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class OidcRefused(OidcError):
    """The provider's answer was not accepted (state, code, token or claims)."""


class OidcUnavailable(OidcError):
    """The provider did not answer (or not sensibly): nothing to do but try again later."""


class OidcMisconfigured(OidcError):
    """The settings are incomplete or inconsistent."""


def oidc_enabled(config=None) -> bool:
    config = config if config is not None else current_app.config
    return bool(config.get("OIDC_ISSUER"))


def provider_name(config=None) -> str:
    config = config if config is not None else current_app.config
    return str(config.get("OIDC_PROVIDER_NAME") or "")


def _issuer(config) -> str:
    return str(config["OIDC_ISSUER"]).rstrip("/")


def _client() -> FlaskOAuth2App:
    app = current_app._get_current_object()   # type: ignore[attr-defined]
    client = app.extensions.get(CLIENT_KEY)
    if client is None:
        config = app.config
        if not config.get("OIDC_CLIENT_ID"):
            raise OidcMisconfigured("no_client_id")
        scopes = str(config.get("OIDC_SCOPES") or "openid")
        if "openid" not in scopes.split():
            scopes = f"openid {scopes}"
        client = FlaskOAuth2App(
            FlaskIntegration(NAME), name=NAME,
            client_id=config["OIDC_CLIENT_ID"], client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=f"{_issuer(config)}/.well-known/openid-configuration",
            client_kwargs={"scope": scopes, "code_challenge_method": "S256",
                           "default_timeout": float(config.get("OIDC_TIMEOUT_SECONDS") or 10)})
        app.extensions[CLIENT_KEY] = client
    return client


def _metadata(client: FlaskOAuth2App) -> dict[str, Any]:
    """The discovery document, checked to be the configured issuer's (OIDC Discovery §4.3)."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise OidcUnavailable("provider_unreachable") from exc
    if str(metadata.get("issuer", "")).rstrip("/") != _issuer(current_app.config):
        client.server_metadata.clear()        # fetch again next time
        raise OidcMisconfigured("issuer_mismatch")
    return metadata


def start_login(redirect_uri: str):
    """A redirect to the provider's authorization endpoint (state, nonce and PKCE are stored in
    the session)."""
    client = _client()
    _metadata(client)
    try:
        return client.authorize_redirect(redirect_uri)
    except requests.RequestException as exc:
        raise OidcUnavailable("provider_unreachable") from exc


@dataclass(frozen=True)
class ProviderIdentity:
    issuer: str
    subject: str
    email: str | None
    name: str | None
    groups: tuple[str, ...]


def finish_login() -> ProviderIdentity:
    """The identity the provider vouches for, after every check (see the module's text)."""
    client = _client()
    metadata = _metadata(client)
    config = current_app.config
    # Authlib checks the signature, the nonce, exp/iat and azp; the issuer and the audience are
    # made essential and exact here (by default it would not check the audience).
    claims_options = {"iss": {"essential": True, "values": [metadata["issuer"]]},
                      "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]},
                      "exp": {"essential": True}}
    try:
        token = client.authorize_access_token(claims_options=claims_options, leeway=LEEWAY_SECONDS)
    except requests.RequestException as exc:
        raise OidcUnavailable("provider_unreachable") from exc
    except OAuthError as exc:
        raise OidcRefused(str(exc.error or "oauth_error")[:40]) from exc
    except JoseError as exc:
        raise OidcRefused(f"id_token_{exc.error}"[:40]) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise OidcRefused("bad_response") from exc
    claims = token.get("userinfo")
    if not claims:                           # no ID token: not an OpenID Connect answer
        raise OidcRefused("no_id_token")
    return identity_from_claims(dict(claims), metadata["issuer"], config)


def identity_from_claims(claims: dict[str, Any], issuer: str, config) -> ProviderIdentity:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise OidcRefused("no_subject")
    email = claims.get("email") or claims.get("preferred_username")
    email = email.strip().lower() if isinstance(email, str) and "@" in email else None
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    raw = claims.get(str(config.get("OIDC_GROUPS_CLAIM") or "groups"))
    if isinstance(raw, str):
        raw = [raw]
    groups = tuple(str(g) for g in raw) if isinstance(raw, list) else ()
    return ProviderIdentity(issuer=issuer.rstrip("/"), subject=subject[:255], email=email,
                            name=(name or "").strip()[:200] or None, groups=groups)


def logout_url(post_logout_redirect_uri: str) -> str | None:
    """The provider's logout (RP-initiated logout) when its discovery document has one; None
    when it has not or the provider does not answer now."""
    if not oidc_enabled():
        return None
    try:
        client = _client()
        metadata = _metadata(client)
        if not metadata.get("end_session_endpoint"):
            return None
        return client.create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri,
                                        client_id=current_app.config["OIDC_CLIENT_ID"])["url"]
    except OidcError:
        return None
