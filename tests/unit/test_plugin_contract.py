"""The typed plugin contract: plugins read only what ReaderV1 declares, the concrete reader
satisfies ReaderV1, and every registered plugin satisfies Plugin, in a fixed report order."""

from __future__ import annotations

import ast
import inspect
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from portfolio.dashboards.contract import (
    DEFAULT_ORDER,
    Filters,
    Plugin,
    ReaderV1,
    in_order,
    plugin_order,
    validate_plugin,
)
from portfolio.dashboards.data import DashboardReader
from portfolio.dashboards.registry import GROUP

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted((ROOT / "plugins").glob("*/__init__.py"))
# The yearly report's sequence (the audit's questions first, then per nämnd, then by id).
REPORT_ORDER = ["revisionsfragorna", "per-namnd", "nyttorealisering", "planer-och-rekommendationer",
                "portfoljoversikt", "resurser", "riskbild", "systematik"]


def _protocol_members(proto: type) -> set[str]:
    return {name for name, value in vars(proto).items() if not name.startswith("_") and callable(value)}


READER_METHODS = _protocol_members(ReaderV1)


def _reader_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) for every `<reader>.name` in a plugin: `ctx.reader.name`, a name bound to
    `ctx.reader` (`r = ctx.reader`) and a parameter called `reader`."""
    def is_ctx_reader(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "reader"

    aliases = {"reader"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and is_ctx_reader(node.value):
            aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (
                is_ctx_reader(node.value) or (isinstance(node.value, ast.Name) and node.value.id in aliases)):
            reads.append((node.lineno, node.attr))
    return reads


def test_plugins_call_only_reader_methods_declared_on_reader_v1():
    offences, seen = [], set()
    for path in PLUGINS:
        for line, name in _reader_reads(ast.parse(path.read_text(encoding="utf-8"))):
            seen.add(name)
            if name not in READER_METHODS:
                offences.append(f"{path.relative_to(ROOT)}:{line}: reader.{name} is not declared on ReaderV1")
    assert not offences, "\n".join(offences)
    assert len(seen) > 25    # the check does see the plugins' reads


def test_the_ast_check_catches_an_undeclared_read():
    code = "def build(self, ctx):\n    r = ctx.reader\n    return r.secret_table(), ctx.reader.count_by_committee()\n"
    assert [name for _, name in _reader_reads(ast.parse(code))] == ["secret_table", "count_by_committee"]


def test_the_concrete_reader_satisfies_reader_v1():
    reader = DashboardReader(Filters(year=2000), 12, date(2001, 1, 1))
    assert isinstance(reader, ReaderV1)
    for name in READER_METHODS:
        declared, actual = inspect.signature(getattr(ReaderV1, name)), inspect.signature(getattr(DashboardReader, name))
        assert [(p.name, p.kind, p.default) for p in declared.parameters.values()] == \
            [(p.name, p.kind, p.default) for p in actual.parameters.values()], name
        assert declared.return_annotation == actual.return_annotation, name


def _registered() -> dict[str, object]:
    return {ep.name: ep.load() for ep in entry_points(group=GROUP)}


def test_registered_plugins_satisfy_the_plugin_protocol_and_give_an_order():
    found = _registered()
    assert set(found) == set(REPORT_ORDER)
    for name, plugin in found.items():
        assert isinstance(plugin, Plugin), name
        assert validate_plugin(plugin, name) is None, name
        assert type(plugin.order) is int, name
        params = list(inspect.signature(plugin.build).parameters)
        assert params == ["ctx"], name


def test_registered_plugins_are_sorted_by_their_order_in_the_report():
    from portfolio.reports.ks import OVERRIDES_ORDER

    ordered = in_order(_registered().values())
    assert [p.id for p in ordered] == REPORT_ORDER
    orders = [plugin_order(p) for p in ordered]
    assert orders == sorted(orders)
    # Only the audit's questions come before the report's own section on gate overrides.
    assert [p.id for p in ordered if plugin_order(p) < OVERRIDES_ORDER] == ["revisionsfragorna"]


def test_a_plugin_without_order_gets_the_default_and_a_bad_order_is_refused():
    class Old:
        id, title, description, audience, api_version = "gammal-plugin", "T", "D", "alla", 1

        def build(self, ctx):
            return []

    assert validate_plugin(Old(), "gammal-plugin") is None and plugin_order(Old()) == DEFAULT_ORDER
    bad = Old()
    bad.order = "först"
    assert "order" in validate_plugin(bad, "gammal-plugin")


@pytest.fixture(scope="module")
def mypy_run(tmp_path_factory):
    api = pytest.importorskip("mypy.api")
    cache = tmp_path_factory.mktemp("mypy-cache")

    def run(*paths: str) -> tuple[str, int]:
        out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache),
                                    "--no-error-summary", *paths])
        return out + err, status
    return run


def test_mypy_passes_on_the_contract_the_reader_and_the_plugins(mypy_run, monkeypatch):
    monkeypatch.chdir(ROOT)
    out, status = mypy_run("portfolio/domain", "portfolio/dashboards", "plugins")
    assert status == 0, out


def test_mypy_refuses_a_plugin_reading_what_reader_v1_does_not_declare(mypy_run, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    plugin = tmp_path / "undeclared_read.py"
    plugin.write_text(
        "from portfolio.dashboards.contract import DashboardContext, Panel\n\n\n"
        "def build(ctx: DashboardContext) -> list[Panel]:\n"
        "    ctx.reader.secret_table()\n"
        "    return []\n", encoding="utf-8")
    out, status = mypy_run(str(plugin))
    assert status == 1 and '"ReaderV1" has no attribute "secret_table"' in out, out
