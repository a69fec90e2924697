"""Load the demo users and initiatives through the ordinary services (so the change log and
every rule apply to demo data too). Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import overload

import yaml

from portfolio.auth import roles as R
from portfolio.auth.models import User
from portfolio.auth.services import create_user
from portfolio.clock import today
from portfolio.domain import phases as P
from portfolio.extensions import db
from portfolio.initiatives import publication
from portfolio.initiatives import services as initiative_services
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea

DATA_DIR = Path(__file__).parent / "data"
DEMO_PASSWORD = "demo-losenord"
DEMO_NOTE_INVENTED = "Påhittat exempel för demonstration."

DEMO_USERS = [
    # email, name, roles, areas, units, description
    ("admin@exempel.se", "Alva Admin", [R.ADMIN], [], [], "administratör"),
    ("projektkontoret@exempel.se", "Petra Projektkontor", [R.PORTFOLIO_OFFICE], [], [],
     "projektkontoret (alla initiativ)"),
    ("programledare.valfard@exempel.se", "Paul Programledare", [R.PROGRAMME_MANAGER],
     ["valfard"], [], "programledare, Smart och individanpassad välfärd"),
    ("programledare.stad@exempel.se", "Stina Stadsledare", [R.PROGRAMME_MANAGER],
     ["stad-landsbygd"], [], "programledare, Digitalt hållbar stad och landsbygd"),
    ("programledare.service@exempel.se", "Sam Servicesson", [R.PROGRAMME_MANAGER],
     ["service"], [], "programledare, Självklar service"),
    ("programledare.stod@exempel.se", "Sara Stödprocess", [R.PROGRAMME_MANAGER],
     ["stodprocesser"], [], "programledare, Effektiva stödprocesser"),
    ("redigerare.sbf@exempel.se", "Erik Redigerare", [R.EDITOR], [], ["SBN"],
     "redigerare för stadsbyggnadsnämnden/-förvaltningen"),
    ("redigerare.kff@exempel.se", "Karin Kulturfritid", [R.EDITOR], [], ["KFN"],
     "redigerare för kultur- och fritidsnämnden/-förvaltningen"),
    ("ks@exempel.se", "Kim Kommunstyrelse", [R.VIEWER], [], [], "läsare (KS-ledamot)"),
]


def demo_hint() -> dict:
    """What the login page shows in demo mode: the public demo logins and their password."""
    return {"password": DEMO_PASSWORD, "logins": demo_logins()}


def demo_logins() -> list[tuple[str, str]]:
    return [(email, description) for email, _, _, _, _, description in DEMO_USERS]


def _read(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@overload
def _date(value: None) -> None: ...
@overload
def _date(value: dt.date | str) -> dt.date: ...
def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def load_demo() -> bool:
    """Create demo users and initiatives unless they are there already. True if created.
    Writes through the services in the caller's transaction (one commit for all of it)."""
    if db.session.scalar(db.select(User.id).where(User.email == DEMO_USERS[0][0])):
        return False
    for email, name, roles, areas, units, _ in DEMO_USERS:
        create_user(email=email, name=name, roles=roles, areas=areas, units=units,
                    password=DEMO_PASSWORD)
    office = db.session.scalar(db.select(User).where(User.email == DEMO_USERS[1][0]))
    _load_initiatives(office)
    _load_decision_bases(office, today())
    _load_decisions(office, today())
    _load_followups(office, today())
    _load_plans_and_audit(office)
    _load_prioritisation(office, today())
    _backdate_registration()
    _publish_open_data(office)
    return True


def _ids(model, codes) -> list[int]:
    by_code = {code: id_ for code, id_ in db.session.execute(db.select(model.code, model.id))}
    return [by_code[c] for c in codes]


def _load_initiatives(office: User) -> None:
    data = _read("initiatives.yaml")
    sources = {code: id_ for code, id_ in db.session.execute(
        db.select(FundingSource.code, FundingSource.id))}
    for item in data["initiatives"]:
        if db.session.scalar(db.select(Initiative.id).where(Initiative.ref == item["ref"])):
            continue
        note = item.get("seed_note") if item.get("source") == "seed" else DEMO_NOTE_INVENTED
        target_phase = item["phase"]
        # Registered as existing work in the phase it is in (or was in before a side state):
        # any_phase, as the import does; the demo's portfolio decisions are recorded apart
        # (`_load_decisions`), so no gate is passed unmet and no override is made.
        reached = item.get("phase_before") or (target_phase if target_phase in P.MAIN_FLOW else P.IDE)
        payload = initiative_services.InitiativeInput(
            ref=item["ref"], title=item["title"], description=item.get("description") or "",
            owning_unit_id=_ids(OrgUnit, [item["owning_unit"]])[0],
            participating_unit_ids=_ids(OrgUnit, item.get("participating_units") or []),
            primary_area_id=_ids(PriorityArea, [item["primary_area"]])[0],
            secondary_area_ids=_ids(PriorityArea, item.get("secondary_areas") or []),
            principle_ids=_ids(Principle, item.get("principles") or []),
            phase=reached,
            start_date=_date(item.get("start_date")), end_date=_date(item.get("end_date")),
            need_owner=item.get("need_owner"), project_lead=item.get("project_lead"),
            benefit_owner=item.get("benefit_owner"),
            funding=[initiative_services.FundingInput(f["year"], sources[f["source"]],
                                                      Decimal(str(f["amount"])), i)
                     for i, f in enumerate(item.get("funding") or [])],
            staffing=[initiative_services.StaffingInput(s["year"], Decimal(str(s["fte"])), i)
                      for i, s in enumerate(item.get("staffing") or [])],
            is_demo=True, demo_note=note)
        ini = initiative_services.create_initiative(payload, office, any_phase=True)
        if target_phase not in P.MAIN_FLOW:
            initiative_services.change_phase(ini, target_phase, office,
                                             expected_version=ini.version,
                                             reason="Demodata: fas enligt demoscenariot.")


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# Invented operational dates are set relative to today, so the demo always has a realistic mix
# of work that is done, due soon and overdue: (weight, first, last) days from today to the next
# review or measurement (negative: overdue). Nothing is left more than a year overdue.
DUE_MIX = (
    (40, 31, 365),      # done: the next time is more than a month away
    (20, 0, 30),        # due soon
    (20, -30, -1),      # overdue, the last 30 days
    (12, -90, -31),     # overdue 1–3 months
    (8, -300, -91),     # long past (the to-do list only summarises these)
)


def _days_to_next(rng, longest: int | None = None) -> int:
    """Days from today to the next due date, drawn from DUE_MIX; `longest` caps how far ahead
    (a monthly measurement is never due more than a month after the last one)."""
    weights = [w for w, _, _ in DUE_MIX]
    _, first, last = rng.choices(DUE_MIX, weights)[0]
    if longest is not None:
        last = min(last, longest)
        first = min(first, last)
    return rng.randint(first, last)


def _review_date(ref: str, risk: dict, today_: dt.date) -> dt.date | None:
    """A risk's next review relative to today (the data file's review dates are only a marker
    that the risk has a review planned; the dates themselves are invented)."""
    import random

    if risk.get("review_date") is None:
        return None
    return today_ + dt.timedelta(days=_days_to_next(random.Random(f"{ref}:{risk['title']}")))


def _load_decision_bases(office: User, today_: dt.date) -> None:
    """Needs analyses, risks and benefit cases in varied states of completeness, written
    through the services as the project office."""
    from portfolio.benefits import services as benefits
    from portfolio.needs import services as needs
    from portfolio.risks import services as risks

    path = DATA_DIR / "decision_basis.yaml"
    if not path.exists():
        return
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["decision_bases"]:
        ini = db.session.scalar(db.select(Initiative).where(Initiative.ref == item["ref"]))
        if ini is None:
            continue
        if analysis := item.get("needs_analysis"):
            values = {k: v for k, v in analysis.items() if k != "status"}
            values["involvement_when"] = _date(values.get("involvement_when"))
            needs.save(ini, values, office, complete=analysis.get("status") == "klar",
                       expected_version=None)
        if reason := item.get("no_significant_risks"):
            risks.set_no_significant_risks(ini, True, reason, office)
        for risk in item.get("risks") or []:
            values = dict(risk)
            values["due_date"] = _date(values.get("due_date"))
            values["review_date"] = _review_date(ini.ref, risk, today_)
            risks.save_risk(ini, values, office)
        if case := item.get("benefit_case"):
            benefits.save_case(ini, {
                "start_year": case["start_year"], "horizon": case["horizon"],
                "discount_rate": Decimal(str(case["discount_rate"])),
                "hourly_cost": Decimal(str(case["hourly_cost"]))}, office)
            for cost in case.get("costs") or []:
                benefits.save_cost_line(ini, {
                    **cost, "amount": _decimal(cost.get("amount")),
                    "hours": _decimal(cost.get("hours")),
                    "last_year": cost.get("last_year"), "hourly_cost": None}, office)
            for benefit in case.get("benefits") or []:
                values = dict(benefit)
                for key in ("baseline", "target", "amount", "volume", "minutes_saved",
                            "realisation_share", "hourly_cost"):
                    values[key] = _decimal(values.get(key))
                for key in ("baseline_date", "target_date"):
                    values[key] = _date(values.get(key))
                if values.get("ramp_up") is not None:
                    values["ramp_up"] = str(values["ramp_up"])
                benefits.save_benefit(ini, values, office)


LESSONS = [
    "Involvera användarna redan i behovsanalysen – de hittade brister som kravställningen missat.",
    "Utse nyttoägaren i linjen innan genomförandet startar, annars blir ingen kvar som mäter.",
    "Planera för förvaltningen från början: licens- och driftkostnader underskattades.",
    "Samverkan med serviceförvaltningen tidigt sparade tid vid integrationerna.",
    "Mät utgångsläget innan införandet – i efterhand gick det inte att rekonstruera.",
    "Ett mindre pilotområde gav snabbare lärande än ett brett införande.",
]
FOLLOWUP_TEXTS = {
    "gron": (None, "Arbetet följer planen."),
    "gul": ("Leveransen från leverantören är försenad en månad.", "Ny tidplan tas fram med leverantören."),
    "rod": ("Nyckelperson har slutat och budgeten är överskriden.", "Eskaleras till styrgruppen."),
}


def _load_followups(office: User, today_: dt.date) -> None:
    """Several years of measurements and period follow-ups, some late or missing, and closed
    initiatives evaluated. Deterministic (seeded per initiative and benefit); the dates are set
    relative to today so the to-do list has a realistic mix of done, due-soon and overdue work."""
    import random

    from portfolio.benefits.models import Benefit
    from portfolio.domain import schedule
    from portfolio.followups import services as followups
    from portfolio.programme.services import current_programme

    periods = current_programme().followup_periods
    answered = _date(_read("audit.yaml")["audit"]["answer_deadline"])
    initiatives = db.session.scalars(db.select(Initiative).where(Initiative.phase.in_(
        (P.PLANERING, P.GENOMFORANDE, P.UPPFOLJNING, P.AVSLUTAD))).order_by(Initiative.ref)).all()
    for ini in initiatives:
        rng = random.Random(ini.ref)
        start = ini.start_date or dt.date(today_.year - 1, 1, 1)
        stop = min(ini.end_date or today_, today_) if ini.phase == P.AVSLUTAD else today_
        # Period follow-ups: most periods done, some skipped, the current one often missing.
        progress = 0
        for year in range(start.year, stop.year + 1):
            for period in schedule.periods_for_year(year, periods):
                if period.ends < start or period.ends > stop or rng.random() < 0.15:
                    continue
                if period == schedule.current_period(today_, periods) and rng.random() < 0.5:
                    continue
                status = rng.choices(["gron", "gul", "rod"], [6, 3, 1])[0]
                progress = min(100, progress + rng.randint(10, 35))
                comment, next_steps = FOLLOWUP_TEXTS[status]
                followups.save_followup(ini, {
                    "year": year, "period": period.code, "status": status, "comment": comment,
                    "progress": progress, "cost_to_date": (ini.total_funding * progress / 100)
                    .quantize(Decimal(1)) if ini.funding else None,
                    "achievements": "Demodata: delleverans enligt plan." if status == "gron" else None,
                    "next_steps": next_steps}, office)
        if ini.phase != P.PLANERING:
            for benefit in db.session.scalars(db.select(Benefit).where(
                    Benefit.initiative_id == ini.id, Benefit.kind != "negativ")
                    .order_by(Benefit.id)).all():
                _measure(ini, benefit, start, today_, office)
        if ini.phase == P.AVSLUTAD:
            _evaluate(ini, rng, today_, answered, office)


def _measure(ini: Initiative, benefit, start: dt.date, today_: dt.date, office: User) -> None:
    """A benefit's measurements up to a last one placed so that the next is due on a day drawn
    from DUE_MIX. A benefit without baseline or target is written off when its initiative has
    closed (nothing to measure against), as the audit found for some."""
    import random

    from portfolio.benefits.services import planned_per_year
    from portfolio.domain import schedule
    from portfolio.followups import services as followups

    rng = random.Random(f"{ini.ref}:{benefit.title}")
    if benefit.baseline is None or benefit.target is None:
        if ini.phase == P.AVSLUTAD:
            followups.set_benefit_status(ini, benefit, "avskriven", "Utgångsläget mättes aldrig, så "
                                         "nyttan kan inte följas upp. (Demodata.)", office)
        return
    months = schedule.FREQUENCY_MONTHS[benefit.frequency]
    anchor = schedule.measurement_anchor(None, benefit.baseline_date, benefit.first_year, start)
    next_due = today_ + dt.timedelta(days=_days_to_next(rng, longest=months * 28))
    last = min(schedule.add_months(next_due, -months), today_)
    days = []
    day = last
    while day > anchor:
        days.append(day)
        day = schedule.add_months(day, -months)
    span = max(1, (benefit.target_date or today_).toordinal() - anchor.toordinal())
    for day in reversed(days):
        progress_share = min(1.2, (day.toordinal() - anchor.toordinal()) / span)
        noise = Decimal(str(round(rng.uniform(-0.08, 0.08), 3)))
        share = Decimal(str(round(progress_share * rng.uniform(0.6, 1.0), 3))) + noise
        value = (benefit.baseline + (benefit.target - benefit.baseline) * share).quantize(Decimal("0.1"))
        realised = None
        if benefit.kind in ("finansiell", "omfordelning") and benefit.case:
            planned = planned_per_year(benefit, benefit.case).get(day.year)
            if planned:
                realised = (planned * max(Decimal(0), share) * months / 12).quantize(Decimal(1))
        followups.log_measurement(ini, benefit, {
            "measured_on": day, "value": value, "realised_amount": realised,
            "comment": "Demodata"}, office)
    if ini.phase == P.AVSLUTAD and days and rng.random() < 0.4:
        followups.set_benefit_status(ini, benefit, "verifierad",
                                     "Demodata: effekten bekräftad i helårsuppföljningen.", office)


def _evaluate(ini: Initiative, rng, today_: dt.date, answered: dt.date, office: User) -> None:
    """Closed initiatives are evaluated a few months after closing; one closed in the last year
    may still wait for it. Those the audit (2022) found unevaluated get theirs after the
    committees' answers (invented, like every evaluation here)."""
    from portfolio.followups import services as followups

    closed = min(ini.end_date or today_, today_)
    if (today_ - closed).days < 300 and rng.random() < 0.5:
        return
    evaluated = closed + dt.timedelta(days=rng.randint(20, 120))
    after_audit = ini.demo_note != DEMO_NOTE_INVENTED and closed < answered
    if after_audit:
        evaluated = answered + dt.timedelta(days=rng.randint(30, 270))
    followups.save_evaluation(ini, {
        "goals_met": rng.choice(["ja", "delvis", "delvis", "nej"]),
        "goals_comment": "Utvärderad i efterhand, efter revisionens granskning (demodata)."
        if after_audit else "Demodata.",
        "benefits_realised": "Delar av de planerade nyttorna syns i mätningarna (demodata).",
        "measured_after": f"{ini.benefit_owner or 'Nyttoägaren'} mäter indikatorerna årligen.",
        "lessons_learned": rng.choice(LESSONS),
        "evaluated_on": min(evaluated, today_)}, office)


# Plausible later plan states (2023 onward), marked as demo data: (committee, title, status,
# period, started, decided, diarienummer, revision month, next revision).
LATER_PLANS = [
    ("SOCN", "Socialnämndens plan för digital transformation 2023–2024", "beslutad", (2023, 2024),
     "2023-01-10", "2023-02-22", "SOCN/2023:12", 2, None),
    ("VON", "Vård- och omsorgsnämndens plan för digital transformation 2023", "beslutad", (2023, 2023),
     "2023-01-10", "2023-03-21", "VON/2023:31", 3, None),
    ("KFN", "Kultur- och fritidsnämndens plan för digital transformation 2024–2026", "beslutad",
     (2024, 2026), "2023-04-01", "2024-03-20", "KFN/2024:18", 3, "2025-03-01"),
    ("KS", "Kommunstyrelsens plan för digital transformation 2024–2026", "beslutad", (2024, 2026),
     "2023-09-01", "2024-02-13", "KSKF/2023:611", 2, "2027-02-01"),
    ("GSN", "Grundskolenämndens plan för digital transformation 2024–2027", "beslutad", (2024, 2027),
     "2023-03-01", "2024-06-11", "GSN/2024:102", 6, "2027-06-01"),
    ("GN", "Gymnasienämndens plan för digital transformation", "under_arbete", (2025, 2027),
     "2023-03-01", None, None, None, None),
    ("SBN", "Stadsbyggnadsnämndens plan för digitalisering 2024–2025", "beslutad", (2024, 2025),
     "2023-11-01", "2024-04-24", "SBN/2024:77", 9, "2025-09-01"),
]
DEMO_GOALS = {
    "KS": [("Alla nämnder har en beslutad plan för digital transformation", "stodprocesser",
            "Andel nämnder med beslutad plan", 40, 100),
           ("Fler e-tjänster som invånare använder", "service", "Antal ärenden via e-tjänst per år",
            40000, 80000)],
    "SOCN": [("Digitala brev till fler mottagare", "service", "Andel utskick som digital post", 20, 70)],
    "VON": [("Välfärdsteknik i hemtjänsten", "valfard", "Antal brukare med digitala tillsyn", 150, 600),
            ("Minskad administration för medarbetare", "stodprocesser", "Minuter administration per pass", 55, 35)],
    "KFN": [("Enklare att söka föreningsstöd", "service", "Andel digitala ansökningar", 60, 95)],
    "SBN": [("Digital bygglovsprocess från ansökan till beslut", "stad-landsbygd",
             "Handläggningstid i dagar", 40, 20)],
    "GSN": [("Moderna och sammanhållna skolsystem", "valfard", "Antal ersatta äldre system", 0, 6)],
}


def _load_plans_and_audit(office: User) -> None:
    """The KPMG audit of 2022 with every recommendation and committee answer as the source
    document gives them; plan states as the audit found them; later states marked as demo."""
    from portfolio.followups.models import STATUSES
    from portfolio.plans import services as plans

    data = _read("audit.yaml")
    units = {u.code: u for u in db.session.scalars(db.select(OrgUnit))}
    _load_audit(office, data, units)
    # Plans as the audit found them at the end of 2022.
    for plan in data["plans_2022"]:
        committee = units[plan["committee"]]
        if plan["status"] == "saknas":
            plans.save_plan(committee, {
                "status": "saknas", "title": "Ingen beslutad plan (läget enligt granskningen 2022)",
                "note": plan.get("note")}, office)
            continue
        plans.save_plan(committee, {
            "status": "beslutad", "title": plan["title"], "period_start": plan.get("period_start"),
            "period_end": plan.get("period_end"), "decided_on": _date(plan.get("decided_date")),
            "diarienummer": plan.get("diarienummer"), "decided_by": committee.name,
            "note": plan.get("note")}, office)
    # Later states (demo).
    for code, title, status, (start, end), started, decided, dnr, month, revision in LATER_PLANS:
        committee = units[code]
        plan = plans.save_plan(committee, {
            "status": status, "title": title, "period_start": start, "period_end": end,
            "started_on": _date(started), "decided_on": _date(decided), "diarienummer": dnr,
            "decided_by": committee.name if decided else None, "revision_month": month,
            "next_revision": _date(revision), "is_demo": True,
            "note": "Demodata: planens senare läge är påhittat för demonstration."}, office)
        for text, area, indicator, baseline, target in DEMO_GOALS.get(code, []):
            goal = plans.save_goal(plan, {
                "text": text, "area_id": db.session.scalar(db.select(PriorityArea.id).where(
                    PriorityArea.code == area)), "indicator": indicator,
                "baseline": Decimal(baseline), "target": Decimal(target),
                "target_date": dt.date(end, 12, 31), "interim_followup_on": dt.date(start, 8, 31),
                "annual_followup_on": dt.date(start, 12, 31)}, office)
            if decided:
                third = (Decimal(target) - Decimal(baseline)) / 3
                plans.add_goal_followup(goal, {
                    "followed_on": dt.date(start, 12, 31),
                    "value": (Decimal(baseline) + third).quantize(Decimal("0.1")),
                    "status": STATUSES[len(text) % 3], "comment": "Demodata: helårsuppföljning."}, office)
            owned = db.session.scalars(db.select(Initiative).join(OrgUnit, Initiative.owning_unit)
                                       .where((OrgUnit.code == code) | (OrgUnit.parent_id == committee.id))
                                       .order_by(Initiative.ref).limit(2)).all()
            for ini in owned:
                if goal not in ini.plan_goals:
                    plans.set_goal_link(ini, goal, True, office)


def _load_audit(office: User, data: dict, units: dict) -> None:
    """The audit (with the committees it covers and its questions), its recommendations and
    each committee's answer: the status the answer itself states (from its date on), then the
    invented later statuses and done-marks (demo), in date order, as far as today."""
    from portfolio.audits import services as audits
    from portfolio.audits.models import RecommendationResponse

    info = data["audit"]
    audit = audits.save_audit({
        "title": info["title"], "auditor": info["auditor"], "audit_year": info.get("audit_year"),
        "report_date": _date(info["report_date"]), "diarienummer": info["diarienummer"],
        "letter_date": _date(info["letter_date"]), "answer_deadline": _date(info["answer_deadline"]),
        "assessment": info["assessment"],
        "committee_ids": [units[c].id for c in info.get("committees", [])]}, office)
    for question in info.get("questions", []):
        audits.save_question(audit, question, office)
    answers = {a["committee"]: a for a in data["answers"]}
    responses: dict[tuple[str, str], RecommendationResponse] = {}
    for rec in data["recommendations"]:
        recommendation = audits.add_recommendation(audit, {
            "code": rec["code"], "text": rec["text"],
            "committee_ids": [units[c].id for c in rec["addressed_to"]]}, office)
        for response in recommendation.responses:
            responses[(rec["code"], response.committee.code)] = response
    for (code, committee), response in responses.items():
        if committee in answers:
            _load_answer(office, response, code, answers[committee])
    _backdate_audit(audit, _date(info["letter_date"]))


def _load_answer(office: User, response, code: str, answer: dict) -> None:
    from portfolio.audits import services as audits

    today_ = today()
    answered = _date(answer["demo_answer_date"])
    sourced = (answer.get("status_at_answer") or {}).get(code)
    invented = (answer.get("demo_status_at_answer") or {}).get(code)
    audits.update_response(response, {
        "answer_paragraph": answer["paragraph"], "answer_diarienummer": answer["diarienummer"],
        "answer_date": answered, "answer_deadline": _date(answer.get("answer_deadline")),
        "answer_summary": answer["summary"], "status": sourced["status"] if sourced else invented or "ej_paborjad",
        "status_date": answered, "status_is_demo": not sourced, "demo_fields": {"answer_date"}},
        office, expected_version=response.version)
    changes = sorted((c for c in answer.get("demo_status_changes") or []
                      if c["recommendation"] == code and _date(c["from"]) <= today_), key=lambda c: c["from"])
    for change in changes:
        audits.update_response(response, {
            **{name: getattr(response, name) for name in audits.RESPONSE_FIELDS},
            "status": change["status"], "status_date": _date(change["from"]), "status_is_demo": True,
            "evidence": change.get("evidence") or response.evidence,
            "demo_fields": {"answer_date", "evidence"} if change.get("evidence") or response.evidence
            else {"answer_date"}}, office, expected_version=response.version)
    for action in answer.get("actions") or []:
        if action["recommendation"] != code:
            continue
        done_on = answered if action.get("done_at_answer") else _date(action.get("demo_done_on"))
        done = bool(done_on and done_on <= today_)
        created = audits.save_action(response, {
            "text": action["text"], "owner": action.get("owner"), "due_date": _date(action.get("due")),
            "done": done, "done_on": done_on if done else None,
            "demo_fields": (set() if not done else {"done_on"} if action.get("done_at_answer")
                            else {"done", "done_on"})}, office)
        created.created_at = dt.datetime.combine(answered, dt.time(9))
    db.session.flush()


def _backdate_audit(audit, letter: dt.date) -> None:
    """The audit and its recommendations were registered when the auditors' letter came (a
    source date), not when the demo was loaded, so the report for 2022 has them."""
    from portfolio.audits.models import Recommendation
    from portfolio.changelog.models import ChangeLogEntry

    moment = dt.datetime.combine(letter, dt.time(9))
    audit.created_at = moment
    db.session.execute(db.update(Recommendation).where(Recommendation.audit_id == audit.id)
                       .values(created_at=moment))
    ids = [r.id for r in audit.recommendations]
    db.session.execute(db.update(ChangeLogEntry).where(
        ChangeLogEntry.action == "create",
        ((ChangeLogEntry.entity_type == "audit") & (ChangeLogEntry.entity_id == audit.id))
        | ((ChangeLogEntry.entity_type == "recommendation") & ChangeLogEntry.entity_id.in_(ids)))
        .values(changed_at=moment))
    db.session.flush()


def _load_prioritisation(office: User, today_: dt.date) -> None:
    """Scores for this year's candidates that pass the gates, and a decision to wait (avvaktar)
    on two initiatives still in behovsanalys (never on one already prioritised: its latest
    decision must stay the one that prioritised it)."""
    import random

    from portfolio.prioritisation import queries, services

    criteria_set = services.get_set(today_.year) or services.get_set(2026)
    if criteria_set is None:
        return
    ranking = queries.ranking(criteria_set)
    ready = [row for row, _ in ranking.unscored]
    for row in ready:
        rng = random.Random(row.ref)
        ini = db.session.get(Initiative, row.id)
        assert ini is not None      # a row of the ranking just read
        services.save_scores(ini, criteria_set, {
            c.id: (rng.randint(2, 5), f"Demodata: bedömning enligt skalan ({c.name.lower()}).")
            for c in criteria_set.criteria}, office)
    waiting = [row.id for row in ready if row.phase == P.BEHOVSANALYS][:2]
    if waiting:
        services.record_decision({
            "year": criteria_set.year, "initiative_ids": waiting,
            "body": "portfoljrad", "decided_on": min(today_, dt.date(criteria_set.year, 2, 10)),
            "decision": "avvaktar", "reason": "Demodata: underlaget är komplett men budgeten för "
            "året är fördelad; tas upp igen vid delårsuppföljningen.",
            "diarienummer": f"KSKF/{criteria_set.year}:101"}, office)


# Who decided, by the size of the initiative (total funding in kronor), and why.
DECISION_BODIES = ((2_000_000, "ks", "Kommunstyrelsen prioriterar initiativet: en större "
                    "investering med strategisk betydelse för programmet."),
                   (400_000, "portfoljrad", "Portföljrådet prioriterar initiativet: behovet är "
                    "styrkt och nyttan bedöms överstiga kostnaden."),
                   (0, "projektkontor", "Prioriteras inom projektkontorets mandat: ett mindre "
                    "åtagande med tydligt behov och nytta."))


# Before the strategic project office and its portfolio process (DIG-011, from 2022) the
# committees decided on their own; the demo records those go-aheads afterwards, and says so.
PORTFOLIO_PROCESS_FROM = dt.date(2022, 1, 1)
RETROSPECTIVE_REASON = ("Registrerat i efterhand: initiativet beslutades av nämnden innan "
                        "portföljprocessen fanns, och beslutet förs in så att portföljen är komplett.")
HOLIDAYS = {(1, 1), (1, 6), (6, 6), (12, 24), (12, 25), (12, 26), (12, 31)}


def _working_day(day: dt.date) -> dt.date:
    """The day, or the closest working day before it (no decisions at weekends or holidays)."""
    while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
        day -= dt.timedelta(days=1)
    return day


def _load_decisions(office: User, today_: dt.date) -> None:
    """Every demo initiative that has reached prioriterad (now, or before it was paused or
    cancelled) gets the portfolio decision that prioritised it, dated before its start, so the
    gate rule holds for the demo too. Written directly (record_decision would move phases);
    the reasons say they are invented. Skips initiatives that already have one."""
    import random

    from portfolio.changelog.services import now, record_changes
    from portfolio.prioritisation.models import PortfolioDecision, decision_initiative

    later = P.MAIN_FLOW[P.MAIN_FLOW.index(P.PRIORITERAD):]
    reached = {item["ref"]: item.get("phase_before") or item["phase"]
               for item in _read("initiatives.yaml")["initiatives"]}
    decided = set(db.session.scalars(
        db.select(decision_initiative.c.initiative_id)
        .join(PortfolioDecision, PortfolioDecision.id == decision_initiative.c.decision_id)
        .where(PortfolioDecision.decision == "prioriterad")))
    for ini in db.session.scalars(db.select(Initiative).where(
            Initiative.is_demo.is_(True)).order_by(Initiative.ref)).all():
        if reached.get(ini.ref, ini.phase) not in later or ini.id in decided:
            continue
        rng = random.Random(f"beslut:{ini.ref}")
        on = _working_day(min((ini.start_date or today_) - dt.timedelta(days=rng.randint(14, 75)),
                              today_))
        logged = dt.datetime.combine(max(on, PORTFOLIO_PROCESS_FROM), dt.time(10))
        if on < PORTFOLIO_PROCESS_FROM:
            body, reason = "projektkontor", RETROSPECTIVE_REASON
        else:
            body, reason = next((b, r) for floor, b, r in DECISION_BODIES
                                if ini.total_funding >= floor)
        reason = f"{reason} ({DEMO_NOTE_INVENTED})"
        decision = PortfolioDecision(
            year=on.year, body=body, decided_on=on, decision="prioriterad", reason=reason,
            created_by_id=office.id, created_at=now(), initiatives=[ini])
        db.session.add(decision)
        db.session.flush()
        record_changes(entity_type="initiative", entity_id=ini.id, action="decision", before={},
                       after={"decision": "prioriterad"}, user_id=office.id,
                       reason=f"Portföljbeslut {decision.id}: prioriterad. {reason}",
                       at=logged)
    db.session.flush()


def _backdate_registration() -> None:
    """Demo initiatives were registered just now; date their registration (and its change-log
    rows) to their start, so earlier years' reports have something to show. Invented history,
    like the rest of the demo figures."""
    from portfolio.changelog.models import ChangeLogEntry
    from portfolio.changelog.services import now
    from portfolio.prioritisation.models import PortfolioDecision, decision_initiative

    now_ = now()
    first_decision = dict(db.session.execute(
        db.select(decision_initiative.c.initiative_id, db.func.min(PortfolioDecision.decided_on))
        .join(PortfolioDecision, PortfolioDecision.id == decision_initiative.c.decision_id)
        .group_by(decision_initiative.c.initiative_id)).all())
    for ini in db.session.scalars(db.select(Initiative).where(Initiative.is_demo.is_(True))):
        start = dt.datetime.combine(ini.start_date or dt.date(now_.year, 1, 1), dt.time(9))
        if ini.id in first_decision:   # registered before it was decided on
            start = min(start, dt.datetime.combine(first_decision[ini.id] - dt.timedelta(days=30),
                                                   dt.time(9)))
        registered = min(start, now_)
        ini.created_at = registered
        db.session.execute(db.update(ChangeLogEntry).where(
            ChangeLogEntry.initiative_id == ini.id, ChangeLogEntry.entity_type == "initiative",
            ChangeLogEntry.action == "create").values(changed_at=registered))
        if ini.end_date and ini.phase in (P.AVSLUTAD, P.AVBRUTEN, P.AVSLAGEN, P.PAUSAD):
            closed = min(dt.datetime.combine(ini.end_date, dt.time(9)), now_)
            db.session.execute(db.update(ChangeLogEntry).where(
                ChangeLogEntry.initiative_id == ini.id, ChangeLogEntry.action == "phase")
                .values(changed_at=closed))
    db.session.flush()


# The open data of the demo: what the project office has reviewed and published. Initiatives
# the programme has decided to carry out (prioritised onwards, and finished ones) are; ideas,
# needs analyses and paused, rejected or cancelled ones wait in the office's review list.
DEMO_PUBLISHED_PHASES = (P.PRIORITERAD, P.PLANERING, P.GENOMFORANDE, P.UPPFOLJNING, P.AVSLUTAD)


def _publish_open_data(office: User) -> None:
    """Mark the demo's decided initiatives publishable, through the same check as the office's
    button (no personal data in their text; none is confirmed away)."""
    for ini in db.session.scalars(db.select(Initiative).where(
            Initiative.is_demo.is_(True), Initiative.archived.is_(False),
            Initiative.phase.in_(DEMO_PUBLISHED_PHASES)).order_by(Initiative.ref)):
        publication.publish(ini, office)
