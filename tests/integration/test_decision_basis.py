"""Needs analysis, risks, benefit case and the phase gates through HTTP."""

from __future__ import annotations

import re

import pytest

from portfolio.auth.models import User
from portfolio.benefits.models import Benefit, BenefitCase, CostLine
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.needs.models import NeedsAnalysis
from portfolio.risks.models import Risk
from tests.conftest import travel_back, travel_to
from tests.factories import make_initiative

COMPLETE_NEEDS = {
    "problem": "Ansökan om bygglov sker på papper.", "target_groups": "Privatpersoner och företag",
    "needs_capture": "Intervjuer med handläggare", "involvement_who": "Tio sökande",
    "involvement_how": "Användartester av prototyp", "involvement_when": "2025-03-01",
    "inclusion_considered": "ja", "inclusion_how": "Hjälp i kontaktcenter",
    "current_state": "Papper", "desired_state": "E-tjänst", "alternatives": "Köpa färdig tjänst",
    "infosec_class": "medel", "dpia_needed": "nej", "action": "complete",
}
RISK = {"title": "Leverantören hinner inte", "kind": "risk", "category": "leverantor",
        "probability": "4", "consequence": "4", "status": "oppen"}


@pytest.fixture
def setup(app, make_user, client):
    office_id, _ = make_user("portfolio_office")
    _, editor_email = make_user("editor", units=["SBF"])
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), owning_unit="SBF",
                              phase="behovsanalys", need_owner="Bygglovschef",
                              project_lead="Projektledare SBF", benefit_owner="Avdelningschef")
        ini_id = ini.id
    from tests.conftest import login
    assert login(client, editor_email).status_code == 302
    return ini_id


def count(app, model, **where):
    with app.app_context():
        stmt = db.select(db.func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return db.session.scalar(stmt)


def test_needs_analysis_draft_then_complete(app, client, setup):
    url = f"/initiatives/{setup}/needs"
    draft = client.post(url, data={"problem": "Bara problemet", "action": "draft"})
    assert draft.status_code == 302
    refused = client.post(url, data={"problem": "Bara problemet", "action": "complete",
                                     "version": "1"})
    assert refused.status_code == 422
    html = refused.data.decode()
    for field in ("target_groups", "involvement_who", "inclusion_considered", "dpia_needed"):
        assert f'id="{field}-error"' in html
    with app.app_context():
        assert db.session.scalar(db.select(NeedsAnalysis.status)) == "utkast"
    done = client.post(url, data={**COMPLETE_NEEDS, "version": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(NeedsAnalysis.status)) == "klar"
        fields = set(db.session.scalars(db.select(ChangeLogEntry.field).where(
            ChangeLogEntry.entity_type == "needs_analysis")))
        assert {"problem", "status", "involvement_who"} <= fields


def test_needs_analysis_refuses_nul_and_stale_versions(app, client, setup):
    url = f"/initiatives/{setup}/needs"
    assert client.post(url, data={"problem": "a\x00b", "action": "draft"}).status_code == 422
    assert count(app, NeedsAnalysis) == 0
    client.post(url, data={"problem": "v1", "action": "draft"})
    client.post(url, data={"problem": "v2", "action": "draft", "version": "1"})
    stale = client.post(url, data={"problem": "v3", "action": "draft", "version": "1"})
    assert stale.status_code == 409
    # The user is told what the other save changed, from the change log.
    html = stale.get_data(as_text=True)
    assert "ändrades av" in html and "”v2”" in html
    with app.app_context():
        assert db.session.scalar(db.select(NeedsAnalysis.problem)) == "v2"


@pytest.mark.parametrize("overrides, field", [
    ({"probability": "6"}, "probability"),
    ({"consequence": "0"}, "consequence"),
    ({"probability": "hög"}, "probability"),
    ({"title": ""}, "title"),
    ({"category": "okand"}, "category"),
    ({"residual_probability": "2"}, "residual_consequence"),
    ({"due_date": "31/12"}, "due_date"),
])
def test_bad_risk_input(app, client, setup, overrides, field):
    response = client.post(f"/initiatives/{setup}/risks/new", data={**RISK, **overrides})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.data.decode()
    assert count(app, Risk) == 0


def test_risk_above_level_is_flagged_until_handled(app, client, setup):
    assert client.post(f"/initiatives/{setup}/risks/new", data=RISK).status_code == 302
    assert client.post(f"/initiatives/{setup}/risks/new", data={
        **RISK, "title": "Liten risk", "probability": "2", "consequence": "2"}).status_code == 302
    page = client.get(f"/initiatives/{setup}/risks/").data.decode()
    assert "1 risk över acceptabel nivå saknar åtgärd" in page
    assert page.count("Över acceptabel nivå utan fullständig åtgärd") == 1
    matrix = re.search(r'id="matrix-before">(.*?)</table>', page, re.S).group(1)
    assert "Sannolikhet 4, konsekvens 4, Kritisk: 1 risker" in matrix
    with app.app_context():
        risk_id = db.session.scalar(db.select(Risk.id).where(Risk.title == RISK["title"]))
    client.post(f"/initiatives/{setup}/risks/{risk_id}/edit", data={
        **RISK, "mitigation": "Vite i avtalet", "owner": "Upphandlare", "due_date": "2026-06-30",
        "residual_probability": "2", "residual_consequence": "3", "version": "1"})
    page = client.get(f"/initiatives/{setup}/risks/").data.decode()
    assert "saknar åtgärd" not in page
    after = re.search(r'id="matrix-after">(.*?)</table>', page, re.S).group(1)
    assert "Sannolikhet 2, konsekvens 3, Medel: 1 risker" in after


def test_no_significant_risks_needs_a_reason(app, client, setup):
    url = f"/initiatives/{setup}/risks/assessment"
    assert client.post(url, data={"no_significant_risks": "y", "reason": ""}).status_code == 422
    assert client.post(url, data={"no_significant_risks": "y",
                                  "reason": "Liten förändring av befintlig tjänst"}).status_code == 302
    assert "Inga väsentliga risker har identifierats" in client.get(
        f"/initiatives/{setup}/risks/").data.decode()


def _case(client, ini_id, **overrides):
    data = {"start_year": "2026", "horizon": "5", "discount_rate": "3", "hourly_cost": "450"}
    data.update(overrides)
    return client.post(f"/initiatives/{ini_id}/benefit-case", data=data)


@pytest.mark.parametrize("overrides, field", [
    ({"horizon": "0"}, "horizon"), ({"horizon": "100"}, "horizon"),
    ({"discount_rate": "tre"}, "discount_rate"), ({"hourly_cost": "-1"}, "hourly_cost"),
])
def test_bad_case_input(app, client, setup, overrides, field):
    response = _case(client, setup, **overrides)
    assert response.status_code == 422 and f'id="{field}-error"' in response.data.decode()
    assert count(app, BenefitCase) == 0


@pytest.mark.parametrize("data, field", [
    ({"category": "utveckling", "first_year": "2032", "amount": "100"}, "first_year"),
    ({"category": "drift", "recurring": "lopande", "first_year": "2027", "last_year": "2031",
      "amount": "100"}, "last_year"),
    ({"category": "intern_tid", "first_year": "2026", "hours": "-5"}, "hours"),
    ({"category": "utveckling", "first_year": "2026"}, "amount"),
    ({"category": "utveckling", "first_year": "2026", "amount": "1", "hours": "1"}, "amount"),
])
def test_bad_cost_lines(app, client, setup, data, field):
    assert _case(client, setup).status_code == 302
    response = client.post(f"/initiatives/{setup}/benefit-case/costs", data=data)
    assert response.status_code == 422 and f'id="{field}-error"' in response.data.decode()
    assert count(app, CostLine) == 0


BENEFIT = {"title": "Frigjord handläggartid", "kind": "omfordelning", "beneficiary": "medarbetare",
           "direction": "lagre", "frequency": "kvartal", "certainty": "trolig",
           "first_year": "2027", "last_year": "2030", "volume": "2000", "minutes_saved": "60",
           "realisation_share": "100", "owner": "Bygglovschef", "indicator": "Handläggningstid"}


@pytest.mark.parametrize("overrides, field", [
    ({"realisation_share": "150"}, "realisation_share"),
    ({"first_year": "2033"}, "first_year"),
    ({"volume": ""}, "volume"),
    ({"kind": "finansiell", "amount": ""}, "amount"),
    ({"kind": "kvalitativ", "indicator": ""}, "indicator"),
    ({"ramp_up": "femtio"}, "ramp_up"),
    ({"baseline_date": "2026-01-01", "target_date": "2025-01-01"}, "target_date"),
])
def test_bad_benefits(app, client, setup, overrides, field):
    _case(client, setup)
    response = client.post(f"/initiatives/{setup}/benefits/new", data={**BENEFIT, **overrides})
    assert response.status_code == 422 and f'id="{field}-error"' in response.data.decode()
    assert count(app, Benefit) == 0


def test_case_figures_on_the_page(app, client, setup):
    _case(client, setup)
    client.post(f"/initiatives/{setup}/benefit-case/costs",
                data={"category": "utveckling", "first_year": "2026", "amount": "600 000"})
    client.post(f"/initiatives/{setup}/benefit-case/costs",
                data={"category": "drift", "recurring": "lopande", "first_year": "2027",
                      "last_year": "2030", "amount": "120000"})
    assert client.post(f"/initiatives/{setup}/benefits/new", data=BENEFIT).status_code == 302
    page = client.get(f"/initiatives/{setup}/benefit-case").data.decode()
    assert "2\u00a0299\u00a0337\u00a0kr" in page            # NPV, the hand case
    assert re.search(r'id="kpi-payback">2027', page)
    assert re.search(r'id="kpi-ratio">3,2<', page)
    assert re.search(r'id="kpi-reallocation">3\u00a0600\u00a0000\u00a0kr', page)
    # Shrinking the period below the lines is refused, nothing lost.
    shrink = _case(client, setup, horizon="2", version="1")
    assert shrink.status_code == 422 and "ligger utanför den nya perioden" in shrink.data.decode()


def _decide(app, initiative_id: int, decision: str, decided_on=None) -> None:
    """A portfolio decision naming the initiative, as the decision log records it."""
    from datetime import date, datetime

    from portfolio.prioritisation.models import PortfolioDecision
    with app.app_context():
        db.session.add(PortfolioDecision(
            year=2026, body="portfoljrad", decided_on=decided_on or date(2026, 5, 1), decision=decision,
            reason="Test", created_at=datetime(2026, 5, 1),
            initiatives=[db.session.get(Initiative, initiative_id)]))
        db.session.commit()


def test_gate_refuses_then_passes(app, client, setup):
    url = f"/initiatives/{setup}/phase"
    refused = client.post(url, data={"phase": "prioriterad", "version": "1"})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert 'id="gate-missing"' in html
    assert "Behovsanalysen är markerad som klar" in html and "Varje nytta har en nyttoägare" in html
    with app.app_context():
        assert db.session.get(Initiative, setup).phase == "behovsanalys"
    # An editor cannot override.
    assert client.post(url, data={"phase": "prioriterad", "version": "1", "override": "y",
                                  "reason": "Brådskande"}).status_code == 403
    # Fix what is missing.
    client.post(f"/initiatives/{setup}/needs", data=COMPLETE_NEEDS)
    client.post(f"/initiatives/{setup}/risks/assessment",
                data={"no_significant_risks": "y", "reason": "Liten förändring"})
    _case(client, setup)
    client.post(f"/initiatives/{setup}/benefits/new", data=BENEFIT)
    detail = client.get(f"/initiatives/{setup}").data.decode()
    # The documents are there; what is left is the portfolio decision that names it.
    missing_next = detail.split('id="missing-next"')[1].split("</ul>")[0]
    assert "Ett portföljbeslut som prioriterar initiativet är registrerat" in missing_next
    assert "Behovsanalysen" not in missing_next
    refused = client.post(url, data={"phase": "prioriterad", "version": "1"})
    assert refused.status_code == 422 and "portföljbeslut" in refused.data.decode()
    _decide(app, setup, "prioriterad")
    detail = client.get(f"/initiatives/{setup}").data.decode()
    assert "Underlaget räcker för nästa fas (Prioriterad)" in detail
    assert client.post(url, data={"phase": "prioriterad", "version": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Initiative, setup).phase == "prioriterad"


def test_office_override_needs_a_reason_and_is_logged(app, client, make_user, setup):
    from tests.conftest import login
    client.post("/logout")
    _, email = make_user("portfolio_office")
    login(client, email)
    url = f"/initiatives/{setup}/phase"
    no_reason = client.post(url, data={"phase": "prioriterad", "version": "1", "override": "y"})
    assert no_reason.status_code == 422 and "kräver en skriftlig motivering" in no_reason.data.decode()
    ok = client.post(url, data={"phase": "prioriterad", "version": "1", "override": "y",
                                "reason": "KS beslut 2026-05-01"})
    assert ok.status_code == 302
    with app.app_context():
        row = db.session.scalar(db.select(ChangeLogEntry).where(ChangeLogEntry.action == "phase"))
        assert "Undantag från fasgrinden" in row.reason and "KS beslut 2026-05-01" in row.reason


def test_underlag_saknas_filter(app, client, setup):
    html = client.get("/initiatives/?basis=next").data.decode()
    assert "Digital ansökan om bygglov" in html
    client.post(f"/initiatives/{setup}/needs", data=COMPLETE_NEEDS)
    client.post(f"/initiatives/{setup}/risks/assessment",
                data={"no_significant_risks": "y", "reason": "Liten förändring"})
    _case(client, setup)
    client.post(f"/initiatives/{setup}/benefits/new", data=BENEFIT)
    assert "Digital ansökan om bygglov" in client.get("/initiatives/?basis=next").data.decode()
    _decide(app, setup, "prioriterad")      # the decision is part of the next gate
    assert "Digital ansökan om bygglov" not in client.get("/initiatives/?basis=next").data.decode()


def test_other_units_and_viewers_cannot_write_the_basis(app, client, make_user, setup):
    from tests.conftest import login
    for roles, kwargs in ((("viewer",), {}), (("editor",), {"units": ["KFF"]}),
                          (("programme_manager",), {"areas": ["valfard"]})):
        client.post("/logout")
        _, email = make_user(*roles, **kwargs)
        login(client, email)
        assert client.get(f"/initiatives/{setup}/needs").status_code == 200  # reading is fine
        for url, data in ((f"/initiatives/{setup}/needs", COMPLETE_NEEDS),
                          (f"/initiatives/{setup}/risks/new", RISK),
                          (f"/initiatives/{setup}/risks/assessment", {"reason": "x"}),
                          (f"/initiatives/{setup}/benefit-case", {"start_year": "2026"}),
                          (f"/initiatives/{setup}/benefits/new", BENEFIT)):
            assert client.post(url, data=data).status_code == 403, (roles, url)
    assert count(app, NeedsAnalysis) == 0 and count(app, Risk) == 0 and count(app, BenefitCase) == 0


def test_another_initiatives_children_are_404(app, client, make_user, setup):
    with app.app_context():
        office = db.session.scalar(db.select(User).where(User.email.like("portfolio_office%")))
        other = make_initiative(office, owning_unit="SBF", title="Annat")
        other_id = other.id
    client.post(f"/initiatives/{other_id}/risks/new", data=RISK)
    with app.app_context():
        risk_id = db.session.scalar(db.select(Risk.id))
    assert client.get(f"/initiatives/{setup}/risks/{risk_id}/edit").status_code == 404
    assert client.get(f"/initiatives/{setup}/risks/99999999999/edit").status_code == 404


def test_decision_document_and_history(app, client, setup):
    client.post(f"/initiatives/{setup}/needs", data=COMPLETE_NEEDS)
    client.post(f"/initiatives/{setup}/risks/new", data=RISK)
    doc = client.get(f"/initiatives/{setup}/decision-document")
    assert doc.status_code == 200
    html = doc.data.decode()
    assert "Beslutsunderlag:" in html and "Ansökan om bygglov sker på papper." in html
    assert "Leverantören hinner inte" in html and "@media print" not in html
    detail = client.get(f"/initiatives/{setup}").data.decode()
    assert "Skapade risk" in detail and "Skapade behovsanalys" in detail


def test_cost_lines_are_edited_and_removed_with_their_version(app, client, setup):
    from decimal import Decimal

    from portfolio.benefits import services as benefit_services

    with app.app_context():
        ini = db.session.get(Initiative, setup)
        office = db.session.scalar(db.select(User).where(User.email.like("portfolio_office%")))
        benefit_services.save_case(ini, {"start_year": 2025, "horizon": 5, "discount_rate": Decimal("0.03"),
                                         "hourly_cost": Decimal("500")}, office)
        line_id = benefit_services.save_cost_line(ini, {"category": "licens", "first_year": 2025,
                                                        "amount": Decimal("1000")}, office).id
    edit = f"/initiatives/{setup}/benefit-case/costs/{line_id}/edit"
    assert 'name="version" type="hidden" value="1"' in client.get(edit).get_data(as_text=True)
    data = {"category": "licens", "recurring": "engang", "first_year": "2025", "amount": "2000"}
    assert client.post(edit, data=data | {"version": "1"}).status_code == 302
    stale = client.post(edit, data=data | {"amount": "3000", "version": "1"})
    assert stale.status_code == 409 and "ändrades av" in stale.get_data(as_text=True)
    remove = f"/initiatives/{setup}/benefit-case/costs/{line_id}/remove"
    refused = client.post(remove, data={"version": "1"}, follow_redirects=True)
    assert "Någon annan har sparat" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CostLine, line_id).amount == Decimal("2000")
    assert client.post(remove, data={"version": "2"}).status_code == 302
    with app.app_context():
        assert db.session.get(CostLine, line_id) is None


def test_decision_document_is_dated_by_the_applications_clock(app, client, setup, monkeypatch):
    from datetime import date
    # Years on, the login would have expired (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS).
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 10**7)
    monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_HOURS", 10**6)
    travel_to(date(2031, 2, 3))
    try:
        page = client.get(f"/initiatives/{setup}/decision-document").data.decode()
    finally:
        travel_back()
    assert "Utskrivet 2031-02-03" in page
