"""Issue #15: security headers on every response (pages, API, errors, static files)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/login", "/", "/initiatives/", "/api/v1/initiatives", "/healthz",
                                  "/static/js/forms.js", "/does-not-exist"])
def test_every_response_carries_the_headers(client, login_as, path):
    login_as("viewer")
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers      # plain HTTP


def test_hsts_over_https_only_and_configurable(app, client):
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    app.config["HSTS_SECONDS"] = 0
    try:
        assert "Strict-Transport-Security" not in client.get("/login", base_url="https://localhost").headers
    finally:
        app.config.pop("HSTS_SECONDS")
