"""Two clients read the same version and both save: exactly one wins, the other gets the
conflict with the current state, and the stored data is the winner's. Run sequentially and with
real threads racing on the database (the UPDATE checks the version, so no lost update)."""

from __future__ import annotations

import threading

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from tests.api_support import ApiClient, token_for
from tests.factories import make_initiative


def _setup(app, make_user):
    office_id = make_user("portfolio_office")[0]
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), title="Gemensam titel").id
    first = ApiClient(app.test_client(), token_for(app, office_id, "a"))
    second = ApiClient(app.test_client(), token_for(app, make_user("editor", units=["SBF"])[0], "b"))
    return ini, first, second


def test_two_clients_read_then_update_one_wins(app, make_user):
    ini, first, second = _setup(app, make_user)
    url = f"/api/v1/initiatives/{ini}"
    etag_a = first.get(url).headers["ETag"]
    etag_b = second.get(url).headers["ETag"]
    assert etag_a == etag_b == '"1"'
    won = first.patch(url, json={"title": "Klient A"}, headers={"If-Match": etag_a})
    lost = second.patch(url, json={"title": "Klient B"}, headers={"If-Match": etag_b})
    assert won.status_code == 200 and lost.status_code == 412
    assert lost.get_json()["current"]["title"] == "Klient A"
    assert lost.get_json()["current"]["version"] == 2
    assert first.get(url).get_json()["title"] == "Klient A"
    # The loser can re-read and save on top of the winner.
    retry = second.patch(url, json={"title": "Klient B"}, headers={"If-Match": lost.headers.get("ETag") or '"2"'})
    assert retry.status_code == 200 and retry.get_json()["version"] == 3


def test_racing_threads_never_lose_an_update(app, make_user):
    ini, first, second = _setup(app, make_user)
    url = f"/api/v1/initiatives/{ini}"
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(name: str, client: ApiClient):
        barrier.wait()
        response = client.put(url, json={"title": f"Klient {name}", "owning_unit_id": body["owning_unit_id"],
                                         "primary_area_id": body["primary_area_id"], "version": 1})
        results[name] = (response.status_code, response.get_json())

    body = first.get(url).get_json()
    threads = [threading.Thread(target=save, args=(n, c)) for n, c in (("A", first), ("B", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    statuses = sorted(code for code, _ in results.values())
    assert statuses == [200, 409], results
    winner = next(name for name, (code, _) in results.items() if code == 200)
    with app.app_context():
        stored = db.session.get(Initiative, ini)
        assert stored.title == f"Klient {winner}" and stored.version == 2


def test_a_conflict_says_what_the_other_save_changed(app, make_user):
    from tests.api_support import build_world

    office_id = make_user("portfolio_office")[0]
    w = build_world(app, office_id)
    office = ApiClient(app.test_client(), token_for(app, office_id))
    editor = ApiClient(app.test_client(), token_for(app, make_user("editor", units=["SBF"])[0]))
    url = f"/api/v1/initiatives/{w['ini']}/risks/{w['risk']}"
    assert office.patch(url, json={"mitigation": "Vite i avtalet", "version": 1}).status_code == 200
    lost = editor.patch(url, json={"probability": 1, "version": 1})
    assert lost.status_code == 409
    body = lost.get_json()
    assert body["current"]["mitigation"] == "Vite i avtalet" and body["current"]["probability"] == 3
    assert [c["field"] for c in body["changes"]] == ["mitigation"]
    assert body["changes"][0]["new"] == "Vite i avtalet"
