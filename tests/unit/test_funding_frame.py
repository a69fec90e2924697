"""Funding frames in the programme file: the shipped frame against its source, and validation."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from portfolio.programme.loader import FundingFrameDef, ProgrammeError, load_programme, parse_programme
from tests.source_document import source_path

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "config" / "programme.yaml"
DEMO_INITIATIVES = ROOT / "portfolio" / "demo" / "data" / "initiatives.yaml"
SEED = source_path()

# KS's answer to the audit (KS § 85, KSKF/2022:442), written in 2023:
QUOTE = ("Sedan 2020 har den centralt drivna digitaliseringssatsningen finansierats genom en "
         "mandatperiodssatsning om totalt 37 miljoner kronor över fyra år. Arbetet är nu inne i det "
         "sista året av totalt fyra")
# So: 37 miljoner kronor in total, four years from 2020 (2020, 2021, 2022, 2023); no yearly split.
SOURCE_AMOUNT = 37 * Decimal(1_000_000)
SOURCE_FIRST_YEAR, SOURCE_YEARS = 2020, 4


@pytest.fixture
def data():
    return yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))


def frame(**overrides):
    entry = {"code": "ram", "name": "Ram", "funding_source": "centrala-medel", "first_year": 2020,
             "last_year": 2023, "amount": "37000000"}
    entry.update(overrides)
    return entry


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not on this machine")
def test_the_quote_is_the_sources_own_words():
    assert " ".join(QUOTE.split()) in " ".join(SEED.read_text(encoding="utf-8").split())


def test_shipped_frame_is_the_mandatperiodssatsning_as_the_source_gives_it():
    frames = load_programme(PROGRAMME).funding_frames
    central = [f for f in frames if f.funding_source == "centrala-medel"]
    assert len(central) == 1
    f = central[0]
    assert f.amount == SOURCE_AMOUNT == Decimal("37000000")
    assert (f.first_year, f.last_year) == (SOURCE_FIRST_YEAR, SOURCE_FIRST_YEAR + SOURCE_YEARS - 1) == (2020, 2023)
    assert "mandatperiodssatsning" in f.name.lower()
    assert "KSKF/2022:442" in f.reference and "§ 85" in f.reference
    assert [y for y in range(2018, 2026) if f.covers(y)] == [2020, 2021, 2022, 2023]


def test_demo_central_funds_in_the_frame_stay_within_it():
    """The demo's amounts per initiative and year are invented; their sum must fit the frame."""
    frame_def = load_programme(PROGRAMME).funding_frames[0]
    initiatives = yaml.safe_load(DEMO_INITIATIVES.read_text(encoding="utf-8"))["initiatives"]
    total = sum((Decimal(str(line["amount"])) for ini in initiatives for line in ini.get("funding") or []
                 if line["source"] == frame_def.funding_source and frame_def.covers(line["year"])), Decimal(0))
    assert 0 < total <= frame_def.amount


def test_good_frames_parse(data):
    good = copy.deepcopy(data)
    good["funding_frames"] = [frame(), frame(code="stat", funding_source="statsbidrag", amount=500000,
                                            first_year=2021, last_year=2021, reference=None),
                              frame(code="ram2", first_year=2024, last_year=2027, amount="12000000.50")]
    frames = parse_programme(good, "test.yaml").funding_frames
    assert frames == (
        FundingFrameDef("ram", "Ram", "centrala-medel", 2020, 2023, Decimal("37000000")),
        FundingFrameDef("stat", "Ram", "statsbidrag", 2021, 2021, Decimal("500000")),
        FundingFrameDef("ram2", "Ram", "centrala-medel", 2024, 2027, Decimal("12000000.50")))
    assert "funding_frames" not in parse_programme(good, "test.yaml").extra


def test_the_section_is_optional(data):
    data.pop("funding_frames", None)
    assert parse_programme(data, "test.yaml").funding_frames == ()


@pytest.mark.parametrize("frames, expected", [
    ("ram", "funding_frames: ska vara en lista"),
    ([frame(first_year=2023, last_year=2020)], "funding_frames[0]: first_year (2023) är senare än last_year (2020)"),
    ([frame(first_year="2020")], "funding_frames[0].first_year: ska vara ett heltal"),
    ([frame(last_year=1999)], "funding_frames[0].last_year: ska vara mellan 2000 och 2100"),
    ([frame(funding_source="kommunfonden")],
     "funding_frames[0].funding_source: okänd finansieringskälla 'kommunfonden'; välj bland centrala-medel"),
    ([frame(funding_source=None)], "funding_frames[0].funding_source: saknas"),
    ([frame(amount="0")], "funding_frames[0].amount: ska vara större än noll"),
    ([frame(amount="-5")], "funding_frames[0].amount: ska vara mellan 0"),
    ([frame(amount=37e6)], "funding_frames[0].amount: ska vara ett decimaltal"),
    ([frame(amount="37 miljoner")], "funding_frames[0].amount: ska vara ett decimaltal"),
    ([frame(amount="1.001")], "funding_frames[0].amount: får ha högst två decimaler"),
    ([frame(name="")], "funding_frames[0].name: saknas"),
    ([frame(code="a b")], "funding_frames[0].code: 'a b' får bara innehålla"),
    ([frame(), frame(first_year=2024, last_year=2025)], "funding_frames[1].code: koden 'ram' förekommer flera gånger"),
    ([frame(), frame(code="b", first_year=2023, last_year=2026)],
     "funding_frames[1]: perioden 2023–2026 överlappar ramen 'ram' (2020–2023) för samma finansieringskälla"),
    (["ram"], "funding_frames[0]: ska vara en mappning"),
])
def test_broken_frames_name_key_and_problem(data, frames, expected):
    broken = copy.deepcopy(data)
    broken["funding_frames"] = frames
    with pytest.raises(ProgrammeError) as err:
        parse_programme(broken, "test.yaml")
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_frames_of_different_sources_may_overlap(data):
    data["funding_frames"] = [frame(), frame(code="b", funding_source="statsbidrag")]
    assert len(parse_programme(data, "test.yaml").funding_frames) == 2
