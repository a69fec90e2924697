"""Callers own the transaction: only portfolio/transactions.py ends one with commit()."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "portfolio"
HELPER = PACKAGE / "transactions.py"


def _commit_calls(path: Path) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"]


def test_only_the_transaction_helper_commits():
    offences = [f"{path.relative_to(PACKAGE)}:{line}"
                for path in sorted(PACKAGE.rglob("*.py")) if path != HELPER
                for line in _commit_calls(path)]
    assert not offences, "commit() outside portfolio/transactions.py:\n" + "\n".join(offences)


def test_no_service_takes_a_commit_flag():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
                if "commit" in names:
                    offences.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
            elif isinstance(node, ast.Call) and any(k.arg == "commit" for k in node.keywords):
                offences.append(f"{path.relative_to(PACKAGE)}:{node.lineno} call with commit=")
    assert not offences, "\n".join(offences)


def test_the_checks_find_a_commit(tmp_path):
    """The checks above can fail: a module with a commit is found."""
    module = tmp_path / "m.py"
    module.write_text("from x import db\n\ndef save():\n    db.session.commit()\n", encoding="utf-8")
    assert _commit_calls(module) == [4]
