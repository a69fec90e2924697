"""Open data is published, not leaked (#15, finding 9): an initiative is in the anonymous
`/open-data/initiatives.json` only after the project office has reviewed it and marked it
publishable; its text is checked for personal data first; a later change of the text takes it
out again; every step is in the change log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolio.auth.models import User
from portfolio.changelog.models import ChangeLogEntry
from portfolio.clock import today
from portfolio.exports import tables
from portfolio.extensions import db
from portfolio.initiatives import publication, services
from portfolio.initiatives.models import Initiative
from portfolio.transactions import transaction
from portfolio.validation import PermissionDenied
from tests.conftest import login
from tests.factories import area_id, make_initiative, source_id, unit_id

LEAKY = ("Idé från en invånare, Anna Andersson (811218-9876), som nås på 070-123 45 67. "
         "Förslaget gäller bokning av lokaler.")
# The keys of an open-data initiative before the publication review (unchanged), plus `published`.
KEYS = {"ref", "title", "description", "owning_unit", "committee", "participating_units",
        "primary_area", "secondary_areas", "principles", "phase", "start_date", "end_date",
        "funding_total_sek", "funding", "fte_total", "fte_per_year", "archived", "updated",
        "published"}


@pytest.fixture
def office(app, make_user):
    user_id, email = make_user("portfolio_office")
    return user_id, email


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _ini(ini_id: int) -> Initiative:
    db.session.expire_all()
    return db.session.get(Initiative, ini_id)


def open_data(client) -> dict[str, dict]:
    response = client.get("/open-data/initiatives.json")
    assert response.status_code == 200
    return {i["ref"]: i for i in response.get_json()["initiatives"]}


def log_rows(ini_id: int, action: str) -> list[ChangeLogEntry]:
    return list(db.session.scalars(db.select(ChangeLogEntry).where(
        ChangeLogEntry.initiative_id == ini_id, ChangeLogEntry.action == action)))


@pytest.fixture
def portfolio(app, office):
    """Three initiatives registered by the office: an idea whose description holds a personal
    identity number and a phone number, a prioritised one with clean text, a rejected one."""
    with app.app_context():
        actor = _user(office[0])
        leaky = make_initiative(actor, title="Lokalbokning", description=LEAKY, phase="ide",
                                need_owner="Anna Andersson", owning_unit="KFF")
        clean = make_initiative(actor, title="E-arkiv", description="Ett gemensamt e-arkiv.",
                                phase="prioriterad", owning_unit="KFF")
        rejected = make_initiative(actor, title="Publikt wifi", phase="ide")
        services.change_phase(rejected, "avslagen", actor, expected_version=rejected.version,
                              reason="Ryms inte i ramen")
        return {"leaky": (leaky.id, leaky.ref), "clean": (clean.id, clean.ref),
                "rejected": (rejected.id, rejected.ref)}


def test_nothing_is_published_by_default(app, client, portfolio):
    assert open_data(client) == {}
    with app.app_context():
        assert all(_ini(i).published_at is None for i, _ in portfolio.values())
        assert tables.open_data_rows() == []


def test_an_idea_with_a_personal_identity_number_is_not_in_the_open_data(client, portfolio):
    body = client.get("/open-data/initiatives.json").get_data(as_text=True)
    assert "811218-9876" not in body and "070-123 45 67" not in body and "Lokalbokning" not in body


def test_publishing_personal_data_is_refused_with_a_warning_until_confirmed(app, client, office, portfolio):
    ini_id, ref = portfolio["leaky"]
    login(client, office[1])
    refused = client.post(f"/initiatives/{ini_id}/publish", data={"version": "1"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Texten kan innehålla personuppgifter" in page and 'id="error-summary"' in page
    assert "personnummer ”811218-9876”" in page and "telefonnummer ”070-123 45 67”" in page
    assert 'id="publish-confirm"' in page            # the confirm step
    assert open_data(client) == {}
    with app.app_context():
        assert _ini(ini_id).published_at is None and log_rows(ini_id, "publish") == []

    confirmed = client.post(f"/initiatives/{ini_id}/publish", data={"version": "1", "confirm": "y"})
    assert confirmed.status_code == 302
    published = open_data(client)
    assert set(published) == {ref}
    assert published[ref]["published"] == today().isoformat()
    with app.app_context():
        ini = _ini(ini_id)
        assert ini.published_at is not None and ini.published_by_id == office[0]
        [row] = log_rows(ini_id, "publish")
        assert row.user_id == office[0] and row.field == "published_at" and row.new_value
        assert "personnummer i beskrivning" in row.reason and "telefonnummer i beskrivning" in row.reason
        assert "811218" not in row.reason          # the log names what was confirmed, not the values
    page = client.get(f"/initiatives/{ini_id}").get_data(as_text=True)
    assert "Publicerad " in page and "Ta bort från öppna data" in page


def test_the_service_refuses_and_confirms_the_same_way(app, office, portfolio):
    ini_id, _ref = portfolio["leaky"]
    with app.app_context(), pytest.raises(publication.PersonalDataFound) as refused:
        with transaction():
            publication.publish(_ini(ini_id), _user(office[0]))
    assert [(f.kind, f.field) for f in refused.value.findings] == [
        ("personnummer", "description"), ("phone", "description")]
    with app.app_context():
        with transaction():
            publication.publish(_ini(ini_id), _user(office[0]), confirm_personal_data=True)
        assert _ini(ini_id).published_at is not None


def test_clean_text_is_published_at_once_and_withdrawn_with_a_reason(app, client, office, portfolio):
    ini_id, ref = portfolio["clean"]
    login(client, office[1])
    assert client.post(f"/initiatives/{ini_id}/publish", data={"version": "1"}).status_code == 302
    assert set(open_data(client)) == {ref}
    with app.app_context():
        version = _ini(ini_id).version
    response = client.post(f"/initiatives/{ini_id}/withdraw",
                           data={"version": str(version), "reason": "Fel beskrivning"})
    assert response.status_code == 302
    assert open_data(client) == {}
    with app.app_context():
        assert _ini(ini_id).published_at is None and _ini(ini_id).published_by_id is None
        [row] = log_rows(ini_id, "withdraw")
        assert row.reason == "Fel beskrivning" and row.old_value and row.new_value is None


def test_a_stale_page_cannot_publish_text_saved_after_it(app, client, office, portfolio):
    ini_id, _ref = portfolio["clean"]
    with app.app_context():
        ini = _ini(ini_id)
        services.update_initiative(ini, _input_of(ini, description="Ring 08-123 45 67"), _user(office[0]),
                                   expected_version=ini.version)
    login(client, office[1])
    response = client.post(f"/initiatives/{ini_id}/publish", data={"version": "1", "confirm": "y"})
    assert response.status_code == 409
    assert open_data(client) == {}


@pytest.mark.parametrize("role", ["editor", "programme_manager", "viewer"])
def test_only_the_project_office_publishes_and_withdraws(app, client, make_user, office, portfolio, role):
    ini_id, ref = portfolio["clean"]
    with app.app_context():
        with transaction():
            publication.publish(_ini(ini_id), _user(office[0]))
        version = _ini(ini_id).version
    other = portfolio["leaky"][0]     # an idea the editor and the programme manager may edit
    scope = {"units": ["KFF"]} if role == "editor" else {"areas": ["service"]} if role == "programme_manager" else {}
    _user_id, email = make_user(role, **scope)
    login(client, email)
    assert client.post(f"/initiatives/{ini_id}/withdraw", data={"version": str(version)}).status_code == 403
    assert client.post(f"/initiatives/{other}/publish",
                       data={"version": "1", "confirm": "y"}).status_code == 403
    assert client.get("/initiatives/open-data").status_code == 403
    assert set(open_data(client)) == {ref}
    page = client.get(f"/initiatives/{ini_id}").get_data(as_text=True)
    assert "Publicerad " in page and "Ta bort från öppna data" not in page
    assert "Markera som publicerbar" not in client.get(f"/initiatives/{other}").get_data(as_text=True)
    with app.app_context(), pytest.raises(PermissionDenied):
        with transaction():
            publication.publish(_ini(other), _user(_user_id))


def test_the_json_holds_exactly_the_published_initiatives_that_are_not_archived(app, client, office, portfolio):
    with app.app_context():
        actor = _user(office[0])
        with transaction():
            for key in ("clean", "rejected"):
                publication.publish(_ini(portfolio[key][0]), actor)
        gone = make_initiative(actor, title="Arkiveras")
        with transaction():
            publication.publish(gone, actor)
        services.set_archived(gone, True, actor, expected_version=gone.version, reason="Dubblett")
    data = open_data(client)
    # Whatever its phase (a rejected one too, once the office has published it); never archived.
    assert set(data) == {portfolio["clean"][1], portfolio["rejected"][1]}
    item = data[portfolio["clean"][1]]
    assert set(item) == KEYS
    assert item["published"] == today().isoformat()
    assert item["archived"] == "nej" and item["phase"] == "Prioriterad"
    assert "Anna Andersson" not in str(data) and "@" not in str(data)


def _input_of(ini: Initiative, **changes) -> services.InitiativeInput:
    data = services.InitiativeInput(
        title=ini.title, owning_unit_id=ini.owning_unit_id, primary_area_id=ini.primary_area_id,
        description=ini.description, phase=ini.phase, start_date=ini.start_date, end_date=ini.end_date,
        funding=[services.FundingInput(f.year, f.source_id, f.amount) for f in ini.funding])
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _edit_form(ini_id: int, version: int, **overrides) -> dict:
    data = {"title": "E-arkiv", "description": "Ett gemensamt e-arkiv.", "owning_unit": str(unit_id("KFF")),
            "primary_area": str(area_id("service")), "funding-0-year": "2025",
            "funding-0-source": str(source_id("centrala-medel")), "funding-0-amount": "450000",
            "version": str(version)}
    data.update(overrides)
    return data


def test_editing_the_description_of_a_published_initiative_lapses_the_publication(app, client, make_user,
                                                                                  office, portfolio):
    ini_id, ref = portfolio["clean"]
    with app.app_context():
        with transaction():
            publication.publish(_ini(ini_id), _user(office[0]))
        version = _ini(ini_id).version
    editor_id, email = make_user("editor", units=["KFF"])
    login(client, email)
    page = client.get(f"/initiatives/{ini_id}/edit").get_data(as_text=True)
    assert 'id="published-notice"' in page
    # A save that leaves the title and description as they were keeps the publication.
    with app.app_context():
        form = _edit_form(ini_id, version, **{"funding-0-amount": "500000"})
    assert client.post(f"/initiatives/{ini_id}/edit", data=form).status_code == 302
    assert set(open_data(client)) == {ref}
    with app.app_context():
        version = _ini(ini_id).version
        form = _edit_form(ini_id, version, description="Ett gemensamt e-arkiv. Frågor: 016-12 34 56")
    response = client.post(f"/initiatives/{ini_id}/edit", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert "inte längre med i öppna data" in response.get_data(as_text=True)
    assert open_data(client) == {}
    with app.app_context():
        ini = _ini(ini_id)
        assert ini.published_at is None and ini.description.endswith("016-12 34 56")
        [lapsed] = log_rows(ini_id, "publication_lapsed")
        assert lapsed.user_id == editor_id and lapsed.old_value and lapsed.new_value is None
        assert "beskrivningen ändrades" in lapsed.reason
        assert len(log_rows(ini_id, "publish")) == 1
    # Back in the office's review list, flagged.
    login(client, office[1])
    review = client.get("/initiatives/open-data").get_data(as_text=True)
    assert ref in review and "telefonnummer" in review


def test_any_save_of_the_text_lapses_it_not_only_the_form(app, client, office, portfolio):
    """The API and the import save through the same service."""
    ini_id, _ref = portfolio["clean"]
    with app.app_context():
        actor = _user(office[0])
        with transaction():
            publication.publish(_ini(ini_id), actor)
        ini = _ini(ini_id)
        services.update_initiative(ini, _input_of(ini, funding=[services.FundingInput(
            2026, source_id("centrala-medel"), Decimal(1))]), actor, expected_version=ini.version)
        assert _ini(ini_id).published_at is not None
        ini = _ini(ini_id)
        services.update_initiative(ini, _input_of(ini, title="E-arkiv för hela kommunen"), actor,
                                   expected_version=ini.version)
        assert _ini(ini_id).published_at is None and len(log_rows(ini_id, "publication_lapsed")) == 1
    assert open_data(client) == {}


def test_the_review_page_lists_what_awaits_review_with_a_personal_data_flag(app, client, office, portfolio):
    with app.app_context():
        with transaction():
            publication.publish(_ini(portfolio["clean"][0]), _user(office[0]))
    login(client, office[1])
    assert "Granska initiativ för öppna data" in client.get("/initiatives/").get_data(as_text=True)
    response = client.get("/initiatives/open-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = page.split('id="awaiting-review"')[1]
    assert "Lokalbokning" in rows and "Publikt wifi" in rows and "E-arkiv" not in rows
    leaky_row = rows.split("Lokalbokning")[1].split("</tr>")[0]
    assert "personnummer" in leaky_row and "telefonnummer" in leaky_row
    wifi_row = rows.split("Publikt wifi")[1].split("</tr>")[0]
    assert "Inga hittade" in wifi_row
    assert "1 initiativ är publicerat" in page


def test_an_archived_initiative_cannot_be_published(app, office, portfolio):
    ini_id, _ref = portfolio["clean"]
    with app.app_context():
        actor = _user(office[0])
        ini = _ini(ini_id)
        services.set_archived(ini, True, actor, expected_version=ini.version, reason="Dubblett")
        with pytest.raises(publication.ServiceValidationError), transaction():
            publication.publish(_ini(ini_id), actor)


def test_the_checked_texts_are_the_free_text_of_the_open_data():
    """If the open data gets another free-text column, the personal-data check must read it too."""
    structured = {"Referens", "Ägande enhet", "Nämnd", "Deltagande enheter", "Primärt område",
                  "Sekundära områden", "Principer", "Fas", "Startdatum", "Slutdatum",
                  "Finansiering totalt (kr)", "Finansiering per år och källa", "Årsarbetare totalt",
                  "Årsarbetare per år", "Arkiverad", "Senast ändrad"}
    free = set(tables.REGISTER_COLUMNS) - tables.PERSONAL - structured
    assert free == {"Titel", "Beskrivning"} and publication.PUBLISHED_TEXTS == ("title", "description")


def test_the_demo_publishes_its_decided_initiatives_only(app, client, demo_data):
    from portfolio.labels import phase_label

    data = open_data(client)
    assert len(data) >= 20
    phases = {i["phase"] for i in data.values()}
    assert not phases & {phase_label(p) for p in ("ide", "behovsanalys", "avslagen", "avbruten", "pausad")}
    with app.app_context():
        waiting = publication.awaiting_review()
        assert waiting and {r.initiative.phase for r in waiting} <= {
            "ide", "behovsanalys", "avslagen", "avbruten", "pausad"}
        assert all(r.findings == [] for r in waiting)
        assert all(r.user_id is not None for i in db.session.scalars(db.select(Initiative.id).where(
            Initiative.published_at.is_not(None))) for r in log_rows(i, "publish"))
