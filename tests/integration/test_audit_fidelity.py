"""The audit as the source gives it, read year by year as it stood then.

- The demo's audit data against facts written down from the source text
  (tests/unit/test_source_facts.py), through the database and the dashboard reader.
- A status changed in 2024 leaves the 2022 and 2023 reports as they were.
- The audit's committees and questions: stored with the audit, edited by the office, used by
  question 2 and the plan matrix in the audit's year.
- Migration 0009 down and up on SQLite, with its backfill."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from portfolio.audits import services as audits
from portfolio.audits.models import Audit, Recommendation, RecommendationResponse, ResponseAction
from portfolio.auth.models import User
from portfolio.dashboards import runner
from portfolio.dashboards.contract import Filters
from portfolio.dashboards.host import context, plugins
from portfolio.extensions import db
from portfolio.programme.models import OrgUnit
from tests.conftest import login, travel_back, travel_to
from tests.factories import unit_id
from tests.unit import test_source_facts as SRC


def _office(app, make_user):
    """The office user's id and e-mail."""
    return make_user("portfolio_office")


def _counts(year: int) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in context(Filters(year=year)).reader.response_counts():
        totals[row.status] = totals.get(row.status, 0) + row.count
    return totals


def _panels(plugin_id: str, year: int) -> dict:
    result = runner.run(plugins()[plugin_id], context(Filters(year=year)))
    assert not result.failed, result.panels[0].details
    return {p.title: p for p in result.panels}


@pytest.mark.usefixtures("demo_data")
def test_demo_audit_is_the_source_audit_read_as_of_each_year(app, make_user):
    with app.app_context():
        audit = db.session.scalar(db.select(Audit))
        assert (audit.report_date, audit.letter_date, audit.answer_deadline, audit.diarienummer,
                audit.audit_year) == tuple(SRC.AUDIT[k] for k in (
                    "report_date", "letter_date", "answer_deadline", "diarienummer", "audit_year"))
        assert tuple(c.name for c in audit.committees) == SRC.AUDITED
        assert tuple(q.wording for q in audit.questions) == SRC.QUESTIONS
        assert [q.number for q in audit.questions] == list(range(1, 9))
        responses = db.session.scalars(db.select(RecommendationResponse)).all()
        assert len(responses) == sum(len(c) for c in SRC.ADDRESSED.values())
        for r in responses:
            code = r.committee.code
            assert (r.answer_paragraph, r.answer_diarienummer) == SRC.ANSWERS[code]
            assert r.answer_deadline == SRC.EXTENDED_DEADLINES.get(code)
            # The source gives no meeting dates: the demo's are marked, and fall in 2023.
            assert "answer_date" in r.demo and r.answer_date.year == 2023
            first = r.history[0]
            assert first.valid_from == r.answer_date
            assert all(h.is_demo for h in r.history[1:]) and all(h.valid_from.year >= 2023 for h in r.history)
            assert r.deadline >= r.answer_date
        by = {(r.committee.code, r.recommendation.text.split(" ")[0], r.recommendation.text): r for r in responses}
        for committee, start, _quote in SRC.UNDER_WAY:
            r = next(v for (c, _w, text), v in by.items() if c == committee and text.startswith(start))
            assert r.history[0].status in ("pagar", "genomford") and not r.history[0].is_demo, (committee, start)
        # Evidence and done-marks the source does not give are marked as demo.
        assert all("evidence" in r.demo for r in responses if r.evidence)
        for action in db.session.scalars(db.select(ResponseAction)):
            assert not action.done or {"done_on"} <= action.demo
    with app.test_request_context():
        # 2022-12-31: the letter had gone out, no committee had answered yet.
        assert _counts(2022) == {"ej_besvarad": len(responses)}
        assert "ej_besvarad" not in _counts(2023)
        assert _counts(2025) != _counts(2022)
        reader = context(Filters(year=2022)).reader
        plans = {p.committee: p.status for p in reader.plan_states()}
        names = dict(zip(SRC.AUDITED_CODES, SRC.AUDITED, strict=True))
        assert plans == {names[c]: s for c, s in SRC.PLANS_2022.items()}
        q2 = next(p for t, p in _panels("revisionsfragorna", 2022).items() if t.startswith("2. "))
        assert "3 av 7 nämnder har en beslutad plan" in q2.summary
        assert SRC.QUESTIONS[1] in q2.summary
        assert len(context(Filters(year=2024)).reader.plan_states()) == 8   # all committees later
        recs = _panels("planer-och-rekommendationer", 2022)["Revisionens rekommendationer"]
        assert "0 av 28 svar på rekommendationer var lämnade" in recs.summary


def test_a_status_changed_in_2024_leaves_2022_and_2023_as_they_were(app, client, make_user):
    office_id, email = _office(app, make_user)
    with app.app_context():
        office = db.session.get(User, office_id)
        audit = audits.save_audit({"title": "Granskning", "report_date": date(2022, 11, 28),
                                   "letter_date": date(2022, 12, 1), "audit_year": 2022,
                                   "committee_ids": [unit_id("KFN"), unit_id("SOCN")]}, office)
        audits.save_question(audit, {"number": 2, "label": "Planer?", "wording": SRC.QUESTIONS[1]}, office)
        rec = audits.add_recommendation(audit, {"code": "R7", "text": "Upprätta plan",
                                                "committee_ids": [unit_id("KFN")]}, office)
        response = rec.responses[0]
        audits.update_response(response, {"answer_paragraph": "§ 20", "answer_date": date(2023, 3, 23),
                                          "status": "pagar", "status_date": date(2023, 3, 23)},
                               office, expected_version=response.version)
        action = audits.save_action(response, {"text": "Fastställ plan", "due_date": date(2023, 6, 30)}, office)
        # Registered when the letter came and when the committee answered.
        db.session.get(Recommendation, rec.id).created_at = datetime(2022, 12, 1, 9)
        db.session.get(ResponseAction, action.id).created_at = datetime(2023, 3, 23, 9)
        db.session.commit()
        response_id, action_id = response.id, action.id
    login(client, email)

    def report(year: int) -> str:
        html = client.get(f"/reports/ks/{year}").data.decode()
        return re.search(r"Läget \d{4}: [^<]*", html).group(0)

    travel_to(date(2024, 5, 1))
    try:
        with app.test_request_context():
            before = {y: _counts(y) for y in (2022, 2023, 2024)}
        assert before == {2022: {"ej_besvarad": 1}, 2023: {"pagar": 1}, 2024: {"pagar": 1}}
        reports = {y: report(y) for y in (2022, 2023, 2024)}
        assert reports[2022].startswith("Läget 2022: 0 av 1 svar på rekommendationer var lämnade och 0 genomförda; "
                                        "0 åtgärder")
        assert "1 av 1 svar" in reports[2023] and "1 åtgärder var försenade" in reports[2023]

        travel_to(date(2024, 5, 2))
        with app.app_context():
            office = db.session.get(User, office_id)
            response = db.session.get(RecommendationResponse, response_id)
            audits.update_response(response, {"answer_paragraph": "§ 20", "answer_date": date(2023, 3, 23),
                                              "status": "genomford", "evidence": "KFN/2024:18"},
                                   office, expected_version=response.version)
            action = db.session.get(ResponseAction, action_id)
            audits.save_action(response, {"text": action.text, "due_date": action.due_date, "done": True},
                               office, action=action)
            assert db.session.get(ResponseAction, action_id).done_on == date(2024, 5, 2)
            assert [h.valid_from for h in db.session.get(RecommendationResponse, response_id).history] == [
                date(2023, 3, 23), date(2024, 5, 2)]
        with app.test_request_context():
            assert _counts(2022) == before[2022] and _counts(2023) == before[2023]
            assert _counts(2024) == {"genomford": 1}
        assert report(2022) == reports[2022] and report(2023) == reports[2023]
        assert "och 1 genomförda; 0 åtgärder" in report(2024)
        # Question 2 in 2022 is asked of the audit's committees, in the audit's words.
        html = client.get("/reports/ks/2022").data.decode()
        assert "av 2 nämnder har en beslutad plan" in html and SRC.QUESTIONS[1] in html
        assert "av 8 nämnder har en beslutad plan" in client.get("/reports/ks/2023").data.decode()
        # A status cannot be dated before the last change, nor in the future.
        with app.app_context():
            office = db.session.get(User, office_id)
            response = db.session.get(RecommendationResponse, response_id)
            for day in (date(2024, 1, 1), date(2024, 6, 1)):
                with pytest.raises(audits.ServiceValidationError) as err:
                    audits.update_response(response, {"status": "pagar", "status_date": day}, office,
                                           expected_version=response.version)
                assert "status_date" in err.value.errors
    finally:
        travel_back()
    with app.test_request_context():     # read later, 2024 is a past year: its 31 December
        assert _counts(2024) == {"genomford": 1} and _counts(2023) == {"pagar": 1}


def test_office_edits_the_audits_committees_questions_and_a_deadline(app, client, make_user, frozen):
    _office_id, email = _office(app, make_user)
    login(client, email)
    r = client.post("/audits/", data={"title": "Granskning av kommunens digitaliseringsarbete",
                                      "report_date": "2022-11-28", "letter_date": "2022-12-01",
                                      "answer_deadline": "2023-03-20", "audit_year": "2022",
                                      "committee_ids": [unit_id_for(app, c) for c in SRC.AUDITED_CODES]})
    assert r.status_code == 302
    audit_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    page = client.get(f"/audits/{audit_id}").data.decode()
    scope = re.search(r'id="scope">(.*?)</section>', page, re.S).group(1)
    assert all(name in scope for name in SRC.AUDITED) and "Servicenämnden" not in scope
    assert "de 7 nämnder som granskningen omfattar" in scope
    edit = client.get(f"/audits/{audit_id}/edit").data.decode()
    assert len(re.findall(r'<input checked[^>]*name="committee_ids"', edit)) == 7
    assert client.post(f"/audits/{audit_id}/edit", data={
        "title": "Granskning av kommunens digitaliseringsarbete", "audit_year": "1800", "version": "1",
        "committee_ids": [unit_id_for(app, "KS")]}).status_code == 422
    assert client.post(f"/audits/{audit_id}/edit", data={
        "title": "Granskning av kommunens digitaliseringsarbete", "audit_year": "2022", "version": "1",
        "committee_ids": [unit_id_for(app, c) for c in SRC.AUDITED_CODES + ("SN",)]}).status_code == 302
    with app.app_context():
        assert len(db.session.get(Audit, audit_id).committees) == 8
    for number, wording in enumerate(SRC.QUESTIONS, start=1):
        assert client.post(f"/audits/{audit_id}/questions", data={
            "number": str(number), "label": f"Fråga {number}", "wording": wording}).status_code == 302
    bad = client.post(f"/audits/{audit_id}/questions", data={"number": "0", "label": "", "wording": ""})
    assert bad.status_code == 422 and 'id="number-error"' in bad.data.decode()
    assert client.post(f"/audits/{audit_id}/questions", data={
        "number": "2", "label": "Planer beslutade?", "wording": SRC.QUESTIONS[1]}).status_code == 302
    with app.app_context():
        questions = db.session.get(Audit, audit_id).questions
        assert [q.label for q in questions][:3] == ["Fråga 1", "Planer beslutade?", "Fråga 3"]
        assert len(questions) == 8
    page = client.get(f"/audits/{audit_id}").data.decode()
    assert SRC.QUESTIONS[5] in page
    with app.test_request_context():
        titles = list(_panels("revisionsfragorna", 2026))
        assert "2. Planer beslutade?" in titles and "8. Fråga 8" in titles

    # The extended deadline is the office's to record; a committee editor's save keeps it.
    client.post(f"/audits/{audit_id}/recommendations", data={
        "text": "Upprätta plan", "committee_ids": [unit_id_for(app, "KFN")]})
    with app.app_context():
        response_id = db.session.scalar(db.select(RecommendationResponse.id))
    saved = client.post(f"/audits/responses/{response_id}", data={
        "answer_paragraph": "§ 20", "answer_diarienummer": "KFN/2023:41", "answer_date": "2023-03-23",
        "answer_deadline": "2023-03-24", "status": "pagar", "status_date": "2023-03-23", "version": "1"})
    assert saved.status_code == 302
    assert "svarstid till 2023-03-24" in client.get(f"/audits/{audit_id}").data.decode()
    client.post("/logout")
    _, editor = make_user("editor", units=["KFF"])
    login(client, editor)
    form = client.get(f"/audits/responses/{response_id}").data.decode()
    assert 'name="answer_deadline"' not in form and "förlängd svarstid" in form
    assert client.post(f"/audits/responses/{response_id}", data={
        "answer_paragraph": "§ 20", "answer_date": "2023-03-23", "answer_deadline": "2030-01-01",
        "status": "pagar", "version": "2"}).status_code == 302
    with app.app_context():
        response = db.session.get(RecommendationResponse, response_id)
        assert response.answer_deadline == date(2023, 3, 24) and len(response.history) == 1
        with pytest.raises(audits.ServiceValidationError):   # nor through the service
            audits.update_response(response, {"status": "pagar", "answer_deadline": date(2030, 1, 1)},
                                   db.session.get(User, db.session.scalar(
                                       db.select(User.id).where(User.email == editor))),
                                   expected_version=response.version)


def unit_id_for(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(OrgUnit.id).where(OrgUnit.code == code))


def test_migration_0009_down_and_up_on_sqlite(tmp_path):
    """Upgrade to 0008, store an answered recommendation and a done action the old way, upgrade
    (history and done date backfilled), then down to 0008 and up again."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from portfolio import create_app
    from portfolio.settings import MIGRATIONS_DIR

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="0008")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO org_unit (id, code, name, kind, active, sort_order) "
                              "VALUES (1, 'KFN', 'Kultur- och fritidsnämnden', 'namnd', 1, 1)"))
            conn.execute(text("INSERT INTO audit (id, title, is_demo, version, created_at, updated_at) "
                              "VALUES (1, 'G', 0, 1, '2022-12-01 09:00:00', '2022-12-01 09:00:00')"))
            conn.execute(text("INSERT INTO recommendation (id, audit_id, text, created_at, version) "
                              "VALUES (1, 1, 'R', '2022-12-01 09:00:00', 1)"))
            conn.execute(text("INSERT INTO recommendation_response (id, recommendation_id, committee_id, "
                              "answer_date, status, version, updated_at) VALUES "
                              "(1, 1, 1, '2023-03-23', 'pagar', 2, '2024-01-10 10:00:00')"))
            conn.execute(text("INSERT INTO response_action (id, response_id, text, done, created_at) "
                              "VALUES (1, 1, 'A', 1, '2023-03-23 09:00:00')"))
            conn.execute(text("INSERT INTO change_log (changed_at, entity_type, entity_id, action, field, "
                              "old_value, new_value) VALUES ('2023-09-01 08:00:00', 'response_action', 1, "
                              "'update', 'done', 'nej', 'ja')"))
        upgrade(directory=str(MIGRATIONS_DIR))
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT status, valid_from FROM response_status_change")).all() == [
                ("pagar", "2023-03-23")]
            assert conn.execute(text("SELECT done_on FROM response_action")).scalar() == "2023-09-01"
        downgrade(directory=str(MIGRATIONS_DIR), revision="0008")
        tables = inspect(db.engine).get_table_names()
        assert "response_status_change" not in tables and "audit_question" not in tables
        assert "audit_year" not in {c["name"] for c in inspect(db.engine).get_columns("audit")}
        upgrade(directory=str(MIGRATIONS_DIR))
        assert {"audit_committee", "audit_question", "response_status_change"} <= set(
            inspect(db.engine).get_table_names())
        assert db.session.scalar(db.select(db.func.count()).select_from(RecommendationResponse)) == 1


@pytest.mark.usefixtures("demo_data")
def test_report_lists_each_recommendation_per_committee_as_of_the_year(app, client, login_as):
    """KS's per-committee view of the recommendations: 2022 shows every answer as not yet
    given (the committees answered in 2023) and no evidence; the current year shows statuses."""
    from portfolio.dashboards import runner
    from portfolio.dashboards.contract import Filters
    from portfolio.dashboards.host import context, plugins

    with app.test_request_context():
        def answers(year):
            result = runner.run(plugins()["per-namnd"], context(Filters(year=year)))
            return next(p for p in result.panels if p.title == "Revisionens rekommendationer per nämnd").table

        table_2022 = answers(2022)
        assert len(table_2022.rows) == 28
        assert {row[2] for row in table_2022.rows} == {"Ej besvarad"} and {row[4] for row in table_2022.rows} == {"–"}
        table_2023 = answers(2023)
        assert "Ej besvarad" not in {row[2] for row in table_2023.rows}


@pytest.mark.usefixtures("demo_data")
def test_demo_data_is_marked_in_the_report_and_on_the_dashboards(app, client, login_as):
    with app.app_context():
        from portfolio.initiatives.models import Initiative
        demo = db.session.scalar(db.select(db.func.count(Initiative.id)).where(Initiative.is_demo.is_(True)))
    login_as("viewer")
    for url in ("/reports/ks/2025", "/dashboards/resurser?year=2025", "/dashboards/per-namnd?year=2025"):
        page = client.get(url).data.decode()
        assert 'id="demo-notice"' in page and "påhittade exempel" in page, url
    assert demo > 0


@pytest.mark.usefixtures("demo_data")
def test_plan_matrix_of_the_audit_year_marks_the_committees_the_audit_did_not_cover(app, client, login_as):
    login_as("viewer")
    page = client.get("/plans/?year=2022").data.decode()
    table = page.split('id="plan-status"')[1].split("</table>")[0]
    servicen = table.split("Servicenämnden")[1].split("</th>")[0]
    assert "ingick inte i granskningen" in servicen
    assert table.count("ingick inte i granskningen") == table.count("<tr>") - 1 - 7   # all but the seven
    assert "ingick inte i granskningen" not in client.get("/plans/?year=2024").data.decode()


@pytest.mark.usefixtures("demo_data")
def test_question_8_counts_evaluations_made_by_the_end_of_the_year(app):
    """An evaluation written in 2024 does not make a 2022 answer "evaluated"."""
    from portfolio.followups.models import Evaluation

    with app.app_context():
        late = db.session.scalar(db.select(db.func.count(Evaluation.id)).where(
            Evaluation.evaluated_on > date(2022, 12, 31)))
    assert late > 0, "the demo has evaluations written after 2022"
    with app.test_request_context():
        def q8(year):
            result = runner.run(plugins()["revisionsfragorna"], context(Filters(year=year)))
            panel = next(p for p in result.panels if p.title.startswith("8. "))
            total = panel.table.rows[-1]
            return (total[1].text if hasattr(total[1], "text") else total[1]), total[2]

        evaluated_2022, closed_2022 = q8(2022)
        with app.app_context():
            from portfolio.dashboards.data import DashboardReader
            reader = DashboardReader(Filters(year=2022), 9, date(2026, 11, 29))
            rows = reader.share_members("evaluation", ("avslutad",))
        assert evaluated_2022 == sum(r.matches for r in rows) and closed_2022 == len(rows)
        assert evaluated_2022 < closed_2022


def test_a_past_years_phases_follow_a_write_in_the_same_transaction(app, make_user):
    """The phases at a year end are read once per transaction (a temporary table): a phase
    change written later in the same transaction is seen, and reading writes no data."""
    from portfolio.cache import data_version
    from portfolio.changelog.models import ChangeLogEntry
    from portfolio.dashboards.data import DashboardReader
    from portfolio.initiatives.models import Initiative
    from tests.factories import make_initiative

    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), title="Fas vid årsskiftet", phase="planering")
        db.session.execute(db.update(Initiative).values(created_at=datetime(2024, 1, 1)))
        db.session.execute(db.update(ChangeLogEntry).values(changed_at=datetime(2024, 1, 1)))
        db.session.commit()
        ini_id = ini.id
    with app.test_request_context():
        version = data_version()

        def phases(year: int) -> dict[str, int]:
            reader = DashboardReader(Filters(year=year), 12, date(2026, 6, 1))
            return {row.phase: row.count for row in reader.count_by_area_phase()}

        assert phases(2025) == {"planering": 1} and phases(2024) == {"planering": 1}
        db.session.add(ChangeLogEntry(changed_at=datetime(2025, 3, 1), entity_type="initiative",
                                      entity_id=ini_id, initiative_id=ini_id, action="update",
                                      field="phase", old_value="planering", new_value="genomforande"))
        assert phases(2025) == {"genomforande": 1} and phases(2024) == {"planering": 1}
        db.session.rollback()
        assert phases(2025) == {"planering": 1}
        assert data_version() == version
