"""Gates that follow decisions, through the forms and the API (issue: the programme year)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.benefits import services as benefits
from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.initiatives import services as initiative_services
from portfolio.initiatives.models import GateOverride, Initiative
from portfolio.needs import services as needs
from portfolio.prioritisation.models import PortfolioDecision
from portfolio.risks import services as risks
from tests.api_support import ApiClient, token_for
from tests.conftest import login, travel_back, travel_to
from tests.factories import COMPLETE_NEEDS, make_initiative, source_id

YEAR = 2026
NEEDS = COMPLETE_NEEDS


@pytest.fixture
def world(app, make_user):
    """Three initiatives: one ready for prioriterad (documents complete), one empty, one already
    in genomförande with a draft needs analysis and no benefit case."""
    travel_to(date(2026, 11, 27))
    office_id, office_email = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        funding = [initiative_services.FundingInput(YEAR, source_id("centrala-medel"), Decimal(100000))]
        ready = make_initiative(office, title="Ärendehantering bygglov", phase="behovsanalys",
                                need_owner="Chef", funding=funding)
        needs.save(ready, NEEDS, office, complete=True, expected_version=None)
        risks.set_no_significant_risks(ready, True, "Liten förändring", office)
        benefits.save_case(ready, {"start_year": 2026, "horizon": 5, "discount_rate": Decimal("0.03"),
                                   "hourly_cost": Decimal(450)}, office)
        benefits.save_benefit(ready, {"title": "Sparad tid", "kind": "kvalitativ", "beneficiary": "medarbetare",
                                      "direction": "hogre", "frequency": "ar", "certainty": "trolig",
                                      "indicator": "Nöjdhet", "owner": "Bygglovschef"}, office)
        empty = make_initiative(office, title="Chattbot", phase="behovsanalys")
        running = make_initiative(office, title="E-arkiv", phase="genomforande")
        needs.save(running, NEEDS | {"problem": "utkast"}, office, complete=False, expected_version=None)
        ids = {"ready": ready.id, "empty": empty.id, "running": running.id}
    yield {"ids": ids, "office": office_email, "office_id": office_id}
    travel_back()


def phase_of(app, ini_id):
    with app.app_context():
        return db.session.get(Initiative, ini_id).phase


def version_of(app, ini_id):
    with app.app_context():
        return db.session.get(Initiative, ini_id).version


def counts(app):
    with app.app_context():
        return (db.session.scalar(db.select(db.func.count(PortfolioDecision.id))),
                db.session.scalar(db.select(db.func.count(ChangeLogEntry.id))),
                db.session.scalar(db.select(db.func.count(GateOverride.id))))


DECISION = {"body": "portfoljrad", "decided_on": "2026-11-20", "decision": "prioriterad",
            "reason": "Högst poäng", "diarienummer": "KSKF/2026:1"}


def test_the_audits_jump_behovsanalys_to_genomforande_is_refused_and_nothing_changes(app, client, world):
    login(client, world["office"])
    ini_id = world["ids"]["ready"]
    before = counts(app)
    r = client.post(f"/initiatives/{ini_id}/phase", data={"phase": "genomforande",
                                                           "version": str(version_of(app, ini_id))})
    assert r.status_code == 422
    assert "hoppar aldrig över en fas" in r.data.decode()
    assert phase_of(app, ini_id) == "behovsanalys" and counts(app) == before
    # Not even the office with an override and a reason: a phase is never skipped.
    r = client.post(f"/initiatives/{ini_id}/phase", data={
        "phase": "genomforande", "version": str(version_of(app, ini_id)), "override": "y", "reason": "Bråttom"})
    assert r.status_code == 422 and phase_of(app, ini_id) == "behovsanalys" and counts(app) == before


def test_prioriterad_needs_a_decision_even_with_complete_documents(app, client, world):
    login(client, world["office"])
    ini_id = world["ids"]["ready"]
    r = client.post(f"/initiatives/{ini_id}/phase", data={"phase": "prioriterad",
                                                           "version": str(version_of(app, ini_id))})
    html = r.data.decode()
    assert r.status_code == 422 and phase_of(app, ini_id) == "behovsanalys"
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert "Ett portföljbeslut som prioriterar initiativet är registrerat" in summary
    assert f'href="/prioritisation/decisions?year={YEAR}"' in summary       # a link to each missing piece
    assert html.index('id="error-summary"') < html.index('id="facts-h"')     # at the top of the page
    # A reload of the refused POST's URL leads back to the page, not to a 405.
    again = client.get(f"/initiatives/{ini_id}/phase")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/initiatives/{ini_id}")


def test_decision_with_move_moves_all_named_or_none(app, client, world):
    login(client, world["office"])
    ready, empty = world["ids"]["ready"], world["ids"]["empty"]
    before = counts(app)
    r = client.post(f"/prioritisation/decisions?year={YEAR}",
                    data={**DECISION, "move": "y", "initiative_ids": [ready, empty]})
    html = r.data.decode()
    assert r.status_code == 422 and "klarar inte fasgrinden" in html
    assert 'id="decision-preview"' in html                       # per initiative: what would happen
    assert phase_of(app, ready) == "behovsanalys" and counts(app) == before
    r = client.post(f"/prioritisation/decisions?year={YEAR}",
                    data={**DECISION, "move": "y", "initiative_ids": [ready]})
    assert r.status_code == 302
    assert phase_of(app, ready) == "prioriterad"
    with app.app_context():
        entry = db.session.scalar(db.select(ChangeLogEntry).where(
            ChangeLogEntry.entity_id == ready, ChangeLogEntry.action == "phase"))
        assert entry.reason.startswith("Portföljbeslut")


def test_preview_says_what_will_happen_and_saves_nothing(app, client, world):
    login(client, world["office"])
    ids = world["ids"]
    before = counts(app)
    r = client.post(f"/prioritisation/decisions?year={YEAR}",
                    data={**DECISION, "move": "y", "action": "preview",
                          "initiative_ids": [ids["ready"], ids["empty"], ids["running"]]})
    html = r.data.decode()
    assert r.status_code == 200 and counts(app) == before
    preview = html.split('id="decision-preview"')[1].split("</table>")[0]
    rows = preview.split("<tr class=")[1:]
    outcome = {row.split('">')[0]: row for row in rows}
    assert "Flyttas till Prioriterad" in preview and "Ärendehantering bygglov" in outcome['"outcome outcome--moves']
    assert "Chattbot" in outcome['"outcome outcome--blocked'] and "Behovsanalysen är markerad som klar" in preview
    assert "E-arkiv" in outcome['"outcome outcome--stays']


def test_decision_never_moves_backwards(app, client, world):
    """A "Prioriterad" decision for an initiative already in genomförande records the decision
    and leaves the phase alone (the bug from the walk-through moved it back)."""
    login(client, world["office"])
    running = world["ids"]["running"]
    r = client.post(f"/prioritisation/decisions?year={YEAR}",
                    data={**DECISION, "move": "y", "initiative_ids": [running]})
    assert r.status_code == 302 and phase_of(app, running) == "genomforande"


def test_decision_without_move_records_only(app, client, world):
    login(client, world["office"])
    empty = world["ids"]["empty"]
    r = client.post(f"/prioritisation/decisions?year={YEAR}", data={**DECISION, "initiative_ids": [empty]})
    assert r.status_code == 302 and phase_of(app, empty) == "behovsanalys"
    assert counts(app)[0] == 1


def test_office_override_in_a_decision_is_recorded_and_shown(app, client, world):
    login(client, world["office"])
    empty = world["ids"]["empty"]
    r = client.post(f"/prioritisation/decisions?year={YEAR}",
                    data={**DECISION, "move": "y", "initiative_ids": [empty],
                          "override_reason": "KS beslutade trots ofullständigt underlag"})
    assert r.status_code == 302 and phase_of(app, empty) == "prioriterad"
    with app.app_context():
        override = db.session.scalar(db.select(GateOverride))
        assert override.initiative_id == empty and override.decision_id is not None
        assert "needs_analysis_complete" in override.missing_codes
        assert "portfolio_decision" not in override.missing_codes     # the decision was there
    for url in (f"/prioritisation/transparency?year={YEAR}", f"/initiatives/{empty}", f"/reports/ks/{YEAR}"):
        assert "KS beslutade trots ofullständigt underlag" in client.get(url).data.decode(), url


def test_backward_and_side_moves_need_a_reason(app, client, world):
    login(client, world["office"])
    running = world["ids"]["running"]
    v = str(version_of(app, running))
    r = client.post(f"/initiatives/{running}/phase", data={"phase": "pausad", "version": v})
    assert r.status_code == 422 and "Ange varför" in r.data.decode() and phase_of(app, running) == "genomforande"
    r = client.post(f"/initiatives/{running}/phase", data={"phase": "pausad", "version": v,
                                                            "reason": "Leverantören har gått i konkurs"})
    assert r.status_code == 302 and phase_of(app, running) == "pausad"
    # Resuming goes through the gate again: no decision names it, so it is refused.
    r = client.post(f"/initiatives/{running}/phase", data={"phase": "genomforande",
                                                            "version": str(version_of(app, running))})
    assert r.status_code == 422 and phase_of(app, running) == "pausad"


# ---- the same rules through the API -------------------------------------------------------

def api(app, client, world) -> ApiClient:
    return ApiClient(client, token_for(app, world["office_id"]))


def test_api_phase_jump_is_refused_with_the_same_message(app, client, world):
    c = api(app, client, world)
    ini_id = world["ids"]["ready"]
    r = c.post(f"/api/v1/initiatives/{ini_id}/phase",
               json={"phase": "genomforande", "version": version_of(app, ini_id)})
    assert r.status_code == 422
    assert "hoppar aldrig över en fas" in str(r.get_json()["errors"])
    r = c.post(f"/api/v1/initiatives/{ini_id}/phase",
               json={"phase": "prioriterad", "version": version_of(app, ini_id)})
    body = r.get_json()
    assert r.status_code == 422 and "portfolio_decision" in str(body["errors"])
    assert phase_of(app, ini_id) == "behovsanalys"


def test_api_decisions_follow_the_gates(app, client, world):
    c = api(app, client, world)
    ids = world["ids"]
    payload = {"year": YEAR, "body": "portfoljrad", "decided_on": "2026-11-20", "decision": "prioriterad",
               "reason": "Högst poäng", "initiative_ids": [ids["ready"], ids["empty"]]}
    preview = c.post("/api/v1/decisions", json=payload | {"dry_run": True})
    assert preview.status_code == 200, preview.get_json()
    actions = {o["initiative_id"]: o["action"] for o in preview.get_json()["outcomes"]}
    assert actions == {ids["ready"]: "moves", ids["empty"]: "blocked"}
    before = counts(app)
    refused = c.post("/api/v1/decisions", json=payload)
    assert refused.status_code == 422 and "klarar inte fasgrinden" in str(refused.get_json()["errors"])
    assert counts(app) == before
    ok = c.post("/api/v1/decisions", json=payload | {"initiative_ids": [ids["ready"], ids["running"]]})
    assert ok.status_code == 201, ok.get_json()
    assert phase_of(app, ids["ready"]) == "prioriterad" and phase_of(app, ids["running"]) == "genomforande"
    assert sorted(ok.get_json()["initiative_ids"]) == sorted([ids["ready"], ids["running"]])


def test_api_decisions_are_the_offices(app, client, world, make_user):
    editor_id, _ = make_user("editor", units=["SBF"])
    c = ApiClient(client, token_for(app, editor_id))
    r = c.post("/api/v1/decisions", json={"year": YEAR, "body": "portfoljrad", "decided_on": "2026-11-20",
                                          "decision": "prioriterad", "reason": "x",
                                          "initiative_ids": [world["ids"]["ready"]]})
    assert r.status_code == 403 and counts(app)[0] == 0
