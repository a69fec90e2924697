"""Layers point one way: the shared packages and helpers never import a feature package.

Shared: auth/, changelog/, programme/, domain/ and the small helper modules at the package's top.
The app shell (app.py, cli.py, models.py, errors.py) puts features together and may import them."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "portfolio"
SHARED_PACKAGES = {"auth", "changelog", "programme", "domain"}
APP_SHELL = {"__init__", "app", "cli", "models", "errors"}


def _features() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - SHARED_PACKAGES


def _shared_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if (len(parts) > 1 and parts[0] in SHARED_PACKAGES) or (len(parts) == 1 and path.stem not in APP_SHELL):
            yield path


def test_shared_layer_imports_no_feature():
    features = _features()
    offences = []
    for path in _shared_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for module in modules:
                parts = module.split(".")
                if parts[0] == "portfolio" and len(parts) > 1 and parts[1] in features:
                    offences.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not offences, "\n".join(offences)
