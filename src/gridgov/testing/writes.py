"""Writes to the database found in the source with `ast`, for the rule that every write is an
action (a module named actions.py or inside an actions/ package).

What counts as a write: a model's save() or delete(), a queryset's or manager's update(),
delete(), create() and bulk writes, raw SQL that inserts, updates, deletes, truncates or
alters, and the admin's own saving (super().save_model and the like). A dict's update() or an
image's save() is told apart by its receiver: only `.objects`, `_default_manager`, a
queryset chain or a name bound to a model instance counts, and the few file saves are named
in the test's allow-list.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gridgov.testing.imports import ROOT, source_files

ROW_WRITES = frozenset({"save", "delete"})
QUERY_WRITES = frozenset({"update", "delete", "create", "_raw_delete"})
BULK_WRITES = frozenset({"bulk_create", "bulk_update", "get_or_create", "update_or_create"})
ADMIN_WRITES = frozenset({"save_model", "delete_model", "save_related", "delete_queryset"})
SQL_CALLS = frozenset({"execute", "executemany"})
QUERY_RECEIVER = re.compile(
    r"\.objects\b|_default_manager|\bmanager\b|\.(filter|exclude|all|select_for_update)\("
)
SQL_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|ALTER|DROP|CREATE)\b", re.I)
NOT_ROWS = frozenset({"cache", "session", "request.session", "super()", "router"})


@dataclass(frozen=True)
class Write:
    module: str
    line: int
    call: str  # "receiver.method", as written

    def __str__(self) -> str:
        return f"{self.module}:{self.line} {self.call}"


def in_actions(module: str) -> bool:
    parts = module.split(".")
    return parts[-1] == "actions" or "actions" in parts[:-1]


def _sql_text(node: ast.Call) -> str | None:
    """The statement's opening text when it is written in place, else None."""
    if not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    if isinstance(first, ast.JoinedStr) and first.values:
        head = first.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return head.value
    return None


def _is_write(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = ast.unparse(func.value)
    method = func.attr
    if method in ADMIN_WRITES:
        return receiver == "super()"
    if method in BULK_WRITES:
        return True
    if method in SQL_CALLS:
        text = _sql_text(node)
        return text is None or bool(SQL_WRITE.match(text))
    if method in QUERY_WRITES and QUERY_RECEIVER.search(receiver):
        return True
    return method in ROW_WRITES and receiver not in NOT_ROWS and not QUERY_RECEIVER.search(receiver)


def writes_of(module: str, path: Path) -> Iterator[Write]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_write(node):
            assert isinstance(node.func, ast.Attribute)
            yield Write(module, node.lineno, f"{ast.unparse(node.func.value)}.{node.func.attr}")


def writes_outside_actions(root: Path = ROOT) -> list[Write]:
    """Outside actions, migrations and tests (gridgov.testing and conftest are tests' too)."""
    return [
        write
        for module, path in source_files(root)
        if not in_actions(module) and module.split(".")[1:2] not in (["testing"], ["conftest"])
        for write in writes_of(module, path)
    ]
