"""Only `core.scope` builds a filter on a place in the tree (ADR 0020, ADR 0039): everything
else reaches it through a model's declared `scope_paths` and `visible_to(scope)`, so that a
path is written once, beside its model, and a new read cannot get it subtly wrong.

A lookup `…code__startswith` (or one built in an f-string ending so) anywhere else fails,
unless named in NOT_YET with why; that list only shrinks, as test_layers' UPWARD does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gridgov.testing.imports import source_files

# The one module that builds prefix filters.
SCOPE_MODULE = "gridgov.core.scope"

# Prefix lookups that are not places in the tree: a catalogue's categories nest by code too.
NOT_A_PLACE = frozenset({"category__code__startswith"})

# (module, lookup): a hand-written prefix filter still to go, and why it stays for now.
NOT_YET: dict[tuple[str, str], str] = {
    (
        "gridgov.registry.actions.bulk",
        "grid__code__startswith",
    ): "the bulk upsert's one scan also finds the records outside the scope, to refuse them",
    (
        "gridgov.rentals.rules",
        "home__grid__code__startswith",
    ): "a reading declares two paths; the baseline wants the home's alone, in one grouped scan",
}


def _lookups(tree: ast.AST) -> Iterator[str]:
    """Keyword lookups, string keys and f-strings that end in a prefix filter on a code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg:
            yield node.arg
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.JoinedStr) and node.values:
            last = node.values[-1]
            if isinstance(last, ast.Constant) and isinstance(last.value, str):
                yield "{}" + last.value


def hand_written_prefix_filters() -> set[tuple[str, str]]:
    found = set()
    for module, path in source_files():
        if module == SCOPE_MODULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lookup in _lookups(tree):
            if lookup.endswith(("code__startswith", "}__startswith", "scope__startswith")):
                if lookup not in NOT_A_PLACE:
                    found.add((module, lookup))
    return found


def test_only_the_scope_module_builds_prefix_filters() -> None:
    assert hand_written_prefix_filters() - NOT_YET.keys() == set()


def test_every_named_prefix_filter_still_exists() -> None:
    assert NOT_YET.keys() - hand_written_prefix_filters() == set()


def test_the_finder_finds_one() -> None:
    tree = ast.parse('rows.filter(grid__code__startswith=c)\nQ(**{f"{p}__startswith": c})')
    assert {"grid__code__startswith", "{}__startswith"} <= set(_lookups(tree))
