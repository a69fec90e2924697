"""The REST API under /api/v1 (flask-smorest, marshmallow schemas, Bearer tokens)."""

from __future__ import annotations


def init_api(app) -> None:
    from portfolio.api.setup import init_api as _init

    _init(app)
