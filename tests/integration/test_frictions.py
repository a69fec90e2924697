"""Small frictions from the issue tracker: money on pages, build time for admins only, demo
logins on the login page, live risk score, the after-mitigation matrix, the proposed follow-up
period and the measurement form above the history."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.benefits import services as benefit_services
from portfolio.demo.loader import DEMO_PASSWORD, demo_logins
from portfolio.extensions import db
from portfolio.followups import services as followup_services
from portfolio.programme.services import current_programme
from portfolio.risks import services as risk_services
from portfolio.risks.models import Risk
from tests.factories import make_initiative

TODAY = date(2026, 11, 27)
NB = "\u00a0"



@pytest.fixture
def office(app, client, login_as):
    return login_as("portfolio_office")


def _initiative(app, office_id, **overrides):
    with app.app_context():
        actor = db.session.get(User, office_id)
        return make_initiative(actor, owning_unit="SBF", primary_area="stad-landsbygd",
                               **({"phase": "genomforande"} | overrides)).id


def _risk(app, office_id, ini_id, **values):
    from portfolio.initiatives.models import Initiative

    with app.app_context():
        actor, ini = db.session.get(User, office_id), db.session.get(Initiative, ini_id)
        base = {"kind": "risk", "category": "teknik", "status": "oppen", "title": "r",
                "probability": 4, "consequence": 4}
        return risk_services.save_risk(ini, base | values, actor).id


# --- 1. money -------------------------------------------------------------------------------

def test_follow_up_cost_is_shown_with_ore_and_whole_kronor_without(app, client, office, frozen):
    ini = _initiative(app, office)
    for period, cost in (("delar", "1234,50"), ("helar", "2000")):
        r = client.post(f"/initiatives/{ini}/followups", data={
            "year": "2025", "period": period, "status": "gron", "progress": "10", "cost_to_date": cost})
        assert r.status_code == 302
    table = re.search(r'id="followup-table">(.*?)</table>', client.get(
        f"/initiatives/{ini}/followups").data.decode(), re.S).group(1)
    assert f"1{NB}234,50{NB}kr" in table and f"1{NB}235{NB}kr" not in table
    assert f"2{NB}000{NB}kr" in table and f"2{NB}000,00" not in table


# --- 2. build time --------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("portfolio_office", False),
                                             ("viewer", False)])
def test_build_time_is_for_admins_only(client, login_as, role, shown):
    login_as(role)
    page = client.get("/dashboards/portfoljoversikt")
    assert page.status_code == 200
    assert ("Byggd på" in page.data.decode()) is shown


# --- 3. demo logins -------------------------------------------------------------------------

def test_login_page_lists_the_demo_logins_in_demo_mode_only(app, client, monkeypatch):
    assert "Demoinloggningar" not in client.get("/login").data.decode()
    monkeypatch.setitem(app.config, "DEMO", True)
    page = client.get("/login").data.decode()
    hint = re.search(r'id="demo-logins"(.*?)</section>', page, re.S).group(1)
    assert DEMO_PASSWORD in hint
    for email, description in demo_logins():
        assert email in hint and description in hint


# --- 4. live risk score ---------------------------------------------------------------------

def _score_text(page: str, box: str) -> str:
    match = re.search(rf'id="{box}"[^>]*aria-live="polite"[^>]*>.*?data-risk-score-value>(.*?)</strong>',
                      page, re.S)
    assert match, f"no live score {box}"
    return match.group(1).strip()


def test_risk_form_shows_score_and_band_before_and_after(app, client, office):
    ini = _initiative(app, office)
    page = client.get(f"/initiatives/{ini}/risks/new").data.decode()
    assert _score_text(page, "score-before") == "ange sannolikhet och konsekvens (1–5)"
    assert 'src="/static/js/risk-score.js"' in page and "<script>" not in page
    assert re.search(r'data-bands="\[\{&#34;code&#34;: &#34;lag&#34;', page), "bands for the script"

    risk = _risk(app, office, ini, residual_probability=2, residual_consequence=2,
                 mitigation="m", owner="o", due_date=date(2026, 12, 1))
    page = client.get(f"/initiatives/{ini}/risks/{risk}/edit").data.decode()
    assert _score_text(page, "score-before") == "16 (Kritisk)"
    assert _score_text(page, "score-after") == "4 (Låg)"
    assert 'class="risk-score__value band-kritisk"' in page

    # A refused form shows the score of what was entered.
    page = client.post(f"/initiatives/{ini}/risks/new", data={
        "title": "", "kind": "risk", "category": "teknik", "status": "oppen",
        "probability": "3", "consequence": "4"}).data.decode()
    assert _score_text(page, "score-before") == "12 (Hög)"
    assert _score_text(page, "score-after") == "ange sannolikhet och konsekvens (1–5)"


# --- 5. matrix after mitigation -------------------------------------------------------------

def _cell(page: str, matrix: str, p: int, c: int) -> int:
    table = re.search(rf'id="{matrix}">(.*?)</table>', page, re.S).group(1)
    label = re.search(rf'aria-label="Sannolikhet {p}, konsekvens {c}, [^:]*: (\d+) risker"', table)
    return int(label.group(1))


def test_after_matrix_has_only_risks_with_after_values(app, client, office):
    ini = _initiative(app, office)
    _risk(app, office, ini, title="utan")                               # 4 × 4, nothing after
    _risk(app, office, ini, title="med", residual_probability=2, residual_consequence=2)
    half = _risk(app, office, ini, title="halv")
    _risk(app, office, ini, title="chans", kind="mojlighet", probability=3, consequence=3)
    with app.app_context():   # older data may have only one of the two after-values
        db.session.execute(db.update(Risk).where(Risk.id == half).values(residual_probability=1))
        db.session.commit()
    page = client.get(f"/initiatives/{ini}/risks/").data.decode()
    assert _cell(page, "matrix-before", 4, 4) == 3
    assert _cell(page, "matrix-after", 4, 4) == 0      # not left at their original place
    assert _cell(page, "matrix-after", 2, 2) == 1
    assert _cell(page, "matrix-after", 1, 4) == 0
    after_total = sum(_cell(page, "matrix-after", p, c) for p in range(1, 6) for c in range(1, 6))
    assert after_total == 1
    note = re.search(r'id="matrix-after-note">(.*?)</p>', page, re.S).group(1)
    assert note == "2 risker saknar värden efter åtgärd och finns inte med i matrisen."


def test_no_note_when_every_risk_has_after_values(app, client, office):
    ini = _initiative(app, office)
    _risk(app, office, ini, residual_probability=2, residual_consequence=3)
    page = client.get(f"/initiatives/{ini}/risks/").data.decode()
    assert 'id="matrix-after-note"' not in page and _cell(page, "matrix-after", 2, 3) == 1


# --- 6. proposed follow-up period -----------------------------------------------------------

def _proposed(client, ini) -> tuple[str, str]:
    page = client.get(f"/initiatives/{ini}/followups").data.decode()
    year = re.search(r'<input[^>]*id="year"[^>]*value="(\d+)"', page).group(1)
    period = re.search(r'<select[^>]*id="period".*?<option selected value="(\w+)"|'
                       r'<select[^>]*id="period".*?<option[^>]*value="(\w+)"[^>]*selected', page, re.S)
    return year, period.group(1) or period.group(2)


def test_new_follow_up_proposes_the_next_period_without_one(app, client, office, frozen):
    ini = _initiative(app, office)
    assert _proposed(client, ini) == ("2026", "delar")       # none yet: the current period

    def save(year, period):
        r = client.post(f"/initiatives/{ini}/followups", data={
            "year": year, "period": period, "status": "gron", "progress": "50"})
        assert r.status_code == 302

    save("2026", "delar")
    assert _proposed(client, ini) == ("2026", "helar")
    save("2025", "delar")                                     # gaps come first, in date order
    assert _proposed(client, ini) == ("2025", "helar")
    save("2025", "helar")
    assert _proposed(client, ini) == ("2026", "helar")
    save("2026", "helar")
    assert _proposed(client, ini) == ("2027", "delar")


def test_first_open_period_is_counted_from_the_first_follow_up(app):
    with app.app_context():
        definitions = current_programme().followup_periods
        from portfolio.domain.schedule import current_period

        now = current_period(TODAY, definitions)
        first = followup_services.first_open_period
        assert first(set(), definitions, now) == now
        # Started with helår 2024: delår 2024 (before the first follow-up) is not proposed.
        found = first({(2024, "helar")}, definitions, now)
        assert (found.year, found.code) == (2025, "delar")
        # Periods no longer in the programme are ignored.
        found = first({(2024, "q3")}, definitions, now)
        assert (found.year, found.code) == (now.year, now.code)


# --- 7. measurement form above the history --------------------------------------------------

def test_log_measurement_form_stands_above_the_history(app, client, office, frozen):
    ini_id = _initiative(app, office)
    from portfolio.initiatives.models import Initiative

    with app.app_context():
        actor, ini = db.session.get(User, office), db.session.get(Initiative, ini_id)
        benefit_services.save_case(ini, {"start_year": 2025, "horizon": 5,
                                         "discount_rate": Decimal("0.03"),
                                         "hourly_cost": Decimal(450)}, actor)
        benefit = benefit_services.save_benefit(ini, {
            "title": "Kortare handläggningstid", "kind": "kvalitativ", "beneficiary": "invanare",
            "direction": "lagre", "frequency": "kvartal", "certainty": "trolig",
            "first_year": 2026, "last_year": 2029, "unit": "dagar", "indicator": "Handläggningstid",
            "baseline": Decimal(40), "target": Decimal(20), "baseline_date": date(2025, 1, 1),
            "target_date": date(2027, 12, 31), "owner": "Bygglovschef"}, actor).id
    page = client.get(f"/initiatives/{ini_id}/benefits/{benefit}").data.decode()
    assert 0 < page.index('id="log-h"') < page.index('id="measurement-table"')
