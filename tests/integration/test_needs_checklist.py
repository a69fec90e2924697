"""The needs analysis page: the checklist of what "klar" needs (from the same rules the service
enforces) and the read-only view of a complete analysis with "Ändra" for those who may edit."""

from __future__ import annotations

import re

import pytest

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.needs import requirements
from portfolio.needs.forms import SECTIONS, NeedsAnalysisForm
from portfolio.needs.models import NeedsAnalysis
from tests.conftest import login
from tests.factories import make_initiative

COMPLETE_NEEDS = {
    "problem": "Ansökan om bygglov sker på <b>papper</b>.", "target_groups": "Privatpersoner och företag",
    "needs_capture": "Intervjuer med handläggare", "involvement_who": "Tio sökande",
    "involvement_how": "Användartester av prototyp", "involvement_when": "2025-03-01",
    "inclusion_considered": "ja", "inclusion_how": "Hjälp i kontaktcenter",
    "current_state": "Papper", "desired_state": "E-tjänst", "alternatives": "Köpa färdig tjänst",
    "infosec_class": "medel", "dpia_needed": "nej", "action": "complete",
}
ITEM = re.compile(r'<li class="needs-checklist__item needs-checklist__item--(\w+)" '
                  r'data-needs-field="(\w+)"(.*?)</li>', re.S)


@pytest.fixture
def ini_id(app, make_user):
    office_id, _ = make_user("portfolio_office")
    with app.app_context():
        ini = make_initiative(db.session.get(User, office_id), owning_unit="SBF",
                              phase="behovsanalys")
        return ini.id


@pytest.fixture
def editor(client, make_user):
    _, email = make_user("editor", units=["SBF"])
    assert login(client, email).status_code == 302
    return email


def switch_user(client, make_user, *roles, **scope):
    client.post("/logout")
    _, email = make_user(*roles, **scope)
    assert login(client, email).status_code == 302


def checklist_of(html: str) -> dict[str, tuple[str, str]]:
    section = re.search(r'<section class="needs-checklist".*?</section>', html, re.S)
    assert section, "no checklist on the page"
    return {field: (state, body) for state, field, body in ITEM.findall(section.group(0))}


def summary_of(html: str) -> str:
    return re.search(r'aria-live="polite" data-needs-summary>([^<]*)<', html).group(1)


def test_checklist_lists_every_requirement_with_its_state(client, ini_id, editor):
    url = f"/initiatives/{ini_id}/needs"
    assert client.post(url, data={
        "problem": "Papper", "target_groups": "Sökande", "involvement_when": "2025-03-01",
        "inclusion_considered": "nej", "infosec_class": "medel", "current_state": "   ",
        "action": "draft"}).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Det här krävs för att markera behovsanalysen som klar" in html
    items = checklist_of(html)
    assert list(items) == list(requirements.REQUIRED_FIELDS)   # every rule, in order
    done = {"problem", "target_groups", "involvement_when", "inclusion_considered", "infosec_class"}
    for field, (state, body) in items.items():
        if field in done:
            assert state == "done" and ">Klart<" in body and "href=" not in body, field
        elif field == "inclusion_how":     # inclusion was not considered: nothing to describe
            assert state == "not_needed" and ">Behövs inte<" in body and "href=" not in body
        else:                               # blanks are not an answer
            assert state == "missing" and ">Saknas<" in body, field
            assert f'href="#{field}"' in body, field
            assert f'id="{field}"' in html   # the link leads somewhere
    assert summary_of(html) == "5 av 12 krav uppfyllda"
    # The summary is repeated by the buttons, and the page loads its script, not inline code.
    assert html.count("data-needs-summary") == 2
    assert "js/needs-checklist.js" in html and "<script>" not in html


def test_a_yes_to_inclusion_makes_its_description_required(client, ini_id, editor):
    url = f"/initiatives/{ini_id}/needs"
    client.post(url, data={"inclusion_considered": "ja", "action": "draft"})
    html = client.get(url).get_data(as_text=True)
    items = checklist_of(html)
    assert items["inclusion_considered"][0] == "done"
    assert items["inclusion_how"][0] == "missing"
    assert 'data-needs-if-yes="inclusion_considered"' in items["inclusion_how"][1]
    assert summary_of(html) == "1 av 13 krav uppfyllda"


def test_checklist_agrees_with_the_service_on_a_refused_complete(app, client, ini_id, editor):
    url = f"/initiatives/{ini_id}/needs"
    refused = client.post(url, data={"problem": "Papper", "inclusion_considered": "ja",
                                     "dpia_needed": "utreds", "action": "complete"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    missing = {f for f, (state, _) in checklist_of(html).items() if state == "missing"}
    errors = set(re.findall(r'id="(\w+)-error"', html))
    assert missing == errors
    assert missing == set(requirements.REQUIRED_FIELDS) - {"problem", "inclusion_considered",
                                                          "dpia_needed"}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(NeedsAnalysis)) == 0


def test_a_new_analysis_opens_in_the_form_with_everything_missing(client, ini_id, editor):
    html = client.get(f"/initiatives/{ini_id}/needs").get_data(as_text=True)
    assert 'id="needs-form"' in html and ">Ändra<" not in html
    states = {state for state, _ in checklist_of(html).values()}
    assert states == {"missing", "not_needed"}
    assert summary_of(html) == "0 av 12 krav uppfyllda"


def test_complete_analysis_is_read_only_with_change_for_an_editor(app, client, ini_id, editor):
    url = f"/initiatives/{ini_id}/needs"
    done = client.post(url, data=COMPLETE_NEEDS)
    assert done.status_code == 302 and done.headers["Location"].endswith(url)   # PRG
    html = client.get(url).get_data(as_text=True)
    assert 'id="needs-form"' not in html and "needs-checklist" not in html
    assert "<textarea" not in html
    assert re.search(rf'<a class="button[^"]*" id="needs-change" href="{url}\?edit=1">Ändra</a>', html)
    read = re.search(r'<div class="needs-read".*', html, re.S).group(0)
    for heading, _names in SECTIONS:
        assert f">{heading}</h2>" in read
    assert "<dt>Problem eller behov</dt>" in read
    assert "Ansökan om bygglov sker på &lt;b&gt;papper&lt;/b&gt;." in read   # escaped
    assert "<b>papper</b>" not in html
    assert "Medel (K2)" in read and "2025-03-01" in read and "<dd class=\"prewrap\">Ja</dd>" in read
    assert "Status: <strong>klar</strong>" in html


def test_change_shows_the_form_and_saving_returns_to_the_read_view(app, client, ini_id, editor):
    url = f"/initiatives/{ini_id}/needs"
    client.post(url, data=COMPLETE_NEEDS)
    html = client.get(f"{url}?edit=1").get_data(as_text=True)
    assert 'id="needs-form"' in html and ">Ändra<" not in html
    assert "Sparar du den som utkast är den inte längre markerad som klar." in html
    assert f'<a href="{url}">Avbryt</a>' in html
    assert all(state in ("done", "not_needed") for state, _ in checklist_of(html).values())
    assert summary_of(html) == "13 av 13 krav uppfyllda"
    assert "Ansökan om bygglov sker på &lt;b&gt;papper&lt;/b&gt;." in html   # the value, escaped

    # A failed save shows the form again (422), whatever the query string.
    bad = client.post(f"{url}?edit=1", data={**COMPLETE_NEEDS, "problem": "", "version": "1"})
    assert bad.status_code == 422 and 'id="needs-form"' in bad.get_data(as_text=True)

    saved = client.post(f"{url}?edit=1", data={**COMPLETE_NEEDS, "alternatives": "Inget",
                                               "version": "1"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(url)
    assert 'id="needs-change"' in client.get(url).get_data(as_text=True)

    # Saved as a draft it is no longer complete, and opens in the form again.
    client.post(f"{url}?edit=1", data={**COMPLETE_NEEDS, "action": "draft", "version": "2"})
    html = client.get(url).get_data(as_text=True)
    assert 'id="needs-form"' in html and "Status: <strong>utkast</strong>" in html


@pytest.mark.parametrize("roles, scope", [(("viewer",), {}), (("editor",), {"units": ["KFF"]})])
def test_those_who_may_not_edit_see_no_change(client, make_user, ini_id, editor, roles, scope):
    url = f"/initiatives/{ini_id}/needs"
    client.post(url, data=COMPLETE_NEEDS)
    switch_user(client, make_user, *roles, **scope)
    for target in (url, f"{url}?edit=1"):
        response = client.get(target)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Ändra" not in html and 'id="needs-form"' not in html, target
        assert "Ansökan om bygglov sker på &lt;b&gt;papper&lt;/b&gt;." in html
    assert client.post(f"{url}?edit=1", data=COMPLETE_NEEDS).status_code == 403


def test_a_draft_is_read_only_for_a_viewer(client, make_user, ini_id, editor):
    url = f"/initiatives/{ini_id}/needs"
    client.post(url, data={"problem": "Bara problemet", "action": "draft"})
    switch_user(client, make_user, "viewer")
    html = client.get(url).get_data(as_text=True)
    assert "Bara problemet" in html and 'id="needs-form"' not in html and "Ändra" not in html
    assert "Status: <strong>utkast</strong>" in html


def test_sections_hold_every_field_once():
    names = [name for _heading, fields in SECTIONS for name in fields]
    form_fields = [name for name, unbound in vars(NeedsAnalysisForm).items()
                   if hasattr(unbound, "field_class") and name != "version"]
    assert sorted(names) == sorted(form_fields) and len(names) == len(set(names))


@pytest.mark.parametrize("values, missing", [
    ({}, set(requirements.REQUIRED_FIELDS) - {"inclusion_how"}),
    ({"problem": "  ", "inclusion_considered": False}, set(requirements.REQUIRED_FIELDS)
     - {"inclusion_how", "inclusion_considered"}),
    ({"inclusion_considered": True}, set(requirements.REQUIRED_FIELDS) - {"inclusion_considered"}),
    ({"inclusion_considered": True, "inclusion_how": "Stöd"},
     set(requirements.REQUIRED_FIELDS) - {"inclusion_considered", "inclusion_how"}),
])
def test_missing_follows_the_rules(app_ctx, values, missing):
    assert set(requirements.missing(values)) == missing
    listed = requirements.checklist(values)
    assert {i.requirement.field for i in listed.items if i.state == "missing"} == missing
