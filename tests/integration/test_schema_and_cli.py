"""Migrations equal the models, on whichever database the run uses; the CLI works."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portfolio.auth.models import User
from portfolio.extensions import db
from portfolio.search import is_search_index_table


def test_migrated_schema_equals_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_name": lambda name, type_, parents: not (
                type_ == "table" and is_search_index_table(name))})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations; run `portfolio db migrate`: {diff}"


def test_users_create_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Pia@Exempel.se", "--role",
                                 "programme_manager", "--area", "valfard", "--password",
                                 "ett-langt-losenord"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "pia@exempel.se"))
        assert user.roles == {"programme_manager"} and [a.code for a in user.areas] == ["valfard"]


def test_users_create_prompts_for_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "a@b.se", "--role", "viewer"],
        input="hemligt-losenord\nhemligt-losenord\n")
    assert result.exit_code == 0, result.output


def test_users_create_refuses_bad_input(app):
    runner = app.test_cli_runner()
    for args, message in [
        (["--role", "boss"], "Okänd roll"),
        (["--role", "editor"], "minst en enhet"),
        (["--role", "editor", "--unit", "NOPE"], "Okänt enhet"),
        (["--role", "viewer", "--password", "kort"], "minst 10 tecken"),
    ]:
        full = ["users", "create", "--email", "x@y.se", *args]
        if "--password" not in args:
            full += ["--password", "ett-langt-losenord"]
        result = runner.invoke(args=full)
        assert result.exit_code == 2 and message in result.output, result.output


def test_serve_without_secret_key_refuses(monkeypatch):
    from click.testing import CliRunner

    from portfolio.cli import main

    monkeypatch.delenv("PORTFOLIO_SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert "PORTFOLIO_SECRET_KEY är inte satt" in result.output


def test_demo_data_loads_once_and_is_complete(app):
    from portfolio.demo.loader import load_demo
    from portfolio.domain.phases import ALL_PHASES
    from portfolio.initiatives.models import Initiative

    with app.app_context():
        assert load_demo() is True
        assert load_demo() is False
        phases = db.session.scalars(db.select(Initiative.phase)).all()
        assert 40 <= len(phases) <= 60
        assert set(phases) == set(ALL_PHASES)
        titles = " ".join(db.session.scalars(db.select(Initiative.title)))
        for named in ("föreningsstöd", "livboj", "bygglov", "brev", "Partnering"):
            assert named.lower() in titles.lower(), named
        assert all(db.session.scalars(db.select(Initiative.is_demo)))


def test_a_served_app_keeps_its_startup_objects_out_of_the_collector(tmp_path):
    import gc

    from portfolio import create_app

    gc.unfreeze()
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    assert gc.get_freeze_count() == 0          # the test suite's apps: collected as usual
    try:
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.db'}", "SECRET_KEY": "x" * 40})
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()
