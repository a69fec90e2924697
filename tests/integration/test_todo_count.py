"""The navigation's "Att göra (N)" (#16): counted in SQL with the list's own conditions, never by
loading the whole list on every page, and cached per user, day and data version."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.followups.queries import has_todo_scope, todo, todo_count
from tests.conftest import login


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("day", [date(2025, 3, 15), date(2025, 11, 10), date(2026, 6, 1)])
def test_the_count_is_the_number_of_items_listed_for_every_user(app, day):
    with app.test_request_context():
        users = [u for u in db.session.scalars(db.select(User)) if has_todo_scope(u)]
        assert len(users) >= 5
        counts = {u.email: (todo_count(u, day), todo(u, day).count) for u in users}
    assert all(counted == listed for counted, listed in counts.values()), counts
    assert any(listed for _c, listed in counts.values())      # the days have work to count


@pytest.mark.usefixtures("demo_data")
def test_an_ordinary_page_does_not_load_the_list_and_a_second_one_asks_nothing(app):
    client = app.test_client()
    assert login(client, "projektkontoret@exempel.se", "demo-losenord").status_code == 302
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def spy(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        first = client.get("/plans/")
        first_count = len(statements)
        statements.clear()
        second = client.get("/plans/")
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert first.status_code == second.status_code == 200
    assert 'id="nav-todo"' in first.get_data(as_text=True)
    # The first page counted with aggregates; nothing selected whole risk or benefit rows.
    assert len(statements) < first_count
    assert not any("FROM risk JOIN initiative" in s and "risk.title" in s for s in statements)
