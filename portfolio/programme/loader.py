"""Read and validate the programme file. Pure: no Flask, no database.

Every problem is reported with the key path where it was found, e.g.
``org_units[3].parent: okänd enhet 'XYZ'``, so a broken file can be fixed without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from portfolio.domain.completeness import REQUIREMENT_CODES
from portfolio.domain.phases import MAIN_FLOW

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
UNIT_KINDS = ("namnd", "forvaltning", "bolag")


class ProgrammeError(ValueError):
    """The programme file is missing, unreadable or invalid. `problems` lists every finding."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Programfilen {path} är ogiltig:\n{lines}")


@dataclass(frozen=True)
class NamedCode:
    code: str
    name: str


@dataclass(frozen=True)
class OrgUnitDef:
    code: str
    name: str
    kind: str
    parent: str | None = None


@dataclass(frozen=True)
class RiskBand:
    code: str
    name: str
    min: int
    max: int


@dataclass(frozen=True)
class RiskScale:
    probability_labels: tuple[str, ...]
    consequence_labels: tuple[str, ...]
    bands: tuple[RiskBand, ...]
    acceptable_max_score: int


@dataclass(frozen=True)
class FollowupPeriodDef:
    code: str
    name: str
    month: int
    day: int


@dataclass(frozen=True)
class Defaults:
    hourly_cost_sek: Decimal
    discount_rate: Decimal
    benefit_horizon_years: int


@dataclass(frozen=True)
class CriterionDef:
    code: str
    name: str
    weight: Decimal
    scale: tuple[str, ...]
    prefill_from_case: bool = False


@dataclass(frozen=True)
class CriteriaSetDef:
    year: int
    budget_ceiling: Decimal | None
    criteria: tuple[CriterionDef, ...]


@dataclass(frozen=True)
class PrioritisationDef:
    gates: tuple[str, ...] = ()
    ceiling_source: str | None = None
    candidate_phases: tuple[str, ...] = ()
    criteria_sets: tuple[CriteriaSetDef, ...] = ()


@dataclass(frozen=True)
class FundingFrameDef:
    """A total sum (kronor) for the years first_year..last_year from one funding source, e.g. a
    mandatperiodssatsning; `reference` names the decision or document that gives it."""

    code: str
    name: str
    funding_source: str
    first_year: int
    last_year: int
    amount: Decimal
    reference: str | None = None

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


# Kinds of work on "Att göra" and in the reminder digests, with how many days before its date
# each counts as "due soon". The defaults are the list's behaviour before lead times were set
# per kind: measurements and risk reviews 30 days ahead; a period follow-up from the period's
# end, an evaluation once the initiative is closed (0: no advance notice).
LEAD_TIME_KINDS = ("measurement", "followup", "risk", "evaluation")
DEFAULT_LEAD_DAYS = {"measurement": 30, "followup": 0, "risk": 30, "evaluation": 0}
MAX_LEAD_DAYS = 365


@dataclass(frozen=True)
class LeadTimes:
    """Days before its date that work counts as due soon, per kind (`reminders.lead_days`)."""

    measurement: int = DEFAULT_LEAD_DAYS["measurement"]
    followup: int = DEFAULT_LEAD_DAYS["followup"]
    risk: int = DEFAULT_LEAD_DAYS["risk"]
    evaluation: int = DEFAULT_LEAD_DAYS["evaluation"]

    def of(self, kind: str) -> int:
        return int(getattr(self, kind))

    @property
    def longest(self) -> int:
        return max(self.of(kind) for kind in LEAD_TIME_KINDS)


# Similar initiatives and ideas (`similarity: {threshold: "0.25"}`): the cosine similarity, 0–1,
# from which two texts count as similar (chosen on tests/data/similar_pairs.tsv).
DEFAULT_SIMILARITY_THRESHOLD = Decimal("0.25")


@dataclass(frozen=True)
class Programme:
    name: str
    municipality: str
    priority_areas: tuple[NamedCode, ...]
    principles: tuple[NamedCode, ...]
    org_units: tuple[OrgUnitDef, ...]
    funding_sources: tuple[NamedCode, ...]
    risk: RiskScale
    followup_periods: tuple[FollowupPeriodDef, ...]
    defaults: Defaults
    infosec_classes: tuple[NamedCode, ...] = ()
    risk_categories: tuple[NamedCode, ...] = ()
    gates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    prioritisation: PrioritisationDef = field(default_factory=PrioritisationDef)
    question_thresholds: tuple[int, int] = (80, 50)
    funding_frames: tuple[FundingFrameDef, ...] = ()
    lead_times: LeadTimes = field(default_factory=LeadTimes)
    similarity_threshold: Decimal = DEFAULT_SIMILARITY_THRESHOLD
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def mapping(self, data: Any, key: str) -> dict:
        if not isinstance(data, dict):
            self.fail(key, "ska vara en mappning (nyckel: värde)")
            return {}
        return data

    def text(self, data: dict, name: str, key: str, required: bool = True) -> str | None:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(f"{key}.{name}", "saknas")
            return None
        if not isinstance(value, (str, int)):
            self.fail(f"{key}.{name}", "ska vara text")
            return None
        return str(value).strip()

    def integer(self, data: dict, name: str, key: str, lo: int, hi: int) -> int | None:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{key}.{name}", f"ska vara ett heltal mellan {lo} och {hi}")
            return None
        if not lo <= value <= hi:
            self.fail(f"{key}.{name}", f"ska vara mellan {lo} och {hi}, är {value}")
            return None
        return value

    def decimal(self, data: dict, name: str, key: str, lo: Decimal, hi: Decimal) -> Decimal | None:
        value = data.get(name)
        try:
            if isinstance(value, float) or isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value))
        except (InvalidOperation, TypeError, ValueError):
            self.fail(f"{key}.{name}", 'ska vara ett decimaltal inom citattecken, t.ex. "0.03"')
            return None
        if not lo <= number <= hi:
            self.fail(f"{key}.{name}", f"ska vara mellan {lo} och {hi}, är {number}")
            return None
        return number

    def code_list(self, raw: Any, key: str) -> list[NamedCode]:
        if not isinstance(raw, list) or not raw:
            self.fail(key, "ska vara en lista med minst ett element")
            return []
        items: list[NamedCode] = []
        seen: set[str] = set()
        for i, entry in enumerate(raw):
            ikey = f"{key}[{i}]"
            entry = self.mapping(entry, ikey)
            code = self.text(entry, "code", ikey)
            name = self.text(entry, "name", ikey)
            if code is not None and not CODE_RE.match(code):
                self.fail(f"{ikey}.code", f"'{code}' får bara innehålla bokstäver a–z, siffror, - och _")
                code = None
            if code is not None and code in seen:
                self.fail(f"{ikey}.code", f"koden '{code}' förekommer flera gånger")
                code = None
            if code and name:
                seen.add(code)
                items.append(NamedCode(code, name))
        return items


def parse_programme(data: Any, path: str = "<programfil>") -> Programme:
    """Validate already-parsed YAML data and build a `Programme`, or raise `ProgrammeError`."""
    c = _Checker()
    root = c.mapping(data, "(roten)")
    head = c.mapping(root.get("programme", {}), "programme")
    name = c.text(head, "name", "programme")
    municipality = c.text(head, "municipality", "programme")

    areas = c.code_list(root.get("priority_areas"), "priority_areas")
    principles = c.code_list(root.get("principles"), "principles")
    funding = c.code_list(root.get("funding_sources"), "funding_sources")

    units: list[OrgUnitDef] = []
    raw_units = root.get("org_units")
    if not isinstance(raw_units, list) or not raw_units:
        c.fail("org_units", "ska vara en lista med minst en enhet")
        raw_units = []
    unit_codes = [u.get("code") for u in raw_units if isinstance(u, dict)]
    seen_units: set[str] = set()
    for i, entry in enumerate(raw_units):
        key = f"org_units[{i}]"
        entry = c.mapping(entry, key)
        code = c.text(entry, "code", key)
        uname = c.text(entry, "name", key)
        kind = c.text(entry, "kind", key)
        parent = c.text(entry, "parent", key, required=False)
        if code and not CODE_RE.match(code):
            c.fail(f"{key}.code", f"'{code}' får bara innehålla bokstäver a–z, siffror, - och _")
            continue
        if code in seen_units:
            c.fail(f"{key}.code", f"koden '{code}' förekommer flera gånger")
            continue
        if kind and kind not in UNIT_KINDS:
            c.fail(f"{key}.kind", f"'{kind}' är inte en av {', '.join(UNIT_KINDS)}")
            continue
        if parent is not None and (parent not in unit_codes or parent == code):
            c.fail(f"{key}.parent", f"okänd enhet '{parent}'")
            continue
        if code and uname and kind:
            seen_units.add(code)
            units.append(OrgUnitDef(code, uname, kind, parent))

    risk = _parse_risk(c, c.mapping(root.get("risk", {}), "risk"))
    periods = _parse_periods(c, root.get("followup_periods"))
    defaults = _parse_defaults(c, c.mapping(root.get("defaults", {}), "defaults"))

    basis = c.mapping(root.get("decision_basis", {}), "decision_basis")
    infosec = c.code_list(basis.get("infosec_classes"), "decision_basis.infosec_classes")
    categories = c.code_list(basis.get("risk_categories"), "decision_basis.risk_categories")
    gates = _parse_gates(c, root.get("gates", {}))
    prioritisation = _parse_prioritisation(c, c.mapping(root.get("prioritisation", {}), "prioritisation"),
                                           {f.code for f in funding})

    frames = _parse_funding_frames(c, root.get("funding_frames"), {f.code for f in funding})
    lead_times = _parse_lead_times(c, root.get("reminders"))
    similarity_threshold = _parse_similarity(c, root.get("similarity"))

    questions = c.mapping(root.get("audit_questions", {"green": 80, "yellow": 50}), "audit_questions")
    green = c.integer(questions, "green", "audit_questions", 0, 100)
    yellow = c.integer(questions, "yellow", "audit_questions", 0, 100)
    if green is not None and yellow is not None and yellow > green:
        c.fail("audit_questions", "yellow får inte vara större än green")

    if c.problems:
        raise ProgrammeError(path, c.problems)
    # Each of these is None only after a recorded problem.
    assert name is not None and municipality is not None and risk is not None
    assert defaults is not None and green is not None and yellow is not None
    known = {"audit_questions", "programme", "priority_areas", "principles", "org_units", "funding_sources", "risk",
             "followup_periods", "defaults", "decision_basis", "gates", "prioritisation", "funding_frames", "reminders",
             "similarity"}
    return Programme(
        name=name, municipality=municipality, priority_areas=tuple(areas),
        principles=tuple(principles), org_units=tuple(units), funding_sources=tuple(funding),
        risk=risk, followup_periods=tuple(periods), defaults=defaults,
        infosec_classes=tuple(infosec), risk_categories=tuple(categories), gates=gates,
        prioritisation=prioritisation, question_thresholds=(green, yellow), funding_frames=frames,
        lead_times=lead_times, similarity_threshold=similarity_threshold,
        extra={k: v for k, v in root.items() if k not in known},
    )


def _parse_risk(c: _Checker, raw: dict) -> RiskScale | None:
    labels = {}
    for scale in ("probability_labels", "consequence_labels"):
        value = raw.get(scale)
        if not isinstance(value, list) or len(value) != 5 or not all(isinstance(v, str) for v in value):
            c.fail(f"risk.{scale}", "ska vara en lista med exakt fem texter (skala 1–5)")
            value = []
        labels[scale] = tuple(value)
    bands: list[RiskBand] = []
    raw_bands = raw.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        c.fail("risk.bands", "ska vara en lista med riskband")
        raw_bands = []
    for i, entry in enumerate(raw_bands):
        key = f"risk.bands[{i}]"
        entry = c.mapping(entry, key)
        code = c.text(entry, "code", key)
        name = c.text(entry, "name", key)
        lo = c.integer(entry, "min", key, 1, 25)
        hi = c.integer(entry, "max", key, 1, 25)
        if lo is not None and hi is not None and lo > hi:
            c.fail(key, f"min ({lo}) är större än max ({hi})")
        elif code and name and lo is not None and hi is not None:
            bands.append(RiskBand(code, name, lo, hi))
    covered = sorted(n for b in bands for n in range(b.min, b.max + 1))
    if bands and covered != list(range(1, 26)):
        c.fail("risk.bands", "banden ska täcka poängen 1–25 exakt en gång, utan luckor eller överlapp")
    acceptable = c.integer(raw, "acceptable_max_score", "risk", 1, 25)
    if c.problems:
        return None
    assert acceptable is not None   # None only after a recorded problem
    return RiskScale(labels["probability_labels"], labels["consequence_labels"], tuple(bands),
                     acceptable)


def _parse_gates(c: _Checker, raw: Any) -> dict[str, tuple[str, ...]]:
    raw = c.mapping(raw, "gates")
    gates = {}
    for phase, codes in raw.items():
        key = f"gates.{phase}"
        if phase not in MAIN_FLOW:
            c.fail(key, f"okänd fas '{phase}'; välj bland {', '.join(MAIN_FLOW)}")
            continue
        if not isinstance(codes, list):
            c.fail(key, "ska vara en lista med krav")
            continue
        unknown = [code for code in codes if code not in REQUIREMENT_CODES]
        if unknown:
            c.fail(key, f"okänt krav {', '.join(map(str, unknown))}; välj bland {', '.join(REQUIREMENT_CODES)}")
            continue
        gates[phase] = tuple(codes)
    return gates


def _parse_prioritisation(c: _Checker, raw: dict, funding_codes: set[str]) -> PrioritisationDef:
    if not raw:
        return PrioritisationDef()
    gates = raw.get("gates") or []
    unknown = [g for g in gates if g not in REQUIREMENT_CODES]
    if unknown:
        c.fail("prioritisation.gates", f"okänt krav {', '.join(map(str, unknown))}")
    phases = raw.get("candidate_phases") or []
    if any(p not in MAIN_FLOW for p in phases):
        c.fail("prioritisation.candidate_phases", f"faserna ska vara bland {', '.join(MAIN_FLOW)}")
    source = raw.get("ceiling_source")
    if source is not None and source not in funding_codes:
        c.fail("prioritisation.ceiling_source", f"okänd finansieringskälla '{source}'")
    sets, years = [], set()
    for i, entry in enumerate(raw.get("criteria_sets") or []):
        key = f"prioritisation.criteria_sets[{i}]"
        entry = c.mapping(entry, key)
        year = c.integer(entry, "year", key, 2000, 2100)
        if year in years:
            c.fail(f"{key}.year", f"året {year} förekommer flera gånger")
        years.add(year)
        ceiling = None
        if entry.get("budget_ceiling") is not None:
            ceiling = c.decimal(entry, "budget_ceiling", key, Decimal(0), Decimal(10) ** 12)
        criteria, codes = [], set()
        for j, crit in enumerate(entry.get("criteria") or []):
            ckey = f"{key}.criteria[{j}]"
            crit = c.mapping(crit, ckey)
            code, name = c.text(crit, "code", ckey), c.text(crit, "name", ckey)
            weight = c.decimal(crit, "weight", ckey, Decimal(0), Decimal(100))
            scale = crit.get("scale")
            if not isinstance(scale, list) or len(scale) != 5 or not all(isinstance(t, str) for t in scale):
                c.fail(f"{ckey}.scale", "ska vara en lista med exakt fem texter (poäng 1–5)")
                scale = None
            if code in codes:
                c.fail(f"{ckey}.code", f"koden '{code}' förekommer flera gånger")
            codes.add(code)
            if code and name and weight is not None and scale:
                criteria.append(CriterionDef(code, name, weight, tuple(scale),
                                             bool(crit.get("prefill_from_case"))))
        if not criteria:
            c.fail(f"{key}.criteria", "ska innehålla minst ett kriterium")
        elif sum(cr.weight for cr in criteria) == 0:
            c.fail(f"{key}.criteria", "minst en vikt måste vara större än noll")
        if year:
            sets.append(CriteriaSetDef(year, ceiling, tuple(criteria)))
    return PrioritisationDef(tuple(gates), source, tuple(phases), tuple(sets))


def _parse_funding_frames(c: _Checker, raw: Any, funding_codes: set[str]) -> tuple[FundingFrameDef, ...]:
    """Optional section: a list of frames, each a sum for a period from a known funding source."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.fail("funding_frames", "ska vara en lista med finansieringsramar")
        return ()
    frames: list[FundingFrameDef] = []
    codes: set[str] = set()
    for i, entry in enumerate(raw):
        key = f"funding_frames[{i}]"
        entry = c.mapping(entry, key)
        code = c.text(entry, "code", key)
        name = c.text(entry, "name", key)
        source = c.text(entry, "funding_source", key)
        first = c.integer(entry, "first_year", key, 2000, 2100)
        last = c.integer(entry, "last_year", key, 2000, 2100)
        amount = c.decimal(entry, "amount", key, Decimal(0), Decimal(10) ** 12)
        reference = c.text(entry, "reference", key, required=False)
        ok = None not in (code, name, source, first, last, amount)
        if code is not None and not CODE_RE.match(code):
            c.fail(f"{key}.code", f"'{code}' får bara innehålla bokstäver a–z, siffror, - och _")
            ok = False
        elif code in codes:
            c.fail(f"{key}.code", f"koden '{code}' förekommer flera gånger")
            ok = False
        if source is not None and source not in funding_codes:
            c.fail(f"{key}.funding_source",
                   f"okänd finansieringskälla '{source}'; välj bland {', '.join(sorted(funding_codes))}")
            ok = False
        if first is not None and last is not None and first > last:
            c.fail(key, f"first_year ({first}) är senare än last_year ({last})")
            ok = False
        if amount is not None and amount <= 0:
            c.fail(f"{key}.amount", f"ska vara större än noll, är {amount}")
            ok = False
        elif amount is not None and amount != amount.quantize(Decimal("0.01")):
            c.fail(f"{key}.amount", "får ha högst två decimaler (öre)")
            ok = False
        if not ok:
            continue
        # ok: none of them is None
        assert code is not None and name is not None and source is not None
        assert first is not None and last is not None and amount is not None
        for other in frames:
            if other.funding_source == source and first <= other.last_year and other.first_year <= last:
                c.fail(key, f"perioden {first}–{last} överlappar ramen '{other.code}' "
                            f"({other.first_year}–{other.last_year}) för samma finansieringskälla")
                ok = False
        if ok:
            codes.add(code)
            frames.append(FundingFrameDef(code, name, source, first, last, amount, reference))
    return tuple(frames)


def _parse_similarity(c: _Checker, raw: Any) -> Decimal:
    """Optional section `similarity: {threshold: "0.25"}`."""
    if raw is None:
        return DEFAULT_SIMILARITY_THRESHOLD
    section = c.mapping(raw, "similarity")
    unknown_keys = sorted(str(k) for k in section if k != "threshold")
    if unknown_keys:
        c.fail("similarity", f"okänd nyckel {', '.join(unknown_keys)}; bara threshold finns")
    if "threshold" not in section:
        return DEFAULT_SIMILARITY_THRESHOLD
    value = c.decimal(section, "threshold", "similarity", Decimal("0.01"), Decimal("0.99"))
    return DEFAULT_SIMILARITY_THRESHOLD if value is None else value


def _parse_lead_times(c: _Checker, raw: Any) -> LeadTimes:
    """Optional section `reminders: {lead_days: {measurement: 14, …}}`; a kind left out keeps
    its default (DEFAULT_LEAD_DAYS)."""
    if raw is None:
        return LeadTimes()
    section = c.mapping(raw, "reminders")
    unknown_keys = sorted(str(k) for k in section if k != "lead_days")
    if unknown_keys:
        c.fail("reminders", f"okänd nyckel {', '.join(unknown_keys)}; bara lead_days finns")
    days = section.get("lead_days")
    if days is None:
        return LeadTimes()
    days = c.mapping(days, "reminders.lead_days")
    values = dict(DEFAULT_LEAD_DAYS)
    for kind in days:
        if kind not in LEAD_TIME_KINDS:
            c.fail(f"reminders.lead_days.{kind}",
                   f"okänt slag; välj bland {', '.join(LEAD_TIME_KINDS)}")
            continue
        value = c.integer(days, kind, "reminders.lead_days", 0, MAX_LEAD_DAYS)
        if value is not None:
            values[kind] = value
    return LeadTimes(**values)


def _parse_periods(c: _Checker, raw: Any) -> list[FollowupPeriodDef]:
    if not isinstance(raw, list) or not raw:
        c.fail("followup_periods", "ska vara en lista med minst en period")
        return []
    periods = []
    for i, entry in enumerate(raw):
        key = f"followup_periods[{i}]"
        entry = c.mapping(entry, key)
        code = c.text(entry, "code", key)
        name = c.text(entry, "name", key)
        month = c.integer(entry, "month", key, 1, 12)
        day = c.integer(entry, "day", key, 1, 31)
        if code and name and month and day:
            periods.append(FollowupPeriodDef(code, name, month, day))
    return periods


def _parse_defaults(c: _Checker, raw: dict) -> Defaults | None:
    hourly = c.decimal(raw, "hourly_cost_sek", "defaults", Decimal(0), Decimal(100000))
    rate = c.decimal(raw, "discount_rate", "defaults", Decimal(0), Decimal("0.5"))
    horizon = c.integer(raw, "benefit_horizon_years", "defaults", 1, 30)
    if hourly is None or rate is None or horizon is None:
        return None
    return Defaults(hourly, rate, horizon)


def load_programme(path: str | Path) -> Programme:
    """Read the programme file at `path`, or raise `ProgrammeError` naming what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeError(str(path), [f"(filen): kan inte läsas: {exc.strerror}"]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"rad {mark.line + 1}, kolumn {mark.column + 1}" if mark else "okänd plats"
        raise ProgrammeError(str(path), [f"(YAML, {where}): {getattr(exc, 'problem', exc)}"]) from exc
    return parse_programme(data, str(path))
