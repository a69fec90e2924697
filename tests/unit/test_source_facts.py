"""Facts about KPMG's 2022 audit of Eskilstuna's digitalisation work, written down from the
board papers themselves (seed/000_20940a6a21b81853.txt: the report §2.1–2.2 and §4.2, the
auditors' letter, KS § 27 and every committee's answer), and the demo's audit data checked
against them. The expected values here are copied from the source text, never from the demo
files; where the source is on disk, each quoted fact is also looked up in it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.source_document import source_path

SOURCE = source_path()
DEMO_AUDIT = Path(__file__).resolve().parents[2] / "portfolio" / "demo" / "data" / "audit.yaml"

# "KPMG AB / 2022-11-28" (report), "Eskilstuna 2022-12-01" (letter), "senast 2023-03-20",
# "§ 27 / KSKF/2022:442", "Granskningen avser revisionsåret 2022".
AUDIT = {"report_date": date(2022, 11, 28), "letter_date": date(2022, 12, 1),
         "answer_deadline": date(2023, 3, 20), "diarienummer": "KSKF/2022:442", "audit_year": 2022}

# Report §2.2: "avser kommunstyrelsen, grundskolenämnden, gymnasienämnden, kultur- och
# fritidsnämnden, socialnämnden, stadsbyggnadsnämnden samt vård- och omsorgsnämnden."
AUDITED = ("Kommunstyrelsen", "Grundskolenämnden", "Gymnasienämnden", "Kultur- och fritidsnämnden",
           "Socialnämnden", "Stadsbyggnadsnämnden", "Vård- och omsorgsnämnden")
AUDITED_CODES = ("KS", "GSN", "GN", "KFN", "SOCN", "SBN", "VON")
NOT_AUDITED = ("SN",)     # servicenämnden: its plan was read, but it was not audited

# Report §2.1, in order.
QUESTIONS = (
    "Finns en övergripande styrning av digitaliseringsarbetet inklusive mål för arbetet, exempelvis i "
    "form av en strategi?",
    "Har nämnderna beslutat om mål- och handlingsplaner som styr i riktning mot digitaliseringsstrategin?",
    "Finns det en tydlig ansvars- och resursfördelning för digitaliseringsarbetet?",
    "Har beslutsunderlag för de digitaliseringsprojekt som genomförts på ett tydligt sätt presenterat behov "
    "och förväntade nyttoeffekter?",
    "Säkerställer styrelse/nämnder att arbetet när det är möjligt sker samordnat över förvaltningsgränser "
    "för att undvika suboptimeringar?",
    "Har medborgare, brukare, elever eller andra intressenter inbjudits att delta i utvecklingsarbetets "
    "tidiga faser för att identifiera behov och anpassa digitala lösningar så att människors olika "
    "förutsättningar att ta del av ny teknik beaktats?",
    "Har riskanalyser inkluderats i digitaliseringsprojekt, är dessa dokumenterade och har åtgärder "
    "vidtagits för att möta risker till en acceptabel nivå?",
    "Finns det en tillräcklig uppföljning av de digitaliseringsprojekt som genomförts?",
)

# Each committee's answer: the paragraph and case number heading its protocol extract.
ANSWERS = {"KS": ("§ 85", "KSKF/2022:442"), "GSN": ("§ 19", "GSN/2022:817"), "GN": ("§ 16", "GN/2022:136"),
           "KFN": ("§ 20", "KFN/2023:41"), "SOCN": ("§ 12", "SOCN/2022:114"), "SBN": ("§ 45", "SBN/2022:725"),
           "VON": ("§ 19", "VON/2022:125")}
# KFN § 20: "... senast 2023-03-20, men nämnden har fått förlängd svarstid till 2023-03-24."
EXTENDED_DEADLINES = {"KFN": date(2023, 3, 24)}

# Report §4.2: to KS six recommendations; R7 (plan) to GSN, GN, KFN, SOCN; the last three lines to
# the six nämnder; "Säkerställa att digitaliseringsarbetet genomförs ..." to KS and the six.
ADDRESSED = {
    "Slutföra processkartläggning": {"KS"},
    "Säkerställa att digitaliseringsarbetet genomförs": set(AUDITED_CODES),
    "Fastställa och implementera Riktlinje": {"KS"},
    "Utvärdera om nuvarande resurser": {"KS"},
    "Säkerställa att det finns en tydlig roll- och ansvarsfördelning": {"KS"},
    "Etablera en uppföljning av det koncernövergripande": {"KS"},
    "Upprätta och fastställa plan för digital transformation": {"GSN", "GN", "KFN", "SOCN"},
    "Etablera ett mer systematiskt och strukturerat": {"GSN", "GN", "KFN", "SOCN", "SBN", "VON"},
    "Säkerställa att resurser i form av personal och budget": {"GSN", "GN", "KFN", "SOCN", "SBN", "VON"},
}

# Plans at the time of the audit (report §1 and §3.2.2): decided for KS ("Beslutad av
# kommunstyrelsen 2022-03-15 (KSKF/2021:336)"), SBN and VON; missing for KFN, GSN, GN, SOCN.
PLANS_2022 = {"KS": "beslutad", "SBN": "beslutad", "VON": "beslutad",
              "KFN": "saknas", "GSN": "saknas", "GN": "saknas", "SOCN": "saknas"}
KS_PLAN = (date(2022, 3, 15), "KSKF/2021:336")

# Work the answers (and the report) say was already under way when the committee answered:
# (committee, start of the recommendation, quote). Such a response must not read "ej påbörjad".
UNDER_WAY = (
    ("KS", "Slutföra processkartläggning", "slutföra pågående processkartläggning"),
    ("KS", "Säkerställa att digitaliseringsarbetet genomförs",
     "pågår ett arbete för att etablera ett strategiskt projektkontor"),
    ("KS", "Fastställa och implementera Riktlinje",
     "Implementeringen av den nya kvalitets- och verksamhetsutvecklingsprocessen pågår"),
    ("KFN", "Upprätta och fastställa plan", "Det finns dock en påbörjad plan för digitalisering"),
    ("SOCN", "Etablera ett mer systematiskt",
     "Sedan början av 2022 sker digitaliseringsarbetet inom förvaltningen enligt bästa praxis ITIL4"),
    ("SBN", "Säkerställa att resurser i form av personal",
     "Stadsbyggnadsförvaltningen har förstärkt personalstyrkan genom att anställa en utvecklare"),
    ("VON", "Säkerställa att digitaliseringsarbetet genomförs", "Förvaltningen har startat en utvecklingsenhet"),
)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def source() -> str:
    if not SOURCE.exists():
        pytest.skip(f"source document not found at {SOURCE} (set PORTFOLIO_AUDIT_SOURCE)")
    return _flat(SOURCE.read_text(encoding="utf-8"))


def test_the_expected_facts_are_in_the_source(source):
    for quoted in ("KPMG AB 2022-11-28", "Eskilstuna 2022-12-01", "senast 2023-03-20",
                   "Granskningen avser revisionsåret 2022", "§ 27 KSKF/2022:442",
                   "förlängd svarstid till 2023-03-24", "Beslutad av kommunstyrelsen 2022-03-15 (KSKF/2021:336)"):
        assert quoted in source, quoted
    scope = re.search(r"2\.2 Revisionskriterier Granskningen omfattar .*? avser (.*?)\.", source).group(1)
    assert [n.strip().lower() for n in re.split(r", | samt ", scope)] == [n.lower() for n in AUDITED]
    start = source.index("I granskningen har följande revisionsfrågor besvarats:")
    section = source[start:source.index("2.2 Revisionskriterier", start)]
    assert [q.strip() for q in re.findall(r"- ([^?]*\?)", section)] == list(QUESTIONS)
    for paragraph, dnr in ANSWERS.values():
        assert f"{paragraph} {dnr}" in source, (paragraph, dnr)
    for _committee, _rec, quote in UNDER_WAY:
        assert quote in source, quote
    for start in ADDRESSED:
        assert start in source, start


@pytest.fixture(scope="module")
def demo() -> dict:
    return yaml.safe_load(DEMO_AUDIT.read_text(encoding="utf-8"))


def test_demo_audit_is_the_source_audit(demo):
    audit = demo["audit"]
    for key, value in AUDIT.items():
        assert audit[key] == value, key
    assert tuple(audit["committees"]) == AUDITED_CODES
    assert not set(audit["committees"]) & set(NOT_AUDITED)
    assert [(q["number"], q["wording"]) for q in audit["questions"]] == list(enumerate(QUESTIONS, start=1))


def test_demo_answers_are_the_committees_answers(demo):
    answers = {a["committee"]: a for a in demo["answers"]}
    assert {c: (a["paragraph"], a["diarienummer"]) for c, a in answers.items()} == ANSWERS
    assert {c: a["answer_deadline"] for c, a in answers.items() if a.get("answer_deadline")} == EXTENDED_DEADLINES
    addressed = {r["text"]: set(r["addressed_to"]) for r in demo["recommendations"]}
    for start, committees in ADDRESSED.items():
        assert [c for t, c in addressed.items() if t.startswith(start)] == [committees], start
    # No meeting date is given in the source: a demo date, inside the answer window.
    for committee, answer in answers.items():
        assert answer.get("meeting_date") is None and "demo_answer_date" in answer
        assert AUDIT["letter_date"] < answer["demo_answer_date"] <= EXTENDED_DEADLINES.get(
            committee, AUDIT["answer_deadline"])


def test_demo_states_what_the_source_says_was_under_way(demo):
    answers = {a["committee"]: a for a in demo["answers"]}
    codes = {r["text"]: r["code"] for r in demo["recommendations"]}
    for committee, start, _quote in UNDER_WAY:
        code = next(c for t, c in codes.items() if t.startswith(start))
        stated = answers[committee]["status_at_answer"][code]
        assert stated["status"] in ("pagar", "genomford"), (committee, code)
        assert code not in (answers[committee].get("demo_status_at_answer") or {})
    # Every later change is dated after the answer and marked as demo by its key.
    for answer in answers.values():
        for change in answer.get("demo_status_changes") or []:
            assert change["from"] > answer["demo_answer_date"]


def test_demo_plans_as_the_audit_found_them(demo):
    plans = {p["committee"]: p for p in demo["plans_2022"]}
    assert {c: p["status"] for c, p in plans.items()} == PLANS_2022
    assert (plans["KS"]["decided_date"], plans["KS"]["diarienummer"]) == KS_PLAN


def test_demo_texts_given_as_the_sources_are_verbatim(source, demo):
    """What the demo presents as the source's words (the auditors' assessment, the
    recommendations, the questions, the quotes behind each stated status) is in the text."""
    plain = source.replace("*", "")
    for paragraph in demo["audit"]["assessment"].split("\n\n"):
        assert _flat(paragraph) in plain, paragraph[:60]
    for rec in demo["recommendations"]:
        assert rec["text"] in plain, rec["code"]
    for question in demo["audit"]["questions"]:
        assert question["wording"] in plain, question["number"]
    for answer in demo["answers"]:
        for code, stated in (answer.get("status_at_answer") or {}).items():
            for quote in stated["basis"].split("; "):
                assert quote in plain, (answer["committee"], code, quote)
