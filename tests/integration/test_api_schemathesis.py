"""Property-based API testing with schemathesis, in-process against the OpenAPI document, with
an office user's token and a database that has one of everything: no 5xx, and every response
conforms to the document (status code, content type and body schema)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_support import build_world, token_for


@pytest.fixture
def api_token(app, make_user):
    office_id = make_user("portfolio_office")[0]
    build_world(app, office_id)
    return token_for(app, office_id, "schemathesis")


def _openapi_document() -> dict:
    """The document as the app serves it (no database is needed to build it)."""
    from portfolio.app import create_app

    spec_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return spec_app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_openapi_document())
# The coverage phase enumerates every boundary of every field (thousands of cases for the long
# text fields); fuzzing with a fixed budget per operation keeps the run to a minute per database.
schema.config.phases.update(phases=["examples", "fuzzing"])


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(app, case, api_token):
    case.call_and_validate(
        app=app, headers={"Authorization": f"Bearer {api_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                response_schema_conformance])
