"""No import cycles between packages that must layer one way: the accounts write to the change
log (so the log never imports the accounts), and the decision basis reads the register (so the
register never imports the basis; it gets the basis's readers through `initiatives.basis`).
Every import counts, at module level and inside functions; only `if TYPE_CHECKING:` blocks
(never run) are left out."""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "portfolio"
PAIRS = [("auth", "changelog"), ("decision_basis", "initiatives")]


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    return imports_of(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """The portfolio modules (and names in them) that `source` imports, anywhere in it."""
    tree = ast.parse(source)
    skipped = _type_checking_lines(tree)
    here = module.split(".")
    found = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:     # relative: from the containing package upwards
                package = here if is_package else here[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("portfolio.")}


def package_graph() -> dict[str, set[str]]:
    """Which top-level package of portfolio/ imports which (a module imports its package)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = _module_name(path).split(".")
        if len(source) < 2:
            continue
        for target in _imports(path):
            parts = target.split(".")
            if parts[1] != source[1]:
                graph[source[1]].add(parts[1])
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A path of imports from `start` to `goal`, or None."""
    seen, stack = {start}, [[start]]
    while stack:
        path = stack.pop()
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == goal:
                return [*path, nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append([*path, nxt])
    return None


def test_the_graph_sees_imports_inside_functions_but_not_type_checking_ones():
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from portfolio.auth.models import User\n"
              "def f():\n    from portfolio.changelog import services\n"
              "    from .queries import x\n")
    assert imports_of(source, "portfolio.initiatives.views") == {
        "portfolio.changelog", "portfolio.changelog.services", "portfolio.initiatives.queries",
        "portfolio.initiatives.queries.x"}


def test_no_direct_cycle_between_layered_packages():
    graph = package_graph()
    offences = [f"{a} ↔ {b}" for a, b in PAIRS if b in graph.get(a, ()) and a in graph.get(b, ())]
    assert not offences, "import cycles: " + ", ".join(offences)


def test_the_change_log_reaches_no_feature_at_all():
    """Not even through another package: the log is the bottom layer everything writes to."""
    graph = package_graph()
    offences = [" → ".join(path) for higher in ("auth", "initiatives", "decision_basis")
                if (path := _reaches(graph, "changelog", higher))]
    assert not offences, "\n".join(offences)
