"""The import graph between gridgov's packages, read from the source with `ast`.

Every import counts wherever it stands: at module level, inside a function (a late import
hides a dependency but does not remove it) and under `if TYPE_CHECKING:` (a type names what
the code relies on). Tests and migrations are left out: a test may drive any layer, and a
migration is history.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import gridgov

ROOT = Path(gridgov.__file__).parent
SKIPPED_DIRS = frozenset({"tests", "migrations", "locale", "templates", "static"})


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted: "gridgov.core.pages"
    target: str  # the imported name, dotted: "gridgov.accounts.models"
    line: int

    @property
    def source_package(self) -> str:
        return self.module.split(".")[1]

    @property
    def target_package(self) -> str:
        return self.target.split(".")[1]


def source_files(root: Path = ROOT) -> Iterator[tuple[str, Path]]:
    """(dotted module name, path) of every module outside tests and migrations."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if SKIPPED_DIRS.intersection(parts[:-1]) or parts[-1].startswith("test_"):
            continue
        names = parts[:-1] if parts[-1] == "__init__" else parts
        yield ".".join(("gridgov", *names)), path


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node)
            if base == "gridgov":  # `from gridgov import events` names a package
                targets = [f"gridgov.{alias.name}" for alias in node.names]
            else:
                targets = [base]
        else:
            continue
        for target in targets:
            if target.startswith("gridgov."):
                yield Import(module, target, node.lineno)


def package_imports(root: Path = ROOT) -> list[Import]:
    """Every import from one gridgov package (or top-level module) into another."""
    found = []
    for module, path in source_files(root):
        for imp in imports_of(module, path):
            if imp.source_package != imp.target_package:
                found.append(imp)
    return found


def packages(root: Path = ROOT) -> set[str]:
    """The top-level packages and modules of gridgov, as the import graph names them."""
    return {module.split(".")[1] for module, _ in source_files(root) if module != "gridgov"}


def cycles(edges: set[tuple[str, str]]) -> list[set[str]]:
    """The strongly connected components of more than one package (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def cross_package_test_imports(root: Path = ROOT) -> list[Import]:
    """Imports of one package's tests module by another package's code or tests."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "migrations" in parts:
            continue
        names = parts[:-1] if parts[-1] == "__init__" else parts
        module = ".".join(("gridgov", *names))
        if module == "gridgov":
            continue
        for imp in imports_of(module, path):
            if ".tests" in imp.target and imp.source_package != imp.target_package:
                found.append(imp)
    return found
