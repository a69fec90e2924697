"""Hostile and awkward API input gets a 4xx with a Swedish message, never a 500; filters work
with query-string ids; every updatable resource (cost lines too) needs its version."""

from __future__ import annotations

import pytest

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.api_support import ApiClient, build_world, token_for
from tests.factories import area_id, make_initiative, unit_id


@pytest.fixture
def world(app, make_user):
    office_id = make_user("portfolio_office")[0]
    ids = build_world(app, office_id)
    return ids, ApiClient(app.test_client(), token_for(app, office_id))


def test_list_filters_take_ids_from_the_query_string(app, world):
    w, api = world
    with app.app_context():
        service, sbf, kfn = area_id("service"), unit_id("SBF"), unit_id("KFN")
    by_area = api.get(f"/api/v1/initiatives?area={service}").get_json()
    assert [i["id"] for i in by_area["items"]] == [w["ini"]]
    by_committee = api.get(f"/api/v1/initiatives?unit={kfn}").get_json()     # KFN covers KFF
    assert [i["id"] for i in by_committee["items"]] == [w["other"]]
    assert api.get(f"/api/v1/initiatives?unit={sbf}&phase=ide&sort=title").get_json()["total"] == 1
    assert api.get("/api/v1/initiatives?area=abc").status_code == 422
    assert api.get("/api/v1/initiatives?colour=red").status_code == 422
    with app.app_context():
        ks = unit_id("KS")
    plans = api.get(f"/api/v1/plans?committee={ks}&per_page=10").get_json()
    assert plans["total"] == 1 and plans["items"][0]["title"] == "Digitaliseringsplan KS"
    assert api.get("/api/v1/audits?page=1").get_json()["total"] == 1
    assert api.get(f"/api/v1/dashboards/portfoljoversikt?committee={kfn}&year=2025").status_code == 200
    zero = api.get("/api/v1/dashboards/portfoljoversikt?year=0")
    assert zero.status_code == 422 and "year" in zero.get_json()["errors"]["query"]


def test_patch_with_an_incomplete_funding_line_is_422(world):
    w, api = world
    url = f"/api/v1/initiatives/{w['ini']}"
    for body in ({"funding": [{"year": 2025}]}, {"staffing": [{"fte": "1"}]}):
        r = api.patch(url, json=body, headers={"If-Match": api.get(url).headers["ETag"]})
        assert r.status_code == 422, (body, r.get_json())


@pytest.mark.parametrize("raw, status", [
    (b'{"title": "\\ud800", "owning_unit_id": 1, "primary_area_id": 1}', 422),
    (b"[" * 100000, 400),
    (b'{"title": ' + b"1" * 5000 + b"}", 400),
    (b'{"title": "x"', 400),
])
def test_hostile_json_is_4xx(world, raw, status):
    _w, api = world
    r = api.client.post("/api/v1/initiatives", data=raw, content_type="application/json",
                        headers={"Authorization": f"Bearer {api.token}"})
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    assert api.get("/api/v1/initiatives").get_json()["total"] == 2


def test_a_body_that_is_not_json_is_415(world):
    _w, api = world
    r = api.client.post("/api/v1/initiatives", data="title=x", content_type="application/x-www-form-urlencoded",
                        headers={"Authorization": f"Bearer {api.token}"})
    assert r.status_code == 415


def test_range_errors_are_in_swedish(world):
    w, api = world
    r = api.get("/api/v1/initiatives?page=0")
    assert r.status_code == 422 and r.get_json()["errors"]["query"]["page"] == ["Ange ett värde från 1 till 100000."]


def test_if_match_and_version_field_must_agree(world):
    w, api = world
    url = f"/api/v1/initiatives/{w['ini']}"
    r = api.patch(url, json={"title": "X", "version": 7}, headers={"If-Match": '"1"'})
    assert r.status_code == 422 and "version" in r.get_json()["errors"]["json"]


def test_cost_lines_carry_a_version(world):
    w, api = world
    url = f"/api/v1/initiatives/{w['ini']}/benefit-case/cost-lines/{w['line']}"
    body = {"category": "utveckling", "first_year": 2025, "amount": "1"}
    assert api.put(url, json=body).status_code == 428
    ok = api.put(url, json=body | {"version": 1})
    assert ok.status_code == 200 and ok.get_json()["version"] == 2 and ok.headers["ETag"] == '"2"'
    assert api.put(url, json=body | {"version": 1}).status_code == 409
    assert api.delete(url).status_code == 428
    assert api.delete(url, headers={"If-Match": '"1"'}).status_code == 412
    assert api.delete(url, headers={"If-Match": '"2"'}).status_code == 204


def test_racing_saves_of_a_risk_never_lose_an_update(app, world, make_user):
    import threading

    w, office = world
    editor = ApiClient(app.test_client(), token_for(app, make_user("editor", units=["SBF"])[0]))
    url = f"/api/v1/initiatives/{w['ini']}/risks/{w['risk']}"
    barrier, results = threading.Barrier(2), {}

    def save(name, client, body):
        barrier.wait()
        results[name] = client.patch(url, json=body | {"version": 1}).status_code

    threads = [threading.Thread(target=save, args=("A", office, {"mitigation": "A"})),
               threading.Thread(target=save, args=("B", editor, {"owner": "B"}))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == [200, 409], results
    stored = office.get(url).get_json()
    winner = "A" if results["A"] == 200 else "B"
    assert stored["version"] == 2
    assert (stored["mitigation"], stored["owner"]) == (("A", None) if winner == "A" else (None, "B"))


def test_goals_of_replaced_plans_cannot_be_linked(app, world):
    from portfolio.plans.models import CommitteePlan

    w, api = world
    with app.app_context():
        db.session.get(CommitteePlan, w["plan"]).status = "ersatt"
        db.session.commit()
    r = api.put(f"/api/v1/initiatives/{w['ini']}/plan-goals/{w['goal']}")
    assert r.status_code == 422


def test_profile_is_not_cached_and_huge_token_ids_are_404(client, login_as):
    login_as("viewer")
    assert client.get("/profile").headers["Cache-Control"] == "no-store"
    assert client.post("/profile/tokens/99999999999999999999/revoke").status_code == 404


def test_archived_initiatives_are_read_only_through_the_api(app, world):
    w, api = world
    url = f"/api/v1/initiatives/{w['ini']}"
    assert api.post(f"{url}/archive", json={"archived": True, "reason": "Klar", "version": 1}).status_code == 200
    assert api.patch(url, json={"title": "X", "version": 2}).status_code == 403
    assert api.post(f"{url}/risks", json={"title": "R", "category": "verksamhet", "probability": 1,
                                          "consequence": 1}).status_code == 403


def test_duplicate_reference_is_422(app, world, make_user):
    w, api = world
    with app.app_context():
        ref = make_initiative(db.session.get(User, make_user("portfolio_office")[0]), ref="EGEN-1").ref
        sbf, service = unit_id("SBF"), area_id("service")
    r = api.post("/api/v1/initiatives", json={"title": "T", "owning_unit_id": sbf, "primary_area_id": service,
                                              "ref": ref})
    assert r.status_code == 422 and "ref" in r.get_json()["errors"]["json"]
