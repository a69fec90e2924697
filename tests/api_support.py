"""Helpers for API tests: a user with a token, and a client that sends it."""

from __future__ import annotations

import pytest

from portfolio.auth.models import User
from portfolio.auth.tokens import create_token
from portfolio.extensions import db


def token_for(app, user_id: int, name: str = "test") -> str:
    with app.app_context():
        return create_token(db.session.get(User, user_id), name).secret


class ApiClient:
    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def _headers(self, headers=None):
        out = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return out | (headers or {})

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def api_as(app, make_user):
    """api_as("editor", units=["SBF"]) → (ApiClient with a fresh token, user id)."""
    def make(*roles, areas=(), units=()):
        user_id, _email = make_user(*roles, areas=areas, units=units)
        return ApiClient(app.test_client(), token_for(app, user_id)), user_id
    return make


def build_world(app, office_id: int) -> dict:
    """One initiative owned by SBF (area service) with one of everything hanging off it, another
    owned by KFF, a KS plan with a goal and an audit recommendation to SBN. Returns the ids."""
    from datetime import date
    from decimal import Decimal

    from portfolio.audits import services as audits
    from portfolio.benefits import services as benefits
    from portfolio.followups import services as followups
    from portfolio.needs import services as needs
    from portfolio.plans import services as plans
    from portfolio.programme.models import OrgUnit
    from portfolio.risks import services as risks
    from tests.factories import make_initiative, unit_id

    with app.app_context():
        office = db.session.get(User, office_id)
        ini = make_initiative(office, title="Bygglov digitalt")
        other = make_initiative(office, title="Biblioteket digitalt", owning_unit="KFF", primary_area="valfard")
        needs.save(ini, {"problem": "Pappersblanketter"}, office, complete=False, expected_version=None)
        risk = risks.save_risk(ini, {"title": "Leverantör sen", "kind": "risk", "category": "verksamhet",
                                     "probability": 3, "consequence": 4, "status": "oppen"}, office)
        other_risk = risks.save_risk(other, {"title": "Licenser", "kind": "risk", "category": "verksamhet",
                                             "probability": 2, "consequence": 2, "status": "oppen"}, office)
        benefits.save_case(ini, {"start_year": 2025, "horizon": 5, "discount_rate": Decimal("0.03"),
                                 "hourly_cost": Decimal("500")}, office)
        line = benefits.save_cost_line(ini, {"category": "utveckling", "first_year": 2025,
                                             "amount": Decimal("100000")}, office)
        benefit = benefits.save_benefit(ini, {
            "title": "Färre manuella ärenden", "kind": "finansiell", "beneficiary": "organisationen",
            "direction": "hogre", "frequency": "ar", "certainty": "trolig", "first_year": 2025,
            "last_year": 2029, "amount": Decimal("50000"), "indicator": "Ärenden per år",
            "baseline": Decimal("100"), "target": Decimal("200")}, office)
        followup = followups.save_followup(ini, {"year": 2025, "period": "delar", "status": "gron",
                                                 "progress": 10}, office)
        ks = db.session.scalar(db.select(OrgUnit).where(OrgUnit.code == "KS"))
        plan = plans.save_plan(ks, {"title": "Digitaliseringsplan KS", "status": "under_arbete"}, office)
        goal = plans.save_goal(plan, {"text": "Fler e-tjänster"}, office)
        audit = audits.save_audit({"title": "Granskning av digitalisering", "report_date": date(2022, 11, 28)},
                                  office)
        rec = audits.add_recommendation(audit, {"text": "Besluta planer", "code": "R1",
                                                "committee_ids": [unit_id("SBN")]}, office)
        return {"ini": ini.id, "other": other.id, "risk": risk.id, "other_risk": other_risk.id,
                "line": line.id, "benefit": benefit.id, "followup": followup.id, "plan": plan.id,
                "goal": goal.id, "audit": audit.id, "response": rec.responses[0].id}
