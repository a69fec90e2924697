"""Prioritisation through HTTP: gates first, scoring, ranking, what-if, decisions, roles."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives import services as initiative_services
from portfolio.initiatives.models import Initiative
from portfolio.needs import services as needs
from portfolio.prioritisation.models import CriteriaSet, PortfolioDecision, Score
from portfolio.risks import services as risks
from tests.conftest import login, travel_back, travel_to
from tests.factories import COMPLETE_NEEDS, make_initiative, source_id

YEAR = 2026
NEEDS = COMPLETE_NEEDS


@pytest.fixture
def world(app, make_user):
    travel_to(date(2026, 11, 27))
    office_id, office_email = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        ids = {}
        for title, cost, ready in (("Ärendehantering bygglov", 800000, True),
                                   ("E-arkiv", 300000, True), ("Chattbot", 100000, False)):
            ini = make_initiative(office, title=title, phase="behovsanalys", need_owner="Chef",
                                  funding=[initiative_services.FundingInput(
                                      YEAR, source_id("centrala-medel"), Decimal(cost))])
            if ready:
                needs.save(ini, NEEDS, office, complete=True, expected_version=None)
                risks.set_no_significant_risks(ini, True, "Liten förändring", office)
            ids[title] = ini.id
        set_id = db.session.scalar(db.select(CriteriaSet.id).where(CriteriaSet.year == YEAR))
    yield {"ids": ids, "office": office_email, "set": set_id}
    travel_back()


def score_all(client, app, ini_id, value):
    with app.app_context():
        crit = db.session.get(CriteriaSet, db.session.scalar(
            db.select(CriteriaSet.id).where(CriteriaSet.year == YEAR))).criteria
        data = {}
        for c in crit:
            data[f"score-{c.id}"] = str(value)
            data[f"motivation-{c.id}"] = "Motiverat"
    return client.post(f"/prioritisation/score/{ini_id}?year={YEAR}", data=data)


def test_gates_first_then_ranked_by_score_with_budget_line(app, client, world):
    login(client, world["office"])
    page = client.get(f"/prioritisation/?year={YEAR}").data.decode()
    failing = re.search(r'id="failing-list">(.*?)</ul>', page, re.S).group(1)
    assert "Chattbot" in failing and "behovsanalysen är markerad som klar" in failing
    assert "Väntar på poängsättning (2)" in page
    assert score_all(client, app, world["ids"]["E-arkiv"], 3).status_code == 302
    assert score_all(client, app, world["ids"]["Ärendehantering bygglov"], 5).status_code == 302
    page = client.get(f"/prioritisation/?year={YEAR}").data.decode()
    table = re.search(r'id="ranking-table">(.*?)</table>', page, re.S).group(1)
    assert table.index("Ärendehantering bygglov") < table.index("E-arkiv")
    assert "<strong>100</strong>" in table and "<strong>60</strong>" in table
    # What-if: a ceiling of 500 000 puts the line after nobody; nothing is saved.
    what_if = client.get(f"/prioritisation/?year={YEAR}&ceiling=500+000").data.decode()
    assert 'id="what-if-banner"' in what_if and "Redan det första initiativet" in what_if
    with app.app_context():
        assert db.session.get(CriteriaSet, world["set"]).budget_ceiling == Decimal(15000000)
    # What-if weights move the ranking without saving.
    bad = client.get(f"/prioritisation/?year={YEAR}&ceiling=massor")
    assert bad.status_code == 400 and "Budgettaket måste vara ett belopp" in bad.data.decode()
    zero = "&".join(f"w-{c}=0" for c in ("strategi", "invanare", "organisation", "ekonomi", "kostnad",
                                          "genomforbarhet", "nodvandighet", "ateranvandning"))
    assert client.get(f"/prioritisation/?year={YEAR}&{zero}").status_code == 400


@pytest.mark.parametrize("value, message", [("0", "heltal 1–5"), ("6", "heltal 1–5"), ("tre", "heltal 1–5")])
def test_bad_scores(app, client, world, value, message):
    login(client, world["office"])
    r = score_all(client, app, world["ids"]["E-arkiv"], value)
    assert r.status_code == 422 and message in r.data.decode()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Score.id))) == 0


def test_score_needs_motivation(app, client, world):
    login(client, world["office"])
    with app.app_context():
        crit = db.session.get(CriteriaSet, world["set"]).criteria[0]
    r = client.post(f"/prioritisation/score/{world['ids']['E-arkiv']}?year={YEAR}",
                    data={f"score-{crit.id}": "4", f"motivation-{crit.id}": ""})
    assert r.status_code == 422 and "Motivera poängen" in r.data.decode()


def test_weights_and_ceiling_validation(app, client, world):
    login(client, world["office"])
    with app.app_context():
        crits = db.session.get(CriteriaSet, world["set"]).criteria
    data = {f"weight-{c.id}": "1" for c in crits} | {"ceiling": "10 000 000"}
    negative = dict(data, **{f"weight-{crits[0].id}": "-2"})
    assert client.post(f"/prioritisation/criteria?year={YEAR}", data=negative).status_code == 422
    nan = dict(data, ceiling="tio miljoner")
    assert "Budgettaket måste vara ett belopp" in client.post(
        f"/prioritisation/criteria?year={YEAR}", data=nan).data.decode()
    zero = {f"weight-{c.id}": "0" for c in crits} | {"ceiling": "1"}
    assert "Minst en vikt" in client.post(f"/prioritisation/criteria?year={YEAR}", data=zero).data.decode()
    with app.app_context():
        assert db.session.get(CriteriaSet, world["set"]).budget_ceiling == Decimal(15000000)
    assert client.post(f"/prioritisation/criteria?year={YEAR}", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(CriteriaSet, world["set"]).budget_ceiling == Decimal(10000000)


def test_decision_moves_phase_freezes_set_and_is_shown(app, client, world):
    login(client, world["office"])
    ok_id, failing_id = world["ids"]["E-arkiv"], world["ids"]["Chattbot"]
    base = {"body": "portfoljrad", "decided_on": "2026-11-20", "decision": "prioriterad",
            "diarienummer": "KSKF/2026:1", "move": "y"}
    no_reason = client.post(f"/prioritisation/decisions?year={YEAR}", data={**base, "initiative_ids": [ok_id]})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.data.decode()
    gate = client.post(f"/prioritisation/decisions?year={YEAR}",
                       data={**base, "reason": "Högst poäng", "initiative_ids": [ok_id, failing_id]})
    assert gate.status_code == 422 and "klarar inte fasgrinden" in gate.data.decode()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PortfolioDecision.id))) == 0
        assert db.session.get(Initiative, ok_id).phase == "behovsanalys"
    # Fix the gate for the benefit case requirement: prioriterad also needs a benefit case.
    from portfolio.benefits import services as benefits
    with app.app_context():
        office = db.session.scalar(db.select(User).where(User.email == world["office"]))
        ini = db.session.get(Initiative, ok_id)
        benefits.save_case(ini, {"start_year": 2026, "horizon": 5, "discount_rate": Decimal("0.03"),
                                 "hourly_cost": Decimal(450)}, office)
        benefits.save_benefit(ini, {"title": "Sparad tid", "kind": "kvalitativ", "beneficiary": "medarbetare",
                                    "direction": "hogre", "frequency": "ar", "certainty": "trolig",
                                    "indicator": "Nöjdhet", "owner": "Arkivchef"}, office)
    r = client.post(f"/prioritisation/decisions?year={YEAR}",
                    data={**base, "reason": "Högst poäng och lagkrav", "initiative_ids": [ok_id]})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Initiative, ok_id).phase == "prioriterad"
        assert db.session.get(CriteriaSet, world["set"]).frozen
    assert "Högst poäng och lagkrav" in client.get(f"/initiatives/{ok_id}").data.decode()
    frozen = client.post(f"/prioritisation/criteria?year={YEAR}", data={"ceiling": "1"})
    assert frozen.status_code == 422 and "låsta" in frozen.data.decode()
    copy = client.post(f"/prioritisation/criteria/copy?year={YEAR}", data={"year": "2027"})
    assert copy.status_code == 302
    with app.app_context():
        assert not db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == 2027)).frozen


def test_only_the_office_writes_everyone_reads(app, client, make_user, world):
    for roles, scope in ((("viewer",), {}), (("editor",), {"units": ["SBF"]}),
                         (("programme_manager",), {"areas": ["service"]})):
        client.post("/logout")
        _, email = make_user(*roles, **scope)
        login(client, email)
        assert client.get(f"/prioritisation/transparency?year={YEAR}").status_code == 200
        assert client.get(f"/prioritisation/?year={YEAR}").status_code == 200
        assert score_all(client, app, world["ids"]["E-arkiv"], 3).status_code == 403
        assert client.post(f"/prioritisation/criteria?year={YEAR}", data={"ceiling": "1"}).status_code == 403
        assert client.post(f"/prioritisation/decisions?year={YEAR}", data={
            "body": "ks", "decided_on": "2026-11-01", "decision": "avslag", "reason": "x",
            "initiative_ids": [world["ids"]["E-arkiv"]]}).status_code == 403
        assert client.post(f"/prioritisation/criteria/copy?year={YEAR}", data={"year": "2030"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Score.id))) == 0
        assert db.session.scalar(db.select(db.func.count(PortfolioDecision.id))) == 0


def test_unicode_digits_and_zero_weights_are_not_500(app, client, world):
    login(client, world["office"])
    for url in ("/prioritisation/?year=%C2%B2", f"/prioritisation/?year={YEAR}&area=%C2%B2&committee=%D9%A3",
                "/prioritisation/criteria?year=%C2%B2", "/plans/?year=%C2%B2", "/dashboards/riskbild?area=%C2%B2",
                "/initiatives/?area=%C2%B2&page=%C2%B2", "/lessons?page=%C2%B2"):
        assert client.get(url).status_code in (200, 404), url
    with app.app_context():
        crit = db.session.get(CriteriaSet, world["set"]).criteria
    partial = {f"score-{c.id}": "3" for c in crit[:-1]} | {f"motivation-{c.id}": "m" for c in crit[:-1]}
    assert client.post(f"/prioritisation/score/{world['ids']['E-arkiv']}?year={YEAR}", data=partial).status_code == 302
    last = crit[-1].code
    response = client.get(f"/prioritisation/?year={YEAR}&w-{last}=0")
    assert response.status_code == 200 and "E-arkiv" in response.data.decode()
    bad_score = client.post(f"/prioritisation/score/{world['ids']['E-arkiv']}?year={YEAR}",
                            data={f"score-{crit[0].id}": "\u00b2", f"motivation-{crit[0].id}": "m"})
    assert bad_score.status_code == 422
