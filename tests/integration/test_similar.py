"""Similar initiatives across committees (issue #20): the index follows saves, the initiative
page, the suggestions endpoint, the office's marks, the audit dashboard's coordination question,
the stored index shared by processes, `portfolio similar rebuild` and the job."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portfolio.auth.models import User
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.ideas import index
from portfolio.ideas.models import SimilarMark
from portfolio.initiatives import services as initiative_services
from portfolio.transactions import transaction
from tests.conftest import login
from tests.factories import initiative_input, make_initiative

BOOKING = dict(title="Digital bokning av idrottshallar",
               description="Föreningar ska kunna boka idrottshallar och lokaler digitalt.")
BOOKING_OTHER = dict(title="E-tjänst för lokalbokning",
                     description="Boka idrottshallar och samlingslokaler digitalt via en e-tjänst.")
UNRELATED = dict(title="Sensorer på livbojar", description="Larm när en livboj försvinner från badplatsen.")


@pytest.fixture
def world(app, make_user):
    office_id, office_email = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        with transaction():
            a = make_initiative(office, owning_unit="KFF", phase="behovsanalys", **BOOKING)
            b = make_initiative(office, owning_unit="SEF", phase="behovsanalys", **BOOKING_OTHER)
            c = make_initiative(office, owning_unit="SBF", **UNRELATED)
        ids = {"a": a.id, "b": b.id, "c": c.id, "a_ref": a.ref, "b_ref": b.ref}
    client = app.test_client()
    assert login(client, office_email).status_code == 302
    return ids | {"office_id": office_id, "client": client}


def test_the_initiative_page_shows_similar_ones_with_committee_and_phase(world):
    page = world["client"].get(f"/initiatives/{world['a']}").get_data(as_text=True)
    section = page[page.index('id="similar-initiatives"'):]
    section = section[:section.index("</section>")]
    assert world["b_ref"] in section and "Servicenämnden" in section and "Behovsanalys" in section
    assert "Sensorer på livbojar" not in section


def test_a_saved_change_is_found_at_once(app, world):
    client = world["client"]
    assert "Sensorer på livbojar" not in client.get(f"/initiatives/{world['a']}").get_data(as_text=True)
    with app.app_context():
        office = db.session.get(User, world["office_id"])
        ini = db.session.get(initiative_services.Initiative, world["c"])
        with transaction():
            initiative_services.update_initiative(
                ini, initiative_input(owning_unit="SBF", title="Bokning av idrottshallar för föreningar",
                                      description="Föreningar bokar idrottshallar och lokaler digitalt."),
                office, expected_version=ini.version)
    page = client.get(f"/initiatives/{world['a']}").get_data(as_text=True)
    section = page[page.index('id="similar-initiatives"'):]
    assert "Bokning av idrottshallar för föreningar" in section[:section.index("</section>")]


def test_suggestions_endpoint_while_writing(world):
    client = world["client"]
    found = client.get("/ideas/similar.json", query_string={
        "title": "Boka idrottshall", "text": "Föreningar vill boka idrottshallar digitalt"}).get_json()
    assert found["ready"] is True
    assert {item["ref"] for item in found["items"]} >= {world["a_ref"], world["b_ref"]}
    item = next(i for i in found["items"] if i["ref"] == world["b_ref"])
    assert item["committee"] == "Servicenämnden" and item["phase"] == "Behovsanalys"
    assert item["url"] == f"/initiatives/{world['b']}"
    excluded = client.get("/ideas/similar.json", query_string={
        "title": "Boka idrottshall", "text": "Föreningar vill boka idrottshallar digitalt",
        "exclude": world["a"]}).get_json()
    assert world["a_ref"] not in {i["ref"] for i in excluded["items"]}
    assert client.get("/ideas/similar.json?title=ab&text=x").get_json() == {"items": [], "ready": False}


def test_initiative_form_without_javascript_shows_suggestions_after_a_refused_save(app, world):
    from tests.factories import area_id

    with app.app_context():
        area = str(area_id("service"))
    response = world["client"].post("/initiatives/new", data={
        "title": "Boka idrottshallar", "description": "Föreningar bokar idrottshallar digitalt.",
        "owning_unit": "-1", "primary_area": area, "phase": "ide"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    region = page[page.index('id="similar-suggest"'):]
    assert world["a_ref"] in region
    assert 'src="/static/js/similar.js"' in page and "<script>" not in page


def test_idea_preview_without_javascript(app, world):
    from tests.factories import unit_id

    with app.app_context():
        unit = str(unit_id("KFF"))
    response = world["client"].post("/ideas/new", data={
        "title": "Boka idrottshallar", "need": "Föreningar vill boka idrottshallar digitalt.",
        "unit": unit, "action": "preview"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert world["a_ref"] in page[page.index('id="similar-suggest"'):]
    with app.app_context():
        from portfolio.ideas.models import Idea

        assert db.session.scalar(select(db.func.count(Idea.id))) == 0


def test_not_similar_stops_a_pair_and_related_links_it(app, world):
    client = world["client"]
    a, b = f"initiative:{world['a']}", f"initiative:{world['b']}"
    response = client.post("/ideas/similar/mark", data={"key_a": a, "key_b": b, "kind": "inte_liknande",
                                                        "next": f"/initiatives/{world['a']}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/initiatives/{world['a']}")
    for page_of, other in ((world["a"], world["b_ref"]), (world["b"], world["a_ref"])):
        page = client.get(f"/initiatives/{page_of}").get_data(as_text=True)
        section = page[page.index('id="similar-initiatives"'):]
        assert other not in section[:section.index("</section>")]
    client.post("/ideas/similar/mark", data={"key_a": b, "key_b": a, "kind": "relaterade"})
    page = client.get(f"/initiatives/{world['a']}").get_data(as_text=True)
    section = page[page.index('id="similar-initiatives"'):]
    assert world["b_ref"] in section and "länkat som relaterat" in section
    with app.app_context():
        marks = db.session.scalars(select(SimilarMark)).all()
        assert len(marks) == 1 and marks[0].kind == "relaterade" and marks[0].key_a < marks[0].key_b
        logged = db.session.scalars(select(ChangeLogEntry.action).where(
            ChangeLogEntry.entity_type == "similar_mark")).all()
        assert logged.count("mark") >= 2
    client.post("/ideas/similar/mark", data={"key_a": a, "key_b": b, "kind": "ta_bort"})
    with app.app_context():
        assert db.session.scalar(select(db.func.count(SimilarMark.id))) == 0
    bad = client.post("/ideas/similar/mark", data={"key_a": a, "key_b": "initiative:999999", "kind": "relaterade"})
    assert bad.status_code == 400


def test_the_audit_dashboard_lists_similar_pairs_across_committees(app, world):
    from datetime import date

    from portfolio.dashboards.contract import Filters
    from portfolio.dashboards.data import DashboardReader

    def reader():
        return DashboardReader(Filters(year=2026), 12, date(2026, 11, 27))

    with app.test_request_context():
        rows = reader().possible_duplicates()
        refs = [r[1] for r in rows]
        assert f"{world['a_ref']}, {world['b_ref']}" in refs
        row = rows[refs.index(f"{world['a_ref']}, {world['b_ref']}")]
        assert "Kultur- och fritidsnämnden" in row[2] and "Servicenämnden" in row[2]
        office = db.session.get(User, world["office_id"])
        from portfolio.ideas import services

        with transaction():
            services.mark_pair(f"initiative:{world['a']}", f"initiative:{world['b']}", "inte_liknande", office)
        assert reader().possible_duplicates() == ()


def test_the_stored_index_is_shared_and_kept_up_to_date(app, world, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SIMILAR_INDEX_STORED", True)
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path))
    with app.app_context():
        index.forget(app)
        result = index.rebuild()
        assert result["documents"] == 3
        assert (tmp_path / "similar" / "index.npz").exists()
        index.forget(app)                    # another process: loads the stored file
        found = index.similar_for_text("boka idrottshallar för föreningar")
        assert {m.key for m in found} >= {f"initiative:{world['a']}", f"initiative:{world['b']}"}
        state = app.extensions[index.EXTENSION_KEY]
        assert state.file_stamp is not None and state.watermark is not None
        office = db.session.get(User, world["office_id"])
        with transaction():
            new = make_initiative(office, owning_unit="VOF", title="Bokningssystem för idrottshallar",
                                  description="Boka idrottshallar digitalt för föreningar.")
        state.seen_change = index._changes.sequence   # as if saved by another process: by updated_at
        found = index.similar_for_text("boka idrottshallar för föreningar")
        assert f"initiative:{new.id}" in {m.key for m in found}
        db.session.rollback()
    index.forget(app)


def test_cli_rebuild_and_the_job(app, world):
    from portfolio.ideas.jobs import REBUILD
    from portfolio.jobs.engine import jobs
    from portfolio.jobs.models import DONE

    runner = app.test_cli_runner()
    result = runner.invoke(args=["similar", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Klart: 3 dokument" in result.output
    background = runner.invoke(args=["similar", "rebuild", "--background"])
    assert background.exit_code == 0 and "Klart: 3 dokument." in background.output, background.output
    with app.app_context():
        record = jobs().enqueue(REBUILD)
        db.session.expire_all()
        assert db.session.get(type(record), record.id).status == DONE
        assert (db.session.get(type(record), record.id).result or {})["documents"] == 3


def test_threshold_comes_from_the_programme_file(app):
    with app.app_context():
        assert index.threshold() == pytest.approx(0.25)


def test_the_rebuild_job_runs_on_the_queue(app, world, queued_app, tmp_path):
    """With Redis a worker runs `similar.rebuild`, writing the stored index the web processes load."""
    from portfolio.ideas.jobs import REBUILD
    from portfolio.jobs.engine import jobs
    from portfolio.jobs.models import DONE, BackgroundJob
    from tests.conftest import run_queue

    queued_app.config.update(SIMILAR_INDEX_STORED=True, FILES_DIR=str(tmp_path))
    with queued_app.app_context():
        record_id = jobs().enqueue(REBUILD).id
        db.session.remove()
    run_queue(queued_app)
    with queued_app.app_context():
        record = db.session.get(BackgroundJob, record_id)
        assert record.status == DONE and record.result["documents"] == 3
        db.session.remove()
    assert (tmp_path / "similar" / "index.npz").exists()
