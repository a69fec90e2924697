"""Every role × action on the register, checked on the server (403 and nothing changed)."""

from __future__ import annotations

import pytest

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from tests.conftest import login
from tests.factories import area_id, make_initiative, unit_id


@pytest.fixture
def office(app, make_user):
    user_id, _ = make_user("portfolio_office")
    return user_id


@pytest.fixture
def sbf_initiative(app, office):
    """Owned by stadsbyggnadsförvaltningen, primary area 'stad-landsbygd'."""
    with app.app_context():
        actor = db.session.get(User, office)
        return make_initiative(actor, owning_unit="SBF", primary_area="stad-landsbygd").id


ROLES = {
    "viewer": dict(roles=("viewer",)),
    "editor_own_unit": dict(roles=("editor",), units=("SBF",)),
    "editor_committee": dict(roles=("editor",), units=("SBN",)),  # nämnd covers its förvaltning
    "editor_other_unit": dict(roles=("editor",), units=("KFF",)),
    "pm_own_area": dict(roles=("programme_manager",), areas=("stad-landsbygd",)),
    "pm_other_area": dict(roles=("programme_manager",), areas=("valfard",)),
    "office": dict(roles=("portfolio_office",)),
    "admin": dict(roles=("admin",)),
}
MAY_EDIT = {"editor_own_unit", "editor_committee", "pm_own_area", "office", "admin"}


def _login(client, make_user, who):
    spec = ROLES[who]
    _, email = make_user(*spec["roles"], areas=spec.get("areas", ()), units=spec.get("units", ()))
    assert login(client, email).status_code == 302


def _edit_data(app, ini_id, **extra):
    with app.app_context():
        ini = db.session.get(Initiative, ini_id)
        data = {"title": "Ändrad titel", "owning_unit": ini.owning_unit_id,
                "primary_area": ini.primary_area_id, "version": ini.version}
    data.update(extra)
    return data


@pytest.mark.parametrize("who", sorted(ROLES))
def test_everyone_logged_in_reads(client, make_user, sbf_initiative, who):
    _login(client, make_user, who)
    assert client.get("/initiatives/").status_code == 200
    assert client.get(f"/initiatives/{sbf_initiative}").status_code == 200


def test_anonymous_is_sent_to_login(client, sbf_initiative):
    for url in ("/initiatives/", f"/initiatives/{sbf_initiative}", "/initiatives/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/initiatives/{sbf_initiative}/archive").status_code == 302


@pytest.mark.parametrize("who", sorted(ROLES))
def test_edit_by_url(app, client, make_user, sbf_initiative, who):
    _login(client, make_user, who)
    get = client.get(f"/initiatives/{sbf_initiative}/edit")
    post = client.post(f"/initiatives/{sbf_initiative}/edit", data=_edit_data(app, sbf_initiative))
    with app.app_context():
        title = db.session.get(Initiative, sbf_initiative).title
    if who in MAY_EDIT:
        assert get.status_code == 200 and post.status_code == 302
        assert title == "Ändrad titel"
    else:
        assert get.status_code == 403 and post.status_code == 403
        assert title != "Ändrad titel"


@pytest.mark.parametrize("who", sorted(ROLES))
def test_phase_change_and_archive_by_url(app, client, make_user, sbf_initiative, who):
    _login(client, make_user, who)
    phase = client.post(f"/initiatives/{sbf_initiative}/phase",
                        data={"phase": "behovsanalys", "version": 1})
    with app.app_context():
        ini = db.session.get(Initiative, sbf_initiative)
        version = ini.version
        moved = ini.phase == "behovsanalys"
    archive = client.post(f"/initiatives/{sbf_initiative}/archive",
                          data={"reason": "test", "version": version})
    with app.app_context():
        archived = db.session.get(Initiative, sbf_initiative).archived
    if who in MAY_EDIT:
        assert (phase.status_code, archive.status_code) == (302, 302)
        assert moved and archived
    else:
        assert (phase.status_code, archive.status_code) == (403, 403)
        assert not moved and not archived


@pytest.mark.parametrize("who, unit, area, expected", [
    ("viewer", "SBF", "service", 403),
    ("editor_own_unit", "SBF", "service", 302),
    ("editor_own_unit", "KFF", "service", 422),   # another unit's initiative
    ("editor_committee", "SBF", "valfard", 302),
    ("pm_own_area", "KFF", "stad-landsbygd", 302),
    ("pm_own_area", "KFF", "valfard", 422),       # outside their area
    ("office", "VOF", "valfard", 302),
])
def test_create_within_scope_only(app, client, make_user, who, unit, area, expected):
    _login(client, make_user, who)
    with app.app_context():
        data = {"title": "Nytt", "owning_unit": unit_id(unit), "primary_area": area_id(area),
                "phase": "ide"}
    response = client.post("/initiatives/new", data=data)
    assert response.status_code == expected
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count(Initiative.id)))
    assert count == (1 if expected == 302 else 0)


def test_editor_cannot_move_initiative_to_another_unit(app, client, make_user, sbf_initiative):
    _login(client, make_user, "editor_own_unit")
    with app.app_context():
        other = unit_id("KFF")
    response = client.post(f"/initiatives/{sbf_initiative}/edit",
                           data=_edit_data(app, sbf_initiative, owning_unit=other))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Initiative, sbf_initiative).owning_unit.code == "SBF"


def test_only_office_restores_from_archive(app, client, make_user, sbf_initiative):
    _login(client, make_user, "editor_own_unit")
    client.post(f"/initiatives/{sbf_initiative}/archive", data={"reason": "x", "version": 1})
    assert client.post(f"/initiatives/{sbf_initiative}/restore",
                       data={"version": 2}).status_code == 403
    client.post("/logout")
    _login(client, make_user, "office")
    assert client.post(f"/initiatives/{sbf_initiative}/restore",
                       data={"version": 2}).status_code == 302
    with app.app_context():
        assert not db.session.get(Initiative, sbf_initiative).archived
