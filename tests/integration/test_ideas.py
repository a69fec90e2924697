"""Ideas (issue #20): anyone logged in submits, the project office triages (scores, accept,
merge, ask for more information, decline), every decision is in the change log, and submitters
see only their own ideas until one is accepted."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portfolio.auth.models import User
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.ideas.models import Idea
from portfolio.initiatives.models import Initiative
from portfolio.transactions import transaction
from tests.conftest import login
from tests.factories import area_id, make_initiative, unit_id


def idea_form(app, **overrides):
    with app.app_context():
        data = {"title": "Boka idrottshallar digitalt",
                "need": "Föreningar ringer och mejlar för att boka idrottshallar och samlingslokaler.",
                "who": "Föreningar och bokningshandläggare", "today": "Telefon, mejl och pärmar.",
                "benefit": "Mindre tid för handläggarna.", "unit": str(unit_id("KFF")), "action": "save"}
    data.update(overrides)
    return data


def submit(app, client, **overrides) -> int:
    response = client.post("/ideas/new", data=idea_form(app, **overrides))
    assert response.status_code == 302, response.data[:800]
    return int(re.search(r"/ideas/(\d+)$", response.headers["Location"]).group(1))


def idea(app, idea_id: int) -> Idea:
    with app.app_context():
        found = db.session.get(Idea, idea_id)
        db.session.expunge_all()
        return found


def log_actions(app, idea_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ChangeLogEntry.action).where(
            ChangeLogEntry.entity_type == "idea", ChangeLogEntry.entity_id == idea_id)
            .order_by(ChangeLogEntry.id)).unique())


@pytest.fixture
def office_client(app, make_user):
    _office_id, email = make_user("portfolio_office")
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_anyone_logged_in_submits_and_sees_it_among_their_ideas(app, client, login_as):
    login_as("viewer")
    idea_id = submit(app, client)
    saved = idea(app, idea_id)
    assert saved.status == "ny" and saved.unit_id and saved.version == 1
    assert log_actions(app, idea_id) == ["create"]
    page = client.get("/ideas/").get_data(as_text=True)
    assert "Mina idéer" in page and "Boka idrottshallar digitalt" in page and "Väntar på projektkontoret" in page
    assert "Ta ställning" not in client.get(f"/ideas/{idea_id}").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    assert client.get("/ideas/new").status_code == 302
    assert client.get("/ideas/similar.json?title=abc&text=abcdefghijk").status_code in (302, 401)


def test_every_problem_is_shown_at_once(app, client, login_as):
    login_as("editor", units=["KFF"])
    response = client.post("/ideas/new", data={"title": "", "need": "", "unit": "-1", "action": "save"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-summary"' in page
    for message in ("Ge idén en kort rubrik.", "Beskriv behovet.", "Välj din enhet."):
        assert message in page
    too_long = client.post("/ideas/new", data=idea_form(app, title="x" * 201, need="\x00"))
    assert too_long.status_code == 422
    assert "Högst 200 tecken" in too_long.get_data(as_text=True)


def test_empty_states_say_what_to_do(app, client, login_as, office_client):
    login_as("editor", units=["KFF"])
    assert "Lämna en idé" in client.get("/ideas/").get_data(as_text=True)
    assert "Du har inte lämnat några idéer än" in client.get("/ideas/mine").get_data(as_text=True)
    assert "Inga idéer väntar på projektkontoret" in office_client.get("/ideas/").get_data(as_text=True)


def test_submitters_see_only_their_own_until_accepted(app, client, make_user, office_client):
    _id1, first = make_user("editor", units=["KFF"])
    _id2, second = make_user("editor", units=["SBF"])
    login(client, first)
    idea_id = submit(app, client)
    other = app.test_client()
    login(other, second)
    assert other.get(f"/ideas/{idea_id}").status_code == 404
    assert "Boka idrottshallar" not in other.get("/ideas/").get_data(as_text=True)
    assert other.post(f"/ideas/{idea_id}/edit", data=idea_form(app)).status_code == 404
    with app.app_context():
        target = make_initiative(db.session.get(User, _id1), owning_unit="KFF", title="Lokalbokning")
        db.session.commit()
        target_id = target.id
    response = office_client.post(f"/ideas/{idea_id}/merge", data={"initiative": str(target_id), "version": "1"})
    assert response.status_code == 302
    assert other.get(f"/ideas/{idea_id}").status_code == 200      # merged: shared with everyone


def test_only_the_office_triages(app, client, login_as):
    login_as("editor", units=["KFF"])
    idea_id = submit(app, client)
    for action, data in (("score", {"need_score": "5", "feasibility_score": "4", "version": "1"}),
                         ("decline", {"reason": "Nej", "version": "1"}),
                         ("ask", {"question": "Hur?", "version": "1"}),
                         ("merge", {"initiative": "1", "version": "1"}),
                         ("accept", {"phase": "ide", "owning_unit": "1", "primary_area": "1", "version": "1"})):
        assert client.post(f"/ideas/{idea_id}/{action}", data=data).status_code == 403
    assert client.post("/ideas/similar/mark", data={"key_a": f"idea:{idea_id}", "key_b": "initiative:1",
                                                    "kind": "inte_liknande"}).status_code == 403
    assert idea(app, idea_id).status == "ny"
    assert "Mina idéer" in client.get("/ideas/").get_data(as_text=True)


def test_scores_fill_the_matrix_and_are_logged(app, client, login_as, office_client):
    login_as("editor", units=["KFF"])
    idea_id = submit(app, client)
    response = office_client.post(f"/ideas/{idea_id}/score",
                                   data={"need_score": "5", "feasibility_score": "2", "version": "1"})
    assert response.status_code == 302
    saved = idea(app, idea_id)
    assert (saved.need_score, saved.feasibility_score) == (5, 2)
    assert "score" in log_actions(app, idea_id)
    page = office_client.get("/ideas/").get_data(as_text=True)
    matrix = page[page.index('id="idea-matrix"'):]
    row5 = matrix[matrix.index('<th scope="row">5</th>'):matrix.index('<th scope="row">4</th>')]
    cells = row5.split("<td>")
    assert "Boka idrottshallar digitalt" in cells[2] and "Boka idrottshallar" not in cells[1]
    bad = office_client.post(f"/ideas/{idea_id}/score",
                             data={"need_score": "9", "feasibility_score": "2", "version": "2"})
    assert bad.status_code == 422
    stale = office_client.post(f"/ideas/{idea_id}/score",
                               data={"need_score": "1", "feasibility_score": "1", "version": "1"})
    assert stale.status_code == 409


def test_decline_needs_a_reason_the_submitter_reads(app, client, login_as, office_client):
    login_as("editor", units=["KFF"])
    idea_id = submit(app, client)
    refused = office_client.post(f"/ideas/{idea_id}/decline", data={"reason": "", "version": "1"})
    assert refused.status_code == 422
    assert "Ange varför idén avslås." in refused.get_data(as_text=True)
    assert office_client.post(f"/ideas/{idea_id}/decline",
                              data={"reason": "Finns redan i e-tjänsteplattformen.", "version": "1"}).status_code == 302
    assert idea(app, idea_id).status == "avslagen"
    assert "Finns redan i e-tjänsteplattformen." in client.get("/ideas/mine").get_data(as_text=True)
    assert "Finns redan i e-tjänsteplattformen." in client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert client.get(f"/ideas/{idea_id}/edit").status_code == 403          # decided: no more edits
    again = office_client.post(f"/ideas/{idea_id}/ask", data={"question": "Hur?", "version": "2"})
    assert again.status_code == 422 and "redan avgjord" in again.get_data(as_text=True)
    assert log_actions(app, idea_id) == ["create", "decline"]


def test_asking_for_information_and_the_answer(app, client, login_as, office_client):
    login_as("editor", units=["KFF"])
    idea_id = submit(app, client)
    assert office_client.post(f"/ideas/{idea_id}/ask",
                              data={"question": "Hur många bokningar per år?", "version": "1"}).status_code == 302
    assert idea(app, idea_id).status == "komplettering"
    form_page = client.get(f"/ideas/{idea_id}/edit").get_data(as_text=True)
    assert "Hur många bokningar per år?" in form_page
    answer = idea_form(app, need="Cirka 4 000 bokningar per år via telefon och mejl.", version="2")
    assert client.post(f"/ideas/{idea_id}/edit", data=answer).status_code == 302
    saved = idea(app, idea_id)
    assert saved.status == "ny" and saved.need.startswith("Cirka 4 000")
    assert log_actions(app, idea_id) == ["create", "more_info", "update"]


def test_accept_makes_an_initiative_with_the_text_and_a_link_back(app, client, login_as, office_client):
    login_as("editor", units=["KFF"])
    idea_id = submit(app, client)
    refused = office_client.post(f"/ideas/{idea_id}/accept",
                                 data={"phase": "genomforande", "owning_unit": "-1", "primary_area": "-1",
                                       "version": "1"})
    assert refused.status_code == 422
    with app.app_context():
        unit, area = str(unit_id("KFF")), str(area_id("service"))
    response = office_client.post(f"/ideas/{idea_id}/accept", data={
        "phase": "behovsanalys", "owning_unit": unit, "primary_area": area, "version": "1"})
    assert response.status_code == 302
    saved = idea(app, idea_id)
    assert saved.status == "accepterad" and saved.initiative_id
    with app.app_context():
        ini = db.session.get(Initiative, saved.initiative_id)
        assert ini.phase == "behovsanalys" and ini.title == "Boka idrottshallar digitalt"
        assert "Föreningar ringer" in ini.description and f"Från idé {idea_id}" in ini.description
        accept_rows = db.session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity_type == "idea", ChangeLogEntry.action == "accept")).all()
        assert accept_rows and all(r.initiative_id == ini.id for r in accept_rows)
        ini_id = ini.id
    page = client.get(f"/initiatives/{ini_id}").get_data(as_text=True)
    assert "Idéer som lett hit" in page and f"/ideas/{idea_id}" in page
    outcome = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "Idén har blivit ett initiativ" in outcome and f"/initiatives/{ini_id}" in outcome


def test_the_office_page_lists_and_filters(app, client, login_as, office_client):
    login_as("editor", units=["KFF"])
    first = submit(app, client)
    with app.app_context():
        sbf = unit_id("SBF")
    submit(app, client, title="Sensorer på livbojar", need="Livbojar försvinner och ingen märker det.",
           unit=str(sbf))
    office_client.post(f"/ideas/{first}/decline", data={"reason": "Nej tack.", "version": "1"})
    open_page = office_client.get("/ideas/").get_data(as_text=True)
    assert "Sensorer på livbojar" in open_page and "Boka idrottshallar digitalt" not in open_page
    declined = office_client.get("/ideas/?status=avslagen").get_data(as_text=True)
    assert "Boka idrottshallar digitalt" in declined and "Sensorer på livbojar" not in declined
    by_unit = office_client.get(f"/ideas/?status=alla&unit={sbf}").get_data(as_text=True)
    assert "Sensorer på livbojar" in by_unit and "Boka idrottshallar digitalt" not in by_unit


def test_forms_need_the_csrf_token(app, client, login_as, monkeypatch):
    login_as("editor", units=["KFF"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/ideas/new", data=idea_form(app))
    assert response.status_code in (400, 422)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Idea.id))) == 0


def test_services_refuse_without_permission(app, make_user):
    from portfolio.ideas import services
    from portfolio.validation import PermissionDenied

    editor_id, _email = make_user("editor", units=["KFF"])
    with app.app_context():
        editor = db.session.get(User, editor_id)
        with transaction():
            saved = services.submit_idea(services.IdeaInput(title="A", need="B", unit_id=unit_id("KFF")), editor)
        with pytest.raises(PermissionDenied):
            services.decline_idea(saved, "nej", editor, expected_version=saved.version)
        db.session.rollback()
