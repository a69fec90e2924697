"""Forms report every problem in one pass, with an error summary that links to each field."""

from __future__ import annotations

import re

import pytest

from portfolio.extensions import db
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import OrgUnit
from tests.factories import source_id


def _summary_links(html: str) -> dict[str, str]:
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    return dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary))


def test_new_initiative_reports_every_problem_at_once(app, client, login_as):
    """Title, unit, area, amount and dates used to come back in four rounds."""
    login_as("portfolio_office")
    with app.app_context():
        source = source_id("centrala-medel")
    r = client.post("/initiatives/new", data={
        "title": "", "owning_unit": "-1", "primary_area": "-1", "phase": "ide",
        "start_date": "2026-06-01", "end_date": "2026-01-01",
        "funding-0-year": "2026", "funding-0-source": str(source), "funding-0-amount": "tio tusen",
        "funding-1-year": "2027", "funding-1-source": "-1", "funding-1-amount": "",
    })
    assert r.status_code == 422
    html = r.data.decode()
    links = _summary_links(html)
    for field_id in ("title", "owning_unit", "primary_area", "end_date", "funding-0-amount", "funding-1-source"):
        assert field_id in links, (field_id, links)
        assert f'id="{field_id}-error"' in html                    # the message beside the field too
    assert "Finansiering, rad 1: Belopp (kr)" in links["funding-0-amount"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 0


def test_editor_is_offered_only_their_own_units(app, client, login_as):
    login_as("editor", units=["KFN"])
    html = client.get("/initiatives/new").data.decode()
    select = html.split('id="owning_unit"')[1].split("</select>")[0]
    with app.app_context():
        own = {u.label for u in db.session.scalars(db.select(OrgUnit).where(OrgUnit.code.in_(["KFN", "KFF"])))}
        other = db.session.scalar(db.select(OrgUnit).where(OrgUnit.code == "SBF")).label
    assert all(label in select for label in own)
    assert other not in select
    # The unit list on the page is a convenience; the server still refuses another unit.
    with app.app_context():
        sbf = db.session.scalar(db.select(OrgUnit.id).where(OrgUnit.code == "SBF"))
    r = client.post("/initiatives/new", data={"title": "x", "owning_unit": str(sbf), "primary_area": "-1",
                                              "phase": "ide"})
    assert r.status_code == 422


def test_history_shows_the_latest_ten_with_show_all(app, client, login_as):
    login_as("portfolio_office")
    with app.app_context():
        from portfolio.auth.models import User
        from tests.factories import make_initiative
        office = db.session.scalar(db.select(User))
        ini = make_initiative(office, title="Titel 0")
        from portfolio.initiatives import services
        from tests.factories import initiative_input
        for n in range(1, 13):
            services.update_initiative(ini, initiative_input(title=f"Titel {n}"), office,
                                       expected_version=ini.version)
        ini_id = ini.id
    page = client.get(f"/initiatives/{ini_id}").data.decode()
    history = page.split('id="history-h"')[1]
    assert history.count('class="history__head"') == 10 and "Visa alla" in history
    assert "Titel 12" in history and "Titel 1</td>" not in history
    everything = client.get(f"/initiatives/{ini_id}?history=alla").data.decode().split('id="history-h"')[1]
    assert everything.count('class="history__head"') == 13


def test_archive_stands_apart_from_ordinary_actions(app, client, login_as):
    login_as("portfolio_office")
    with app.app_context():
        from portfolio.auth.models import User
        from tests.factories import make_initiative
        ini_id = make_initiative(db.session.scalar(db.select(User))).id
    page = client.get(f"/initiatives/{ini_id}").data.decode()
    actions = page.split('id="actions-h"')[1].split("</section>")[0]
    assert "/archive" not in actions
    danger = page.split('id="archive-h"')[1].split("</section>")[0]
    assert "/archive" in danger and page.index('id="archive-h"') > page.index('id="history-h"')


@pytest.mark.parametrize("path, target", [
    ("/initiatives/{id}/benefit-case/costs", "/initiatives/{id}/benefit-case"),
    ("/initiatives/{id}/risks/assessment", "/initiatives/{id}/risks/"),
    ("/initiatives/{id}/archive", "/initiatives/{id}"),
    ("/prioritisation/criteria/copy", "/prioritisation/criteria"),
])
def test_a_refused_forms_address_can_be_opened_again(app, client, login_as, path, target):
    """A refused POST shows the form again at its POST address; opening that address (a reload
    after the browser forgot the form, a bookmark) leads to the page, not to a 405."""
    login_as("portfolio_office")
    with app.app_context():
        from portfolio.auth.models import User
        from tests.factories import make_initiative
        ini_id = make_initiative(db.session.scalar(db.select(User))).id
    r = client.get(path.format(id=ini_id))
    assert r.status_code in (301, 302, 308), r.status_code
    assert r.headers["Location"].endswith(target.format(id=ini_id))


def test_risk_form_reports_type_and_rule_problems_together(app, client, login_as):
    login_as("portfolio_office")
    with app.app_context():
        from portfolio.auth.models import User
        from tests.factories import make_initiative
        ini_id = make_initiative(db.session.scalar(db.select(User))).id
    r = client.post(f"/initiatives/{ini_id}/risks/new", data={
        "title": "", "kind": "risk", "category": "teknik", "probability": "3", "consequence": "3",
        "residual_probability": "2", "residual_consequence": "", "status": "oppen", "due_date": "inte ett datum"})
    assert r.status_code == 422
    links = _summary_links(r.data.decode())
    assert {"title", "residual_consequence", "due_date"} <= set(links), links
