import copy
from pathlib import Path

import pytest
import yaml

from portfolio.programme.loader import ProgrammeError, load_programme, parse_programme

PROGRAMME = Path(__file__).resolve().parents[2] / "config" / "programme.yaml"


@pytest.fixture
def data():
    return yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))


def test_shipped_programme_is_valid():
    programme = load_programme(PROGRAMME)
    assert [a.name for a in programme.priority_areas] == [
        "Smart och individanpassad välfärd", "Digitalt hållbar stad och landsbygd",
        "Självklar service", "Effektiva stödprocesser"]
    assert programme.risk.acceptable_max_score == 9
    assert str(programme.defaults.discount_rate) == "0.03"


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d.pop("priority_areas"), "priority_areas: ska vara en lista"),
    (lambda d: d["priority_areas"][1].pop("name"), "priority_areas[1].name: saknas"),
    (lambda d: d["priority_areas"].append({"code": "valfard", "name": "X"}),
     "priority_areas[4].code: koden 'valfard' förekommer flera gånger"),
    (lambda d: d["org_units"][1].update(parent="NOPE"), "org_units[1].parent: okänd enhet 'NOPE'"),
    (lambda d: d["org_units"][0].update(kind="kommun"), "org_units[0].kind"),
    (lambda d: d["risk"]["bands"][0].update(max=3), "risk.bands: banden ska täcka"),
    (lambda d: d["risk"].update(acceptable_max_score=30), "risk.acceptable_max_score"),
    (lambda d: d["defaults"].update(discount_rate=0.03), "defaults.discount_rate"),
    (lambda d: d["followup_periods"][0].update(month=13), "followup_periods[0].month"),
])
def test_broken_programme_names_key_and_problem(data, mutate, expected):
    broken = copy.deepcopy(data)
    mutate(broken)
    with pytest.raises(ProgrammeError) as err:
        parse_programme(broken, "test.yaml")
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_unreadable_and_bad_yaml(tmp_path):
    with pytest.raises(ProgrammeError, match="kan inte läsas"):
        load_programme(tmp_path / "saknas.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("priority_areas: [\n", encoding="utf-8")
    with pytest.raises(ProgrammeError, match="YAML, rad"):
        load_programme(bad)


def test_app_refuses_to_start_with_broken_programme(tmp_path, data):
    from portfolio import create_app

    data["org_units"][2]["parent"] = "XYZ"
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProgrammeError, match=r"org_units\[2\]\.parent: okänd enhet 'XYZ'"):
        create_app({"TESTING": True, "PROGRAMME_FILE": str(path)})
