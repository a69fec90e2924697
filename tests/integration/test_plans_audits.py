"""Committee plans, goals, the as-of-year matrix, audits and committee responses."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portfolio.audits.models import Recommendation, RecommendationResponse
from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.plans.models import CommitteePlan, PlanGoal
from tests.conftest import login
from tests.factories import make_initiative, unit_id

TODAY = date(2026, 11, 27)



def office_client(client, make_user):
    _, email = make_user("portfolio_office")
    assert login(client, email).status_code == 302


def plan_data(**overrides):
    data = {"title": "Plan för digital transformation 2023–2024", "status": "beslutad",
            "period_start": "2023", "period_end": "2024", "decided_on": "2023-03-15",
            "diarienummer": "KFN/2023:99", "revision_month": "3"}
    data.update(overrides)
    return data


def status_in_matrix(html: str, committee: str) -> str:
    row = re.search(rf'<tr><th scope="row"><a [^>]*>{committee}</a></th>\s*'
                    r'<td><span class="plan-status plan-status--(\w+)"', html)
    return row.group(1)


def test_plan_decided_in_2023_shows_by_year(app, client, make_user, frozen):
    office_client(client, make_user)
    kfn = unit_id_for(app, "KFN")
    assert client.post(f"/plans/committee/{kfn}", data=plan_data()).status_code == 302
    assert status_in_matrix(client.get("/plans/?year=2022").data.decode(),
                            "Kultur- och fritidsnämnden") == "saknas"
    assert status_in_matrix(client.get("/plans/?year=2023").data.decode(),
                            "Kultur- och fritidsnämnden") == "beslutad"


def unit_id_for(app, code):
    with app.app_context():
        return unit_id(code)


def test_new_plan_replaces_the_old_without_deleting(app, client, make_user, frozen):
    office_client(client, make_user)
    ks = unit_id_for(app, "KS")
    client.post(f"/plans/committee/{ks}", data=plan_data(decided_on="2022-03-15", period_start="2022",
                                                           period_end="2023", title="Plan 2022–2023"))
    client.post(f"/plans/committee/{ks}", data=plan_data(decided_on="2024-02-13", period_start="2024",
                                                           period_end="2026", title="Plan 2024–2026"))
    with app.app_context():
        plans = {p.title: p for p in db.session.scalars(db.select(CommitteePlan))}
        assert plans["Plan 2022–2023"].status == "ersatt"
        assert plans["Plan 2022–2023"].replaced_on == date(2024, 2, 13)
        assert plans["Plan 2024–2026"].status == "beslutad"
    html_2023 = client.get("/plans/?year=2023").data.decode()
    assert "Plan 2022–2023" in html_2023 and "Plan 2024–2026" not in html_2023
    assert "Plan 2024–2026" in client.get("/plans/?year=2025").data.decode()


def test_revision_overdue_is_flagged(app, client, make_user, frozen):
    office_client(client, make_user)
    sbn = unit_id_for(app, "SBN")
    client.post(f"/plans/committee/{sbn}", data=plan_data(next_revision="2025-09-01"))
    html = client.get("/plans/").data.decode()
    row = re.search(r'Stadsbyggnadsnämnden</a></th>(.*?)</tr>', html, re.S).group(1)
    assert "försenad" in row
    client.post(f"/plans/committee/{sbn}", data=plan_data(decided_on="2026-03-01", next_revision="2027-03-01",
                                                            title="Ny plan"))
    row = re.search(r'Stadsbyggnadsnämnden</a></th>(.*?)</tr>', client.get("/plans/").data.decode(), re.S).group(1)
    assert "försenad" not in row


@pytest.mark.parametrize("overrides, field", [
    ({"status": "under_arbete", "decided_on": "2023-03-15"}, "decided_on"),  # date without beslutad
    ({"period_start": "2024", "period_end": "2023"}, "period_end"),
    ({"title": ""}, "title"),
    ({"revision_month": "13"}, "revision_month"),
    ({"document_url": "javascript:alert(1)"}, "document_url"),
    ({"decided_on": "2030-01-01"}, "decided_on"),
])
def test_bad_plan_input(app, client, make_user, frozen, overrides, field):
    office_client(client, make_user)
    r = client.post(f"/plans/committee/{unit_id_for(app, 'GN')}", data=plan_data(**overrides))
    assert r.status_code == 422 and f'id="{field}-error"' in r.data.decode()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CommitteePlan.id))) == 0


def test_goals_link_to_initiatives_both_ways(app, client, make_user, frozen):
    office_client(client, make_user)
    r = client.post(f"/plans/committee/{unit_id_for(app, 'SBN')}", data=plan_data())
    plan_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        from portfolio.programme.models import PriorityArea
        area = db.session.scalar(db.select(PriorityArea.id).where(PriorityArea.code == "stad-landsbygd"))
        office = db.session.scalar(db.select(User).where(User.email.like("portfolio_office%")))
        ini_id = make_initiative(office, title="Digital bygglovsansökan").id
    r = client.post(f"/plans/{plan_id}/goals", data={"text": "Digital bygglovsprocess", "area_id": str(area),
                                                   "indicator": "Handläggningstid", "baseline": "40",
                                                   "target": "20"})
    assert r.status_code == 302
    with app.app_context():
        goal_id = db.session.scalar(db.select(PlanGoal.id))
    assert client.post(f"/plans/initiative/{ini_id}/goals", data={"goal": str(goal_id)}).status_code == 302
    assert "Digital bygglovsansökan" in client.get(f"/plans/goals/{goal_id}").data.decode()
    assert "Digital bygglovsprocess" in client.get(f"/initiatives/{ini_id}").data.decode()
    matrix = re.search(r'id="plan-matrix">(.*?)</table>', client.get("/plans/").data.decode(), re.S).group(1)
    assert re.search(r'<th scope="row">SBN</th><td class="num">0</td><td class="num">1</td>', matrix)
    # Bad: a goal follow-up in the future, a status that does not exist.
    bad = client.post(f"/plans/goals/{goal_id}", data={"followed_on": "2027-01-01", "status": "gron"})
    assert bad.status_code == 422 and 'id="followed_on-error"' in bad.data.decode()


def test_audit_and_recommendation_rules(app, client, make_user, frozen):
    office_client(client, make_user)
    r = client.post("/audits/", data={"title": "Granskning av digitalisering", "report_date": "2022-11-28",
                                      "letter_date": "2022-12-01", "answer_deadline": "2023-03-20"})
    assert r.status_code == 302
    audit_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    no_addressee = client.post(f"/audits/{audit_id}/recommendations", data={"text": "Upprätta plan"})
    assert no_addressee.status_code == 422 and 'id="committee_ids-error"' in no_addressee.data.decode()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Recommendation.id))) == 0
    ok = client.post(f"/audits/{audit_id}/recommendations",
                     data={"text": "Upprätta plan", "committee_ids": [unit_id_for(app, "KFN"),
                                                                       unit_id_for(app, "SOCN")]})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RecommendationResponse.id))) == 2
    bad_dates = client.post("/audits/", data={"title": "X", "report_date": "2022-11-28", "letter_date": "2022-01-01"})
    assert bad_dates.status_code == 422


def test_committee_editor_answers_only_their_committee(app, client, make_user, frozen):
    office_client(client, make_user)
    audit_id = int(client.post("/audits/", data={"title": "G"}).headers["Location"].rstrip("/").split("/")[-1])
    client.post(f"/audits/{audit_id}/recommendations",
                data={"text": "Upprätta plan", "committee_ids": [unit_id_for(app, "KFN"), unit_id_for(app, "SOCN")]})
    with app.app_context():
        responses = {r.committee.code: r.id for r in db.session.scalars(db.select(RecommendationResponse))}
    client.post("/logout")
    _, email = make_user("editor", units=["KFF"])        # kultur- och fritidsförvaltningen
    login(client, email)
    url = f"/audits/responses/{responses['KFN']}"
    missing_evidence = client.post(url, data={"status": "genomford", "version": "1"})
    assert missing_evidence.status_code == 422 and 'id="evidence-error"' in missing_evidence.data.decode()
    not_relevant = client.post(url, data={"status": "ej_aktuell", "version": "1"})
    assert 'id="status_reason-error"' in not_relevant.data.decode()
    done = client.post(url, data={"status": "genomford", "evidence": "KFN § 30, plan beslutad",
                                  "answer_paragraph": "§ 20", "version": "1"})
    assert done.status_code == 302
    assert client.post(f"{url}/actions", data={"text": "Fastställ plan", "due_date": "2026-01-31"}).status_code == 302
    assert "försenad" in client.get(url).data.decode()                  # due date passed, not done
    assert client.get(f"/audits/responses/{responses['SOCN']}").status_code == 200   # everyone reads
    assert "Spara svar" not in client.get(f"/audits/responses/{responses['SOCN']}").data.decode()
    socn = f"/audits/responses/{responses['SOCN']}"
    assert client.post(socn, data={"status": "pagar", "version": "1"}).status_code == 403
    assert client.post("/audits/", data={"title": "Egen granskning"}).status_code == 403
    assert client.post(f"/plans/committee/{unit_id_for(app, 'KFN')}", data=plan_data()).status_code == 403
    assert client.get("/plans/").status_code == 200 and client.get(f"/audits/{audit_id}").status_code == 200


def test_office_corrects_audits_and_recommendations(app, client, make_user, frozen):
    office_client(client, make_user)
    audit_id = int(client.post("/audits/", data={"title": "G", "report_date": "2022-11-28"})
                   .headers["Location"].rstrip("/").split("/")[-1])
    client.post(f"/audits/{audit_id}/recommendations",
                data={"text": "Upprätta plan", "committee_ids": [unit_id_for(app, "KFN")]})
    with app.app_context():
        rec_id = db.session.scalar(db.select(Recommendation.id))
    edited = client.post(f"/audits/{audit_id}/edit", data={"title": "Granskning av digitalisering",
                                                           "report_date": "2022-11-28", "version": "1"})
    assert edited.status_code == 302
    stale = client.post(f"/audits/{audit_id}/edit", data={"title": "X", "version": "1"})
    assert stale.status_code == 409
    removed = client.post(f"/audits/recommendations/{rec_id}/edit",
                          data={"text": "Upprätta plan", "committee_ids": [unit_id_for(app, "SOCN")],
                                "version": "1"})
    assert removed.status_code == 422 and "kan inte tas bort" in removed.data.decode()
    ok = client.post(f"/audits/recommendations/{rec_id}/edit", data={
        "code": "R7", "text": "Upprätta och fastställa plan",
        "committee_ids": [unit_id_for(app, "KFN"), unit_id_for(app, "SOCN")], "version": "1"})
    assert ok.status_code == 302
    stale_rec = client.post(f"/audits/recommendations/{rec_id}/edit", data={
        "text": "Gammal version", "committee_ids": [unit_id_for(app, "KFN"), unit_id_for(app, "SOCN")],
        "version": "1"})
    assert stale_rec.status_code == 409 and "ändrades av" in stale_rec.data.decode()
    with app.app_context():
        rec = db.session.get(Recommendation, rec_id)
        assert rec.code == "R7" and {r.committee.code for r in rec.responses} == {"KFN", "SOCN"}
    client.post("/logout")
    _, email = make_user("editor", units=["KFF"])
    login(client, email)
    assert client.get(f"/audits/{audit_id}/edit").status_code == 403
    assert client.post(f"/audits/recommendations/{rec_id}/edit", data={"text": "x"}).status_code == 403
