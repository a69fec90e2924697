from datetime import date

from portfolio.domain.plan_status import PlanFacts, as_of_date, next_revision, status_as_of


def plan(id_, status, decided=None, started=None, replaced=None, period_start=None,
         created=date(2022, 1, 1)):
    return PlanFacts(id_, status, started, decided, period_start, replaced, created)


def test_plan_decided_in_march_2023_is_missing_in_2022_and_present_in_2023():
    plans = [plan(1, "beslutad", decided=date(2023, 3, 15), created=date(2023, 3, 16))]
    assert status_as_of(plans, as_of_date(2022, date(2026, 11, 27))).status == "saknas"
    assert status_as_of(plans, as_of_date(2023, date(2026, 11, 27))).status == "beslutad"


def test_work_in_progress_before_decision():
    plans = [plan(1, "beslutad", decided=date(2023, 3, 15), started=date(2022, 9, 1))]
    assert status_as_of(plans, date(2022, 12, 31)).status == "under_arbete"
    assert status_as_of(plans, date(2022, 8, 31)).status == "saknas"


def test_replaced_plans_and_history():
    old = plan(1, "ersatt", decided=date(2022, 3, 15), replaced=date(2024, 2, 1))
    new = plan(2, "beslutad", decided=date(2024, 2, 1))
    assert status_as_of([old, new], date(2023, 12, 31)) .plan_id == 1
    assert status_as_of([old, new], date(2024, 12, 31)).plan_id == 2


def test_unknown_decision_date_counts_from_period_start():
    plans = [plan(1, "beslutad", period_start=2022)]
    assert status_as_of(plans, date(2021, 12, 31)).status == "saknas"
    assert status_as_of(plans, date(2022, 1, 1)).status == "beslutad"


def test_as_of_date_and_revision():
    assert as_of_date(2022, date(2026, 11, 27)) == date(2022, 12, 31)
    assert as_of_date(2026, date(2026, 11, 27)) == date(2026, 11, 27)
    assert next_revision(3, date(2026, 2, 10)) == date(2026, 3, 1)
    assert next_revision(3, date(2026, 3, 1)) == date(2027, 3, 1)
    assert next_revision(1, date(2025, 12, 31)) == date(2026, 1, 1)
