"""Helpers for API tests: a user with a token, and a client that sends it."""

from __future__ import annotations

import pytest

from portfolio.auth.models import User
from portfolio.auth.tokens import create_token
from portfolio.extensions import db


def token_for(app, user_id: int, name: str = "test") -> str:
    with app.app_context():
        return create_token(db.session.get(User, user_id), name).secret


class ApiClient:
    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def _headers(self, headers=None):
        out = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return out | (headers or {})

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def api_as(app, make_user):
    """api_as("editor", units=["SBF"]) → (ApiClient with a fresh token, user id)."""
    def make(*roles, areas=(), units=()):
        user_id, _email = make_user(*roles, areas=areas, units=units)
        return ApiClient(app.test_client(), token_for(app, user_id)), user_id
    return make
