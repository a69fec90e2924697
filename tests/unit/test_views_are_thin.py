"""Views are thin: they read through queries and write through services, and HTML is made by
templates. No SQL in a view module, no Markup built in a view or a read query."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "portfolio"
QUERY_CALLS = {"select", "execute", "scalar", "scalars", "query", "paginate"}
SESSION_READS = {"get"}


def _offences(path: Path, *, sql: bool, root: Path = PACKAGE) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in ("markupsafe", "flask", "jinja2") \
                and any(a.name == "Markup" for a in node.names):
            found.append(f"{node.lineno}: imports Markup")
        if isinstance(node, ast.ImportFrom) and sql and node.module and node.module.startswith("sqlalchemy"):
            found.append(f"{node.lineno}: imports {node.module}")
        if sql and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if (owner in ("db", "db.session") and node.func.attr in QUERY_CALLS) or (
                    owner == "db.session" and node.func.attr in SESSION_READS):
                found.append(f"{node.lineno}: {owner}.{node.func.attr}()")
    return [f"{path.relative_to(root)}:{line}" for line in found]


def test_views_run_no_queries_and_build_no_markup():
    offences = [o for path in sorted(PACKAGE.rglob("views.py")) for o in _offences(path, sql=True)]
    assert not offences, "\n".join(offences)


def test_read_queries_build_no_markup():
    offences = [o for path in sorted(PACKAGE.rglob("*queries.py")) for o in _offences(path, sql=False)]
    assert not offences, "\n".join(offences)


def test_the_check_finds_a_query_in_a_view(tmp_path):
    view = tmp_path / "views.py"
    view.write_text("from markupsafe import Markup\n\ndef v():\n    return db.session.scalars(db.select(X))\n",
                    encoding="utf-8")
    found = [o.split(":", 1)[1] for o in _offences(view, sql=True, root=tmp_path)]
    assert found == ["1: imports Markup", "4: db.session.scalars()", "4: db.select()"]

