"""The registry stays below the packages that read it: verification, exchange, web."""

from __future__ import annotations

import ast
from pathlib import Path

import gridgov.registry

ABOVE = ("gridgov.verification", "gridgov.exchange", "gridgov.web")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_registry_imports_nothing_above_it() -> None:
    root = Path(gridgov.registry.__file__).parent
    upward = {
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        for name in _imports(path)
        if name.startswith(ABOVE)
    }
    assert not upward, sorted(upward)
