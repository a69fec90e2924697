"""Fixtures for the integration tests (the API's token clients)."""

from tests.api_support import api_as  # noqa: F401
