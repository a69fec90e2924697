"""The start page per role, the to-do list's lateness groups and its count in the navigation,
and the demo data's dates and decisions (time frozen where it matters)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.benefits import services as benefits
from portfolio.extensions import db
from portfolio.followups import queries as todo_queries
from portfolio.followups import services as followup_services
from portfolio.followups.models import Measurement
from portfolio.initiatives.models import GateOverride, Initiative
from portfolio.needs import services as needs
from portfolio.prioritisation.models import PortfolioDecision
from portfolio.risks import services as risks
from tests.conftest import login, travel_back, travel_to
from tests.factories import COMPLETE_NEEDS, make_initiative

TODAY = date(2026, 11, 27)
NEEDS = COMPLETE_NEEDS



@pytest.fixture
def office(app, make_user):
    office_id, email = make_user("portfolio_office")
    with app.app_context():
        return {"id": office_id, "email": email}


def _actor(office_id):
    return db.session.get(User, office_id)


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


def nav_count(html: str) -> int | None:
    nav = re.search(r'<nav aria-label="Huvudmeny".*?</nav>', html, re.S).group(0)
    match = re.search(r'id="nav-todo">Att göra <span class="nav-count">\((\d+)\)</span>', nav)
    return int(match.group(1)) if match else None


def _benefit(ini, actor, title, frequency="kvartal", baseline_date=date(2025, 1, 1)):
    if benefits.get_case(ini.id) is None:
        benefits.save_case(ini, {"start_year": 2025, "horizon": 5, "discount_rate": Decimal("0.03"),
                                 "hourly_cost": Decimal(450)}, actor)
    return benefits.save_benefit(ini, {
        "title": title, "kind": "kvalitativ", "beneficiary": "invanare", "direction": "lagre",
        "frequency": frequency, "certainty": "trolig", "unit": "dagar", "indicator": "Tid",
        "baseline": Decimal(40), "target": Decimal(20), "baseline_date": baseline_date,
        "target_date": date(2027, 12, 31), "owner": "Chef"}, actor)


def _measured(benefit, on: date):
    db.session.add(Measurement(benefit_id=benefit.id, measured_on=on, value=Decimal(35),
                               created_at=benefit.created_at))


# --- login and the page itself ---------------------------------------------------------------

def test_start_page_needs_login_and_login_lands_on_it(client, make_user):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _, email = make_user("viewer")
    response = login(client, email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login", data={"email": email, "password": "korrekt-hast-batteri",
                                           "next": "/plans/"})
    assert response.headers["Location"] == "/plans/"      # next still wins


def test_user_without_a_role_is_told_what_to_do(app, client, make_user):
    from portfolio.auth.models import UserRole

    user_id, email = make_user("viewer")
    with app.app_context():
        db.session.execute(db.delete(UserRole).where(UserRole.user_id == user_id))
        db.session.commit()
    login(client, email)
    html = client.get("/").data.decode()
    assert 'id="start-no-role"' in html and "Be administratören om en roll" in html


# --- portfolio office ------------------------------------------------------------------------

def test_office_empty_states_say_what_to_do_next(client, office, frozen):
    login(client, office["email"])
    html = section(client.get("/").data.decode(), "start-office")
    assert "Inga initiativ väntar på portföljbeslut" in html
    assert "Alla initiativ i prioriterad fas eller senare har ett portföljbeslut" in html
    assert "Inga undantag från fasgrindarna har gjorts" in html
    assert "Alla initiativ som ska följas upp har en uppföljning för perioden" in html
    assert 'href="/initiatives/?phase=behovsanalys&amp;basis=next"' in html
    assert 'href="/todo"' in html


def test_office_sees_gate_work_overrides_and_missing_follow_ups(app, client, office, frozen):
    with app.app_context():
        actor = _actor(office["id"])
        ready = make_initiative(actor, title="Ärendehantering bygglov", phase="behovsanalys",
                                need_owner="Chef")
        needs.save(ready, NEEDS, actor, complete=True, expected_version=None)
        risks.set_no_significant_risks(ready, True, "Liten förändring", actor)
        benefits.save_case(ready, {"start_year": 2026, "horizon": 5, "discount_rate": Decimal("0.03"),
                                   "hourly_cost": Decimal(450)}, actor)
        benefits.save_benefit(ready, {"title": "Sparad tid", "kind": "kvalitativ",
                                      "beneficiary": "medarbetare", "direction": "hogre",
                                      "frequency": "ar", "certainty": "trolig",
                                      "indicator": "Nöjdhet", "owner": "Bygglovschef"}, actor)
        make_initiative(actor, title="Chattbot utan underlag", phase="behovsanalys")
        running = make_initiative(actor, title="E-arkiv utan beslut", phase="genomforande",
                                  owning_unit="VOF")
        db.session.add(GateOverride(initiative_id=running.id, from_phase="planering",
                                    to_phase="genomforande", missing="funding",
                                    reason="Akut: leverantören avvecklar systemet", user_id=actor.id,
                                    created_at=datetime(2026, 11, 20, 10)))
        db.session.commit()
        ids = {"ready": ready.id, "running": running.id}
    login(client, office["email"])
    html = section(client.get("/").data.decode(), "start-office")
    ready_list = re.search(r'id="start-ready">(.*?)</ul>', html, re.S).group(1)
    assert "Ärendehantering bygglov" in ready_list and "Chattbot" not in ready_list
    assert f'href="/initiatives/{ids["ready"]}"' in ready_list
    assert 'href="/prioritisation/decisions?year=2026"' in html
    undecided = re.search(r'id="start-undecided">(.*?)</ul>', html, re.S).group(1)
    assert "E-arkiv utan beslut" in undecided and "Genomförande" in undecided
    overrides = re.search(r'id="start-overrides">(.*?)</ul>', html, re.S).group(1)
    assert "2026-11-20" in overrides and "Akut: leverantören avvecklar systemet" in overrides
    per_committee = re.search(r'id="start-followups-per-committee">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"Vård- och omsorgsnämnden</th><td class=\"num\">1<", per_committee)
    assert 'href="/todo#todo-followup"' in html

    # A prioritising decision takes it off the list; a follow-up for the period empties the table.
    with app.app_context():
        actor = _actor(office["id"])
        db.session.add(PortfolioDecision(year=2026, body="portfoljrad", decided_on=date(2026, 1, 10),
                                         decision="prioriterad", reason="Beslut", created_at=datetime(2026, 1, 10),
                                         initiatives=[db.session.get(Initiative, ids["running"])]))
        db.session.commit()
        followup_services.save_followup(db.session.get(Initiative, ids["running"]), {
            "year": 2026, "period": "delar", "status": "gron", "progress": 10}, actor)
    html = section(client.get("/").data.decode(), "start-office")
    assert "Alla initiativ i prioriterad fas eller senare har ett portföljbeslut" in html
    assert "Alla initiativ som ska följas upp har en uppföljning för perioden" in html


def test_office_start_page_reads_in_a_fixed_number_of_queries(app, client, office, frozen):
    """No N+1: ten more initiatives in the lists cost no more queries."""
    from sqlalchemy import event

    def count_queries():
        statements = []

        def listener(*args):
            statements.append(args[2])
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    def add(n):
        with app.app_context():
            actor = _actor(office["id"])
            for i in range(n):
                make_initiative(actor, title=f"Initiativ {i}", phase="planering",
                                owning_unit=("VOF", "SBF", "KFF")[i % 3])
    login(client, office["email"])
    add(2)
    few = count_queries()
    add(10)
    assert count_queries() <= few + 2


# --- programme manager -----------------------------------------------------------------------

def test_programme_manager_sees_their_areas_due_work_and_an_empty_state_elsewhere(app, client, make_user,
                                                                                  office, frozen):
    with app.app_context():
        actor = _actor(office["id"])
        ini = make_initiative(actor, owning_unit="SBF", primary_area="stad-landsbygd",
                              phase="genomforande", title="Digitala bygglov")
        recent = _benefit(ini, actor, "Kortare handläggningstid")
        _measured(recent, TODAY - timedelta(days=100))            # due ~10 days ago
        old = _benefit(ini, actor, "Färre kompletteringar", frequency="ar")
        _measured(old, date(2025, 6, 1))                           # due 2026-06-01, long past
        db.session.commit()
    _, email = make_user("programme_manager", areas=["stad-landsbygd"])
    login(client, email)
    html = section(client.get("/").data.decode(), "start-manager")
    items = re.search(r'id="start-manager-items">(.*?)</ul>', html, re.S).group(1)
    assert "Mät Kortare handläggningstid" in items
    assert "Följ upp Digitala bygglov" in items                      # delår 2026 missing
    assert "Färre kompletteringar" not in items                      # long past: only counted
    long_past = re.search(r'id="start-manager-long">(.*?)</p>', html, re.S).group(1)
    assert "1 mätning" in long_past and 'href="/todo#todo-measurement-long"' in long_past

    client.post("/logout")
    _, other = make_user("programme_manager", areas=["valfard"])
    login(client, other)
    html = section(client.get("/").data.decode(), "start-manager")
    assert "Inga mätningar eller uppföljningar väntar i dina områden" in html
    assert "Digitala bygglov" not in html


# --- editor ----------------------------------------------------------------------------------

def test_editor_sees_drafts_with_what_the_next_gate_lacks(app, client, make_user, office, frozen):
    with app.app_context():
        actor = _actor(office["id"])
        idea = make_initiative(actor, title="Sensorer i parker", owning_unit="SBF", phase="ide")
        analysis = make_initiative(actor, title="Digital detaljplan", owning_unit="SBF",
                                   phase="behovsanalys")
        needs.save(analysis, NEEDS | {"problem": "utkast"}, actor, complete=False, expected_version=None)
        running = make_initiative(actor, title="E-tjänst strandskydd", owning_unit="SBF",
                                  phase="genomforande")
        make_initiative(actor, title="Annan enhets idé", owning_unit="VOF", phase="ide")
        ids = {"idea": idea.id, "analysis": analysis.id, "running": running.id}
    _, email = make_user("editor", units=["SBN"])
    login(client, email)
    html = section(client.get("/").data.decode(), "start-editor")
    drafts = re.search(r'id="start-drafts">(.*)', html, re.S).group(1)

    def item_of(key):
        return re.search(rf'id="draft-{ids[key]}">(.*?)(?:<li class="start-draft"|$)', drafts, re.S).group(1)

    assert "Sensorer i parker" in drafts and "Digital detaljplan" in drafts
    assert "E-tjänst strandskydd" in drafts                # active, needs analysis not complete
    assert "Annan enhets idé" not in drafts
    # The behovsanalys draft lacks, for prioriterad, what the gate asks (each a link there).
    item = item_of("analysis")
    assert "behovsanalysen är ett utkast" in item
    assert f'href="/initiatives/{ids["analysis"]}/needs"' in item
    assert "Saknas för prioriterad" in item and "Behovsanalysen är markerad som klar" in item
    assert f'href="/initiatives/{ids["analysis"]}/benefit-case"' in item
    assert "Ett portföljbeslut" not in item                # the decision is the office's
    idea_item = item_of("idea")
    assert "behovsanalysen är inte påbörjad" in idea_item and "Inget saknas för behovsanalys" in idea_item


def test_editor_without_drafts_is_offered_a_new_initiative(client, make_user, frozen):
    _, email = make_user("editor", units=["SBN"])
    login(client, email)
    html = section(client.get("/").data.decode(), "start-editor")
    assert "Inga utkast i dina enheter" in html and 'href="/initiatives/new"' in html


# --- viewer ----------------------------------------------------------------------------------

def test_viewer_gets_the_report_and_dashboards_and_no_att_gora(client, make_user, frozen):
    _, email = make_user("viewer")
    login(client, email)
    page = client.get("/").data.decode()
    html = section(page, "start-viewer")
    assert 'href="/reports/ks/2025"' in html and "Årsuppföljning 2025" in html
    assert 'href="/reports/ks/2026"' in html
    assert 'href="/dashboards/"' in html and 'href="/dashboards/revisionsfragorna"' in html
    assert 'id="nav-todo"' not in page and 'href="/todo"' not in page
    todo = client.get("/todo").data.decode()
    assert 'id="todo-not-for-you"' in todo and 'href="/"' in todo
    assert 'id="nav-todo"' not in todo


def test_roles_combine_into_one_section_each(client, make_user, frozen):
    _, email = make_user("programme_manager", "editor", "viewer", areas=["service"], units=["SBN"])
    login(client, email)
    html = client.get("/").data.decode()
    for section_id in ("start-manager", "start-editor", "start-viewer"):
        assert f'id="{section_id}"' in html
    assert 'id="start-office"' not in html
    assert len(re.findall(r"<section[^>]*aria-labelledby=", html)) == 3


# --- the to-do list: groups, summary of long-past items, the count in the navigation --------

@pytest.fixture
def lateness(app, office, frozen):
    """One benefit per lateness group, and risks likewise (area stad-landsbygd, unit SBF)."""
    with app.app_context():
        actor = _actor(office["id"])
        ini = make_initiative(actor, owning_unit="SBF", primary_area="stad-landsbygd",
                              phase="genomforande", title="Digitala bygglov")
        for title, last in (("Snart", TODAY - timedelta(days=80)),          # due in ~11 days
                            ("Nyss", TODAY - timedelta(days=100)),          # ~9 days late
                            ("Sent", TODAY - timedelta(days=150)),          # ~59 days late
                            ("Länge sedan A", TODAY - timedelta(days=300)),  # > 90 days late
                            ("Länge sedan B", TODAY - timedelta(days=400))):
            _measured(_benefit(ini, actor, title), last)
        for title, review in (("Risk nyss", TODAY - timedelta(days=3)),
                              ("Risk länge sedan", TODAY - timedelta(days=200)),
                              ("Risk snart", TODAY + timedelta(days=10)),
                              ("Risk långt fram", TODAY + timedelta(days=90))):
            risks.save_risk(ini, {"title": title, "kind": "risk", "category": "teknik",
                                  "probability": 2, "consequence": 2, "status": "oppen",
                                  "review_date": review}, actor)
        db.session.commit()
        return ini.id


def test_todo_groups_by_lateness_and_summarises_long_past_items(app, office, lateness):
    with app.app_context():
        todo = todo_queries.todo(_actor(office["id"]), TODAY)
    groups = {(i.kind, i.title): i.group for i in todo.items}
    assert groups[("measurement", "Snart")] == todo_queries.SOON
    assert groups[("measurement", "Nyss")] == todo_queries.RECENT
    assert groups[("measurement", "Sent")] == todo_queries.LATE
    assert groups[("measurement", "Länge sedan A")] == todo_queries.LONG_PAST
    assert groups[("risk", "Risk nyss")] == todo_queries.RECENT
    assert groups[("risk", "Risk snart")] == todo_queries.SOON
    assert ("risk", "Risk långt fram") not in groups
    assert {i.title for i in todo.long_past("measurement")} == {"Länge sedan A", "Länge sedan B"}
    assert [g for g, _ in todo.grouped("measurement")] == [todo_queries.RECENT, todo_queries.LATE,
                                                           todo_queries.SOON]
    assert todo_queries.lateness_group(todo_queries.LONG_PAST_DAYS, True) == todo_queries.LATE
    assert todo_queries.lateness_group(todo_queries.LONG_PAST_DAYS + 1, True) == todo_queries.LONG_PAST


def test_todo_page_lists_recent_groups_and_folds_long_past_ones(client, office, lateness):
    login(client, office["email"])
    html = client.get("/todo").data.decode()
    measurement = re.search(r'id="todo-measurement">(.*?)</section>', html, re.S).group(1)
    listed, _, folded = measurement.partition('id="todo-measurement-long"')
    for heading in ("Förfallet senaste 30 dagarna", "Förfallet 31–90 dagar", "Snart dags (inom 30 dagar)"):
        assert heading in listed
    assert listed.index("Förfallet senaste 30 dagarna") < listed.index("Förfallet 31–90 dagar")
    assert "Mät Nyss" in listed and "Mät Sent" in listed and "Mät Snart" in listed
    assert "Länge sedan" not in listed                                  # not listed one by one …
    assert re.search(r"<summary>Förfallet mer än 90 dagar: 2 uppgifter</summary>", folded)  # … counted
    assert "Mät Länge sedan A" in folded                                # and expandable
    risk = re.search(r'id="todo-risk">(.*?)</section>', html, re.S).group(1)
    assert "Förfallet mer än 90 dagar: 1 uppgift<" in risk and "Risk långt fram" not in risk
    overview = re.search(r'id="todo-overview">(.*?)</section>', html, re.S).group(1)
    assert 'href="#todo-measurement-long">2</a>' in overview


@pytest.mark.parametrize("role, scope", [("portfolio_office", {}),
                                         ("programme_manager", {"areas": ["stad-landsbygd"]}),
                                         ("editor", {"units": ["SBN"]})])
def test_nav_count_is_the_todo_count(app, client, make_user, lateness, role, scope):
    user_id, email = make_user(role, **scope)
    login(client, email)
    with app.app_context():
        expected = len(todo_queries.todo(db.session.get(User, user_id), TODAY).items)
    assert expected > 0
    for url in ("/", "/todo", "/initiatives/"):
        assert nav_count(client.get(url).data.decode()) == expected, url


def test_nav_count_is_zero_when_nothing_waits_and_absent_for_viewers(client, make_user, frozen):
    _, email = make_user("programme_manager", areas=["valfard"])
    login(client, email)
    assert nav_count(client.get("/initiatives/").data.decode()) == 0
    client.post("/logout")
    _, email = make_user("viewer")
    login(client, email)
    assert 'id="nav-todo"' not in client.get("/initiatives/").data.decode()


# --- the demo data ---------------------------------------------------------------------------

@pytest.mark.parametrize("today", [None, date(2028, 3, 15)], ids=["today", "2028-03-15"])
def test_demo_has_a_realistic_mix_of_work_and_honest_decisions(app, today):
    from portfolio.clock import today as clock_today
    from portfolio.decision_basis.requirements import decision_condition
    from portfolio.demo.loader import DEMO_NOTE_INVENTED, load_demo
    from portfolio.domain import phases as P

    if today:
        travel_to(today)
    try:
        with app.app_context():
            assert load_demo() is True
            day = clock_today()
            office = db.session.scalar(db.select(User).where(User.email == "projektkontoret@exempel.se"))
            items = todo_queries.todo(office, day).items
            assert any(not i.overdue and i.due and i.due >= day for i in items), "nothing due soon"
            assert any(i.overdue and i.days_late < 30 for i in items), "nothing recently overdue"
            assert max(i.days_late for i in items) <= 365, [
                (i.kind, i.title, i.due) for i in items if i.days_late > 365]
            assert {i.kind for i in items} >= {"measurement", "risk"}
            assert db.session.scalar(db.select(db.func.count(GateOverride.id))) == 0

            # Every initiative in prioriterad or later is named by a prioritising decision, which
            # is its latest one (the gate rule), dated before it started and marked as invented.
            later = P.MAIN_FLOW[P.MAIN_FLOW.index(P.PRIORITERAD):]
            rows = db.session.execute(db.select(Initiative, decision_condition().label("ok"))
                                      .where(Initiative.phase.in_(later))).all()
            assert len(rows) > 20
            assert [ini.ref for ini, ok in rows if not ok] == []
            for ini, _ in rows:
                decision = db.session.scalar(db.select(PortfolioDecision).where(
                    PortfolioDecision.initiatives.contains(ini),
                    PortfolioDecision.decision == "prioriterad"))
                assert decision.body in ("projektkontor", "portfoljrad", "ks")
                assert decision.reason.endswith(f"({DEMO_NOTE_INVENTED})")
                assert ini.start_date is None or decision.decided_on < ini.start_date
            # Paused and cancelled initiatives that had started were prioritised too.
            for ref in ("DIG-027", "DIG-038", "DIG-039", "DIG-044"):
                ini = db.session.scalar(db.select(Initiative).where(Initiative.ref == ref))
                assert ini.phase in P.SIDE_STATES
                assert db.session.scalar(db.select(decision_condition()).where(Initiative.id == ini.id))
    finally:
        travel_back()
