"""axe on every page of the app, with data on each (the flows cover the forms' error states)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portfolio.audits import services as audits
from portfolio.auth.models import User
from portfolio.benefits import services as benefits
from portfolio.extensions import db
from portfolio.followups import services as followups
from portfolio.plans import services as plans
from portfolio.programme.models import OrgUnit
from portfolio.risks import services as risks
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_initiative, unit_id


def test_every_page_is_accessible(app, page, make_user):
    office_id, email = make_user("portfolio_office", "admin")
    with app.app_context():
        office = db.session.get(User, office_id)
        ini = make_initiative(office, title="Digital bygglovsansökan", phase="genomforande",
                              start_date=date(2025, 1, 1))
        risk = risks.save_risk(ini, {"title": "Sen leverans", "kind": "risk", "category": "tid",
                                     "probability": 3, "consequence": 3, "status": "oppen"}, office)
        benefits.save_case(ini, {"start_year": 2025, "horizon": 4, "discount_rate": Decimal("0.03"),
                                 "hourly_cost": Decimal(450)}, office)
        line = benefits.save_cost_line(ini, {"category": "utveckling", "first_year": 2025,
                                             "amount": Decimal(100000)}, office)
        benefit = benefits.save_benefit(ini, {
            "title": "Kortare handläggning", "kind": "finansiell", "beneficiary": "invanare",
            "direction": "lagre", "frequency": "ar", "certainty": "trolig", "first_year": 2026,
            "last_year": 2028, "amount": Decimal(50000), "owner": "Chef"}, office)
        followup = followups.save_followup(ini, {"year": 2025, "period": "helar", "status": "gron",
                                                 "progress": 30}, office)
        followups.save_evaluation(ini, {"goals_met": "delvis", "benefits_realised": "Vissa",
                                        "measured_after": "Chefen mäter", "lessons_learned": "Testa tidigt"}, office)
        committee = db.session.scalar(db.select(OrgUnit).where(OrgUnit.code == "SBN"))
        plan = plans.save_plan(committee, {"status": "beslutad", "title": "SBN-plan", "decided_on": date(2024, 1, 1)},
                               office)
        goal = plans.save_goal(plan, {"text": "Digitala bygglov"}, office)
        audit = audits.save_audit({"title": "Granskning"}, office)
        rec = audits.add_recommendation(audit, {"text": "Gör planer", "committee_ids": [unit_id("SBN")]}, office)
        ids = dict(ini=ini.id, risk=risk.id, line=line.id, benefit=benefit.id, plan=plan.id, goal=goal.id,
                   audit=audit.id, response=rec.responses[0].id, committee=committee.id, rec=rec.id,
                   followup=followup.id)
    log_in(page, email)
    urls = [
        "/initiatives/", "/initiatives/new", f"/initiatives/{ids['ini']}", f"/initiatives/{ids['ini']}/edit",
        f"/initiatives/{ids['ini']}/needs", f"/initiatives/{ids['ini']}/risks/",
        f"/initiatives/{ids['ini']}/risks/new", f"/initiatives/{ids['ini']}/risks/{ids['risk']}/edit",
        f"/initiatives/{ids['ini']}/benefit-case",
        f"/initiatives/{ids['ini']}/benefit-case/costs/{ids['line']}/edit",
        f"/initiatives/{ids['ini']}/benefits/new", f"/initiatives/{ids['ini']}/benefits/{ids['benefit']}/edit",
        f"/initiatives/{ids['ini']}/benefits/{ids['benefit']}", f"/initiatives/{ids['ini']}/followups",
        f"/initiatives/{ids['ini']}/followups/{ids['followup']}/edit", f"/initiatives/{ids['ini']}/evaluation",
        f"/initiatives/{ids['ini']}/decision-document", "/todo", "/lessons", "/lessons?q=testa",
        "/plans/", "/plans/?year=2023", f"/plans/committee/{ids['committee']}", f"/plans/{ids['plan']}",
        f"/plans/goals/{ids['goal']}", "/audits/", f"/audits/{ids['audit']}", f"/audits/responses/{ids['response']}",
        f"/audits/{ids['audit']}/edit", f"/audits/recommendations/{ids['rec']}/edit",
        "/prioritisation/", "/prioritisation/transparency", "/prioritisation/criteria",
        f"/prioritisation/score/{ids['ini']}", "/prioritisation/decisions", "/dashboards/",
        "/reports/ks/2026", "/initiatives/?archived=1", "/finns-inte", "/initiatives/open-data",
        "/profile", "/profile/password", "/admin/users",
    ]
    for url in urls:
        page.goto(url)
        assert_accessible(page)
    # English too.
    page.goto("/initiatives/")
    page.get_by_role("button", name="In English").click()
    page.goto(f"/initiatives/{ids['ini']}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
