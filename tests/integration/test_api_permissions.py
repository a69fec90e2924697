"""Every API endpoint × role: the same permissions as the web interface, checked on the server.
Denied writes are 403 and change nothing; reads need a valid, unrevoked token."""

from __future__ import annotations

import pytest

from portfolio.auth.models import User
from portfolio.auth.tokens import revoke_token
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from tests.api_support import ApiClient, build_world, token_for
from tests.factories import area_id, unit_id

ALL = "all"
INITIATIVE_WRITERS = {"portfolio_office", "admin", "editor:SBF", "programme_manager:service"}
RESPONSE_WRITERS = {"portfolio_office", "admin", "editor:SBF"}   # the response is SBN's; SBF answers to SBN
ROLES = ["portfolio_office", "admin", "editor:SBF", "programme_manager:service", "editor:KFF",
         "programme_manager:valfard", "viewer"]


def _user(make_user, role: str) -> int:
    name, _, scope = role.partition(":")
    if name == "editor":
        return make_user(name, units=[scope])[0]
    if name == "programme_manager":
        return make_user(name, areas=[scope])[0]
    return make_user(name)[0]


def write_ops(w: dict, app) -> list[tuple]:
    """(name, method, url, body, url whose ETag is sent as If-Match or None, who may)."""
    ini = f"/api/v1/initiatives/{w['ini']}"
    with app.app_context():
        sbf, service = unit_id("SBF"), area_id("service")
    return [
        ("patch initiative", "PATCH", ini, {"description": "Ändrad"}, ini, INITIATIVE_WRITERS),
        ("put initiative", "PUT", ini, {"title": "Bygglov", "owning_unit_id": sbf, "primary_area_id": service},
         ini, INITIATIVE_WRITERS),
        ("put needs", "PUT", f"{ini}/needs-analysis", {"problem": "Nytt"}, f"{ini}/needs-analysis",
         INITIATIVE_WRITERS),
        ("post risk", "POST", f"{ini}/risks", {"title": "Ny", "category": "verksamhet", "probability": 1,
                                              "consequence": 1}, None, INITIATIVE_WRITERS),
        ("patch risk", "PATCH", f"{ini}/risks/{w['risk']}", {"probability": 2}, f"{ini}/risks/{w['risk']}",
         INITIATIVE_WRITERS),
        ("put case", "PUT", f"{ini}/benefit-case", {"start_year": 2025, "horizon": 6, "discount_rate": "0.03",
                                                   "hourly_cost": "500"}, f"{ini}/benefit-case", INITIATIVE_WRITERS),
        ("post cost line", "POST", f"{ini}/benefit-case/cost-lines", {"category": "licens", "first_year": 2025,
                                                                      "amount": "1000"}, None, INITIATIVE_WRITERS),
        ("put cost line", "PUT", f"{ini}/benefit-case/cost-lines/{w['line']}",
         {"category": "utveckling", "first_year": 2026, "amount": "2000"},
         f"{ini}/benefit-case/cost-lines/{w['line']}", INITIATIVE_WRITERS),
        ("post benefit", "POST", f"{ini}/benefits", {"title": "Nöjdare", "kind": "kvalitativ",
                                                    "beneficiary": "invanare", "indicator": "NKI"},
         None, INITIATIVE_WRITERS),
        ("patch benefit", "PATCH", f"{ini}/benefits/{w['benefit']}", {"owner": "Anna"},
         f"{ini}/benefits/{w['benefit']}", INITIATIVE_WRITERS),
        ("post measurement", "POST", f"{ini}/benefits/{w['benefit']}/measurements",
         {"measured_on": "2025-06-01", "value": "120"}, None, INITIATIVE_WRITERS),
        ("post follow-up", "POST", f"{ini}/follow-ups", {"year": 2025, "period": "helar", "status": "gron",
                                                        "progress": 50}, None, INITIATIVE_WRITERS),
        ("patch follow-up", "PATCH", f"{ini}/follow-ups/{w['followup']}", {"progress": 20},
         f"{ini}/follow-ups/{w['followup']}", INITIATIVE_WRITERS),
        ("link goal", "PUT", f"{ini}/plan-goals/{w['goal']}", None, None, INITIATIVE_WRITERS),
        ("unlink goal", "DELETE", f"{ini}/plan-goals/{w['goal']}", None, None, INITIATIVE_WRITERS),
        ("delete cost line", "DELETE", f"{ini}/benefit-case/cost-lines/{w['line']}", None,
         f"{ini}/benefit-case/cost-lines/{w['line']}", INITIATIVE_WRITERS),
        ("patch response", "PATCH", f"/api/v1/responses/{w['response']}", {"status": "pagar"},
         f"/api/v1/responses/{w['response']}", RESPONSE_WRITERS),
        ("phase", "POST", f"{ini}/phase", {"phase": "behovsanalys"}, ini, INITIATIVE_WRITERS),
        ("archive", "POST", f"{ini}/archive", {"archived": True, "reason": "Test"}, ini, INITIATIVE_WRITERS),
    ]


def read_urls(w: dict) -> list[str]:
    ini = f"/api/v1/initiatives/{w['ini']}"
    return ["/api/v1/areas", "/api/v1/units", "/api/v1/committees", "/api/v1/principles",
            "/api/v1/funding-sources", "/api/v1/initiatives", ini, f"{ini}/needs-analysis", f"{ini}/risks",
            f"{ini}/risks/{w['risk']}", f"{ini}/benefit-case", f"{ini}/benefit-case/cost-lines/{w['line']}",
            f"{ini}/benefits", f"{ini}/benefits/{w['benefit']}",
            f"{ini}/benefits/{w['benefit']}/measurements", f"{ini}/follow-ups",
            f"{ini}/follow-ups/{w['followup']}", f"{ini}/decisions", f"{ini}/plan-goals", "/api/v1/plans",
            f"/api/v1/plans/{w['plan']}", "/api/v1/audits", f"/api/v1/audits/{w['audit']}",
            f"/api/v1/responses/{w['response']}", "/api/v1/dashboards", "/api/v1/dashboards/portfoljoversikt"]


def _log_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(ChangeLogEntry))


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_role(app, make_user, role):
    office_id = make_user("portfolio_office")[0]
    world = build_world(app, office_id)
    user_id = _user(make_user, role)
    api = ApiClient(app.test_client(), token_for(app, user_id))
    anonymous = ApiClient(app.test_client(), None)

    for url in read_urls(world):
        assert api.get(url).status_code == 200, (role, url)
        assert anonymous.get(url).status_code == 401, url

    for name, method, url, body, etag_url, allowed in write_ops(world, app):
        headers = {}
        if etag_url:
            headers["If-Match"] = api.get(etag_url).headers["ETag"]
        before = _log_count(app)
        response = api.client.open(url, method=method, json=body,
                                   headers={"Authorization": f"Bearer {api.token}"} | headers)
        assert anonymous.client.open(url, method=method, json=body).status_code == 401, name
        if role in allowed:
            assert response.status_code in (200, 201, 204), (role, name, response.get_json())
            assert _log_count(app) > before, (role, name, "change not logged")
        else:
            assert response.status_code == 403, (role, name, response.status_code, response.get_json())
            assert _log_count(app) == before, (role, name, "a denied write changed something")


def test_another_units_resources_by_id_are_not_reachable(app, make_user):
    office_id = make_user("portfolio_office")[0]
    w = build_world(app, office_id)
    kff = ApiClient(app.test_client(), token_for(app, make_user("editor", units=["KFF"])[0]))
    # SBF's risk through KFF's initiative: not found, not editable.
    wrong = f"/api/v1/initiatives/{w['other']}/risks/{w['risk']}"
    assert kff.get(wrong).status_code == 404
    assert kff.patch(wrong, json={"probability": 1, "version": 1}).status_code == 404
    # KFF's own risk: editable.
    own = f"/api/v1/initiatives/{w['other']}/risks/{w['other_risk']}"
    assert kff.patch(own, json={"probability": 1, "version": 1}).status_code == 200
    # SBF's initiative directly: readable, not editable.
    assert kff.patch(f"/api/v1/initiatives/{w['ini']}", json={"title": "X", "version": 1}).status_code == 403


def test_revoked_and_unknown_tokens_and_inactive_users_are_refused(app, make_user):
    user_id = make_user("portfolio_office")[0]
    token = token_for(app, user_id)
    api = ApiClient(app.test_client(), token)
    assert api.get("/api/v1/initiatives").status_code == 200
    with app.app_context():
        from portfolio.auth.models import ApiToken

        token_row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user_id))
        assert token_row.last_used_at is not None
        assert token not in (token_row.token_hash, token_row.prefix)   # only a hash is stored
        revoke_token(db.session.get(User, user_id), token_row.id)
    refused = api.get("/api/v1/initiatives")
    assert refused.status_code == 401 and "återkallad" in refused.get_json()["message"]
    assert ApiClient(app.test_client(), token + "x").get("/api/v1/areas").status_code == 401
    assert ApiClient(app.test_client(), "pft_" + "a" * 43).get("/api/v1/areas").status_code == 401
    other = token_for(app, user_id, "andra")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert ApiClient(app.test_client(), other).get("/api/v1/areas").status_code == 401
    # A session cookie is not enough for the API (no CSRF exposure).
    assert app.test_client().get("/api/v1/areas", headers={"Authorization": "Basic eDp5"}).status_code == 401
