"""Prioritisation pages link to each other: the ranked view names its criteria (with a legend) and
links every row to its score sheet, which everyone may read; scoring errors name their criterion;
decisions link their initiatives; an initiative's own priority card (score, rank, decision)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import render_template
from sqlalchemy import event

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.initiatives import services as initiative_services
from portfolio.needs import services as needs
from portfolio.prioritisation import queries
from portfolio.prioritisation.models import CriteriaSet, PortfolioDecision, Score
from portfolio.risks import services as risks
from tests.conftest import login, travel_back, travel_to
from tests.factories import COMPLETE_NEEDS, make_initiative, source_id

YEAR = 2026
NEEDS = COMPLETE_NEEDS


@pytest.fixture
def world(app, make_user):
    """Two initiatives that pass the gates (bygglov scored 5, E-arkiv scored 3) and one that
    does not and has no scores (Chattbot)."""
    travel_to(date(2026, 11, 27))
    office_id, office_email = make_user("portfolio_office")
    with app.app_context():
        office = db.session.get(User, office_id)
        ids = {}
        for title, cost, ready in (("Ärendehantering bygglov", 800000, True),
                                   ("E-arkiv", 300000, True), ("Chattbot", 100000, False)):
            ids[title] = _initiative(office, title, cost, ready)
        criteria_set = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == YEAR))
        criteria = [(c.id, c.code, c.name) for c in criteria_set.criteria]
    yield {"ids": ids, "office": office_email, "office_id": office_id, "set": criteria_set.id,
           "criteria": criteria}
    travel_back()


def _initiative(office, title, cost, ready=True):
    ini = make_initiative(office, title=title, phase="behovsanalys", need_owner="Chef",
                          funding=[initiative_services.FundingInput(
                              YEAR, source_id("centrala-medel"), Decimal(cost))])
    if ready:
        needs.save(ini, NEEDS, office, complete=True, expected_version=None)
        risks.set_no_significant_risks(ini, True, "Liten förändring", office)
    return ini.id


def add_scores(world, ini_id, value, criteria=None):
    """Scores straight into the table (the HTTP path is tested elsewhere)."""
    for crit_id, _code, _name in criteria or world["criteria"]:
        db.session.add(Score(initiative_id=ini_id, criterion_id=crit_id, score=value,
                             motivation=f"Motiverat {value}", scored_by_id=world["office_id"],
                             scored_at=datetime(2026, 11, 20, 10)))
    db.session.commit()


def add_decision(world, ini_ids, decision="avvaktar", decided_on=date(2026, 11, 20), reason="Skäl"):
    from portfolio.initiatives.models import Initiative

    d = PortfolioDecision(year=YEAR, body="portfoljrad", decided_on=decided_on, decision=decision,
                          reason=reason, diarienummer="KSKF/2026:7", created_by_id=world["office_id"],
                          created_at=datetime(2026, 11, 20, 12),
                          initiatives=[db.session.get(Initiative, i) for i in ini_ids])
    db.session.add(d)
    db.session.commit()
    return d.id


@pytest.fixture
def scored(app, world):
    with app.app_context():
        add_scores(world, world["ids"]["Ärendehantering bygglov"], 5)
        add_scores(world, world["ids"]["E-arkiv"], 3)
    return world


@contextmanager
def counted_queries():
    statements: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def main_of(html: str) -> str:
    return re.search(r'<main id="main"[^>]*>(.*)</main>', html, re.S).group(1)


def viewer_client(client, make_user, *roles, **scope):
    client.post("/logout")
    _, email = make_user(*roles, **scope)
    assert login(client, email).status_code == 302
    return client


# 1. The ranked view --------------------------------------------------------------------------

def test_ranked_view_names_criteria_has_a_legend_and_links_rows_to_score_sheets(app, client, make_user, scored):
    ids, names = scored["ids"], [name for _id, _code, name in scored["criteria"]]
    viewer_client(client, make_user, "viewer")
    page = client.get(f"/prioritisation/?year={YEAR}").data.decode()
    table = re.search(r'id="ranking-table">(.*?)</table>', page, re.S).group(1)
    # Names, not codes, in the breakdown.
    assert "Strategisk koppling: 5" in table and "Nytta för invånare: 3" in table
    assert not re.search(r"\b(strategi|invanare|ateranvandning) \d", table)
    # The legend: every criterion by name, in order, each with its own bar style.
    legend = re.search(r'id="breakdown-legend">(.*?)</div>', page, re.S).group(1)
    positions = [legend.index(n) for n in names]
    assert positions == sorted(positions)
    styles = re.findall(r'breakdown__swatch (breakdown__part--\d)', legend)
    assert len(styles) == len(names) == len(set(styles))
    assert "mönster" in legend     # the legend says the parts differ by pattern, not colour alone
    # Every row links to its score sheet for the year, also for a viewer.
    for title in ("Ärendehantering bygglov", "E-arkiv"):
        assert f'href="/prioritisation/score/{ids[title]}?year={YEAR}"' in table
    assert "Visa poäng" in table and "Ändra poäng" not in table
    transparency = client.get(f"/prioritisation/transparency?year={YEAR}").data.decode()
    assert f'href="/prioritisation/score/{ids["E-arkiv"]}?year={YEAR}"' in transparency
    assert 'id="breakdown-legend"' in transparency and "Strategisk koppling: 3" in transparency


def test_office_sees_edit_links(app, client, scored):
    login(client, scored["office"])
    page = client.get(f"/prioritisation/?year={YEAR}").data.decode()
    assert page.count("Ändra poäng") == 2


# 2. The score sheet ---------------------------------------------------------------------------

@pytest.mark.parametrize("roles, scope", [(("viewer",), {}), (("editor",), {"units": ["SBF"]}),
                                          (("programme_manager",), {"areas": ["service"]})])
def test_score_sheet_is_read_only_for_those_who_may_not_score(app, client, make_user, scored, roles, scope):
    viewer_client(client, make_user, *roles, **scope)
    ini_id = scored["ids"]["E-arkiv"]
    response = client.get(f"/prioritisation/score/{ini_id}?year={YEAR}")
    assert response.status_code == 200
    main = main_of(response.data.decode())
    assert "<form" not in main and "<select" not in main and "<input" not in main
    assert "Spara poäng" not in main
    sheet = re.search(r'id="score-sheet">(.*?)</table>', main, re.S).group(1)
    assert "Strategisk koppling" in sheet and "Motiverat 3" in sheet and "<strong>3</strong>" in sheet
    assert "8 av 8 kriterier" in main
    data = {f"score-{cid}": "4" for cid, _c, _n in scored["criteria"]}
    data |= {f"motivation-{cid}": "m" for cid, _c, _n in scored["criteria"]}
    assert client.post(f"/prioritisation/score/{ini_id}?year={YEAR}", data=data).status_code == 403
    with app.app_context():
        assert set(db.session.scalars(db.select(Score.score).where(Score.initiative_id == ini_id))) == {3}


def test_unscored_sheet_reads_as_not_scored(app, client, make_user, world):
    viewer_client(client, make_user, "viewer")
    main = main_of(client.get(f"/prioritisation/score/{world['ids']['E-arkiv']}?year={YEAR}").data.decode())
    assert main.count("Ej poängsatt") == len(world["criteria"]) and "0 av 8 kriterier" in main


@pytest.mark.parametrize("score, motivation, field, message", [
    ("0", "Motiverat", "score", "Poängen ska vara ett heltal 1–5."),
    ("tre", "Motiverat", "score", "Poängen ska vara ett heltal 1–5."),
    ("4", "", "motivation", "Motivera poängen kort."),
])
def test_a_scoring_error_names_its_criterion(app, client, world, score, motivation, field, message):
    login(client, world["office"])
    (first_id, _code, first_name), (second_id, _c2, second_name) = world["criteria"][:2]
    response = client.post(f"/prioritisation/score/{world['ids']['E-arkiv']}?year={YEAR}",
                           data={f"score-{first_id}": "5", f"motivation-{first_id}": "Bra",
                                 f"score-{second_id}": score, f"motivation-{second_id}": motivation})
    assert response.status_code == 422
    page = response.data.decode()
    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1" id="error-summary">(.*?)</div>',
                        page, re.S).group(1)
    key = f"{field}-{second_id}"
    assert f'<a href="#{key}">{second_name}: {message}</a>' in summary
    assert first_name not in summary
    assert f'<p class="field-errors" id="{key}-error">{second_name}: {message}</p>' in page
    assert re.search(rf'id="{key}"[^>]*aria-invalid="true" aria-describedby="{key}-error"', page)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Score.id))) == 0


# 3. The decision list -------------------------------------------------------------------------

def test_decisions_anchor_and_link_their_initiatives(app, client, make_user, scored):
    ids = scored["ids"]
    with app.app_context():
        first = add_decision(scored, [ids["E-arkiv"], ids["Ärendehantering bygglov"]], reason="Båda")
        second = add_decision(scored, [ids["Chattbot"]], decision="avslag", reason="Underlaget saknas")
    viewer_client(client, make_user, "viewer")
    for url in (f"/prioritisation/decisions?year={YEAR}", f"/prioritisation/transparency?year={YEAR}"):
        page = client.get(url).data.decode()
        item = re.search(rf'<li id="decision-{first}">(.*?)</span></li>', page, re.S).group(1)
        for title in ("E-arkiv", "Ärendehantering bygglov"):
            assert re.search(rf'<a href="/initiatives/{ids[title]}">[^<]*{title}</a>', item), (url, title)
        other = re.search(rf'<li id="decision-{second}">(.*?)</span></li>', page, re.S).group(1)
        assert f'href="/initiatives/{ids["Chattbot"]}"' in other and "E-arkiv" not in other


def test_decisions_load_their_initiatives_without_n_plus_1(app, world):
    ids = list(world["ids"].values())
    with app.test_request_context():
        add_decision(world, ids[:1])

        def load():
            db.session.expire_all()
            with counted_queries() as statements:
                seen = [(d.corrects, [ini.title for ini in d.initiatives]) for d in queries.decisions(YEAR)]
            assert seen
            return len(statements)

        one = load()
        for n in range(4):
            add_decision(world, ids, reason=f"Beslut {n}")
        assert load() == one


# 4. The initiative's priority -----------------------------------------------------------------

def test_initiative_priority_of_a_scored_and_decided_initiative(app, scored):
    ids = scored["ids"]
    with app.test_request_context():
        early = add_decision(scored, [ids["E-arkiv"]], decided_on=date(2026, 10, 1))
        latest = add_decision(scored, [ids["E-arkiv"], ids["Chattbot"]], decision="prioriterad",
                              decided_on=date(2026, 11, 20))
        ranking = queries.ranking(db.session.get(CriteriaSet, scored["set"]))
        from_ranking = {c.id: (c.score, c.rank) for c in ranking.ranked}
        p = queries.initiative_priority(ids["E-arkiv"])
        assert (p.year, p.score, p.rank, p.ranked_count) == (YEAR, Decimal("60.00"), 2, 2)
        assert (p.score, p.rank) == from_ranking[ids["E-arkiv"]]
        assert (p.scored, p.criteria, p.within_budget) == (8, 8, True)
        d = p.decision
        assert (d.id, d.year, d.decided_on, d.label, d.body_label, d.diarienummer) == (
            latest, YEAR, date(2026, 11, 20), "Prioriterad", "Portföljrådet", "KSKF/2026:7")
        assert early != latest
        top = queries.initiative_priority(ids["Ärendehantering bygglov"])
        assert (top.score, top.rank, top.decision) == (Decimal("100.00"), 1, None)
        html = render_template("prioritisation/_initiative_priority.html", priority=p)
    assert f'href="/prioritisation/score/{ids["E-arkiv"]}?year={YEAR}">60 av 100 ({YEAR})</a>' in html
    assert f'href="/prioritisation/?year={YEAR}#rank-{ids["E-arkiv"]}">Plats 2 av 2 i rangordningen {YEAR}</a>' in html
    assert f'href="/prioritisation/decisions?year={YEAR}#decision-{latest}">Prioriterad</a>' in html
    assert "2026-11-20" in html and "Portföljrådet" in html


def test_initiative_priority_when_nothing_has_happened_yet(app, world):
    with app.test_request_context():
        assert queries.initiative_priority(world["ids"]["Chattbot"]) is None
        html = render_template("prioritisation/_initiative_priority.html", priority=None)
    assert "Inte poängsatt ännu" in html and "Inget portföljbeslut ännu" in html
    assert "<a " not in html


def test_initiative_priority_scored_but_not_ranked_or_partly_scored(app, world):
    ids = world["ids"]
    with app.test_request_context():
        add_scores(world, ids["Chattbot"], 4)                     # fails the gates: not ranked
        add_scores(world, ids["E-arkiv"], 2, world["criteria"][:3])  # partly scored
        failing = queries.initiative_priority(ids["Chattbot"])
        assert (failing.score, failing.rank, failing.ranked_count, failing.decision) == (
            Decimal("80.00"), None, 0, None)
        partial = queries.initiative_priority(ids["E-arkiv"])
        assert (partial.year, partial.score, partial.scored, partial.criteria, partial.rank) == (YEAR, None, 3, 8, None)
        html = render_template("prioritisation/_initiative_priority.html", priority=partial)
        failing_html = render_template("prioritisation/_initiative_priority.html", priority=failing)
    assert "Delvis poängsatt 2026: 3 av 8 kriterier" in html and "Inget portföljbeslut ännu" in html
    assert "80 av 100 (2026)" in failing_html and "Inte rangordnat 2026" in failing_html


def test_initiative_priority_uses_the_latest_year_with_scores(app, client, world):
    login(client, world["office"])
    assert client.post(f"/prioritisation/criteria/copy?year={YEAR}", data={"year": "2027"}).status_code == 302
    with app.test_request_context():
        add_scores(world, world["ids"]["E-arkiv"], 3)
        later = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.year == 2027)).criteria
        add_scores(world, world["ids"]["E-arkiv"], 5, [(c.id, c.code, c.name) for c in later])
        p = queries.initiative_priority(world["ids"]["E-arkiv"])
        assert (p.year, p.score, p.rank) == (2027, Decimal("100.00"), 1)


def test_initiative_priority_runs_a_constant_number_of_queries(app, world):
    ids = world["ids"]
    with app.test_request_context():
        office = db.session.get(User, world["office_id"])
        add_scores(world, ids["E-arkiv"], 3)
        add_decision(world, [ids["E-arkiv"]])

        def count():
            db.session.expire_all()
            with counted_queries() as statements:
                queries.initiative_priority(ids["E-arkiv"])
            return len(statements)

        few = count()
        for n in range(6):
            other = _initiative(office, f"Initiativ {n}", 1000 * (n + 1))
            add_scores(world, other, 1 + n % 5)
            add_decision(world, [other, ids["E-arkiv"]], decided_on=date(2026, 9, 1 + n))
        assert count() == few


def test_the_initiative_page_shows_the_priority_card(app, client, make_user, scored):
    ids = scored["ids"]
    with app.app_context():
        decision = add_decision(scored, [ids["E-arkiv"]])
    viewer_client(client, make_user, "viewer")
    page = client.get(f"/initiatives/{ids['E-arkiv']}").data.decode()
    if 'id="priority"' not in page:
        pytest.skip("the initiative page does not include the priority card yet")
    card = re.search(r'<section class="card priority-card"(.*?)</section>', page, re.S).group(1)
    assert f"/prioritisation/score/{ids['E-arkiv']}?year={YEAR}" in card
    assert f"#decision-{decision}" in card and "Avvaktar" in card
    empty = client.get(f"/initiatives/{ids['Chattbot']}").data.decode()
    assert "Inte poängsatt ännu" in empty and "Inget portföljbeslut ännu" in empty
