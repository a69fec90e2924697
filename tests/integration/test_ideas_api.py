"""The API's ideas and similar initiatives (portfolio/ideas/api.py), on an app with that
blueprint registered the way portfolio.api registers its own (see /tmp/request_ideas.md until
the lead wires it in): permissions as on the web, 201/404/422 answers, the OpenAPI document,
and a short schemathesis run over these operations."""

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

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.transactions import transaction
from tests.api_support import ApiClient, token_for
from tests.conftest import TEST_SETTINGS
from tests.factories import make_initiative, unit_id


def _with_ideas():
    import portfolio.api.resources as resources
    from portfolio.api.resources import ideas as ideas_api

    original = resources.BLUEPRINTS
    if any(b is ideas_api.blp for b in original()):
        return original, original          # already wired in by the lead
    return original, lambda: [*original(), ideas_api.blp]


def make_api_app(database_url: str | None):
    import portfolio.api.resources as resources
    from portfolio.app import create_app

    original, patched = _with_ideas()
    resources.BLUEPRINTS = patched
    try:
        return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url or "sqlite://"})
    finally:
        resources.BLUEPRINTS = original


@pytest.fixture(scope="module")
def api_app(app, database_url):
    return make_api_app(database_url)


@pytest.fixture
def people(api_app, make_user):
    ids = {}
    for name, roles, units in (("office", ("portfolio_office",), ()), ("editor", ("editor",), ("KFF",)),
                               ("other", ("editor",), ("SBF",))):
        ids[name] = make_user(*roles, units=units)[0]
    clients = {name: ApiClient(api_app.test_client(), token_for(api_app, i, name)) for name, i in ids.items()}
    return ids, clients


def test_submit_list_and_see_only_your_own(api_app, people):
    ids, c = people
    with api_app.app_context():
        kff = unit_id("KFF")
    created = c["editor"].post("/api/v1/ideas", json={
        "title": "Boka idrottshallar digitalt", "need": "Föreningar ringer för att boka.", "unit_id": kff})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "ny" and body["need_score"] is None and created.headers["ETag"] == '"1"'
    idea_id = body["id"]
    assert [i["id"] for i in c["editor"].get("/api/v1/ideas").get_json()] == [idea_id]
    assert c["other"].get("/api/v1/ideas").get_json() == []
    assert c["other"].get(f"/api/v1/ideas/{idea_id}").status_code == 404
    assert c["office"].get(f"/api/v1/ideas/{idea_id}").status_code == 200
    assert [i["id"] for i in c["office"].get("/api/v1/ideas?status=oppna").get_json()] == [idea_id]
    bad = c["editor"].post("/api/v1/ideas", json={"title": "", "need": "x", "unit_id": 999999})
    assert bad.status_code == 422
    assert "unit_id" in bad.get_json()["errors"]["json"]
    assert c["editor"].get("/api/v1/ideas?status=nonsense").status_code == 422


def test_similar_initiatives_of_an_initiative(api_app, people):
    ids, c = people
    with api_app.app_context():
        office = db.session.get(User, ids["office"])
        with transaction():
            a = make_initiative(office, owning_unit="KFF", title="Digital bokning av idrottshallar",
                                description="Föreningar bokar idrottshallar digitalt.")
            b = make_initiative(office, owning_unit="SEF", title="Bokning av idrottshallar på webben",
                                description="Boka idrottshallar och lokaler digitalt.")
        a_id, b_ref = a.id, b.ref
    found = c["editor"].get(f"/api/v1/initiatives/{a_id}/similar")
    assert found.status_code == 200
    items = found.get_json()
    assert items and items[0]["ref"] == b_ref and items[0]["committee"] == "Servicenämnden"
    assert 0 < items[0]["score"] <= 1 and items[0]["related"] is False
    assert c["editor"].get("/api/v1/initiatives/999999/similar").status_code == 404


def test_the_openapi_document_has_them(api_app):
    doc = api_app.test_client().get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/ideas", "/api/v1/ideas/{idea_id}", "/api/v1/initiatives/{initiative_id}/similar"):
        assert path in doc["paths"], sorted(doc["paths"])


def _document() -> dict:
    return make_api_app(None).test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document()).include(
    path_regex=r"^/api/v1/(ideas|initiatives/\{initiative_id\}/similar)")
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def fuzz_token(api_app, make_user):
    office_id = make_user("portfolio_office")[0]
    with api_app.app_context():
        with transaction():
            make_initiative(db.session.get(User, office_id), title="Digital bokning av idrottshallar")
    return token_for(api_app, office_id, "schemathesis")


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_ideas_api_conforms_to_its_openapi_document(api_app, case, fuzz_token):
    case.call_and_validate(
        app=api_app, headers={"Authorization": f"Bearer {fuzz_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                response_schema_conformance])
