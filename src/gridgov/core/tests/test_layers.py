"""The packages stand in layers (ADR 0021): an import runs down or sideways within a layer,
never up, and no packages import each other in a circle.

An upward import that cannot go yet is named in UPWARD with why; the list only shrinks
(an entry that no longer matches an import fails too, so that it is dropped).
"""

from __future__ import annotations

from gridgov.testing.imports import (
    Import,
    cross_package_test_imports,
    cycles,
    package_imports,
    packages,
)

# Bottom to top. Packages in one tuple share a layer: they may import each other, not in a circle.
LAYERS: list[tuple[str, ...]] = [
    ("settings", "core"),
    ("audit",),
    ("accounts",),
    ("tasks",),
    ("notifications",),
    ("exports",),
    ("jurisdiction",),
    ("departments",),
    ("placement",),
    ("worktime",),
    ("addresses",),
    ("registry",),
    ("staffing",),
    ("verification",),
    ("exchange",),
    ("events",),
    ("whistle",),
    ("fieldwork",),
    ("inspections", "campaigns"),
    ("mediation",),
    ("decisions",),
    ("command",),
    ("assessment",),
    ("rentals",),
    ("insight",),
    ("reports",),
    ("public",),
    ("residents", "open311"),
    ("demo",),
    ("web",),
    ("api",),
    ("urls", "wsgi"),
    ("testing", "conftest"),
]

# (importing module, imported package): why it may still run upward.
UPWARD: dict[tuple[str, str], str] = {}

RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}


def _upward(imports: list[Import]) -> list[Import]:
    return [i for i in imports if RANK[i.target_package] > RANK[i.source_package]]


def test_every_package_has_a_layer() -> None:
    assert packages() - RANK.keys() == set()


def test_no_import_runs_up_unless_named() -> None:
    unnamed = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in _upward(package_imports())
        if (i.module, i.target_package) not in UPWARD
    ]
    assert unnamed == []


def test_every_named_upward_import_still_exists() -> None:
    found = {(i.module, i.target_package) for i in _upward(package_imports())}
    assert set(UPWARD) - found == set()


def test_no_packages_import_each_other_in_a_circle() -> None:
    """Every import counts, a named upward one too: a circle is never excused."""
    edges = {(i.source_package, i.target_package) for i in package_imports()}
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [{"a", "b", "c"}]


# (importing package, imported tests module): helpers still shared from a package's tests.
TEST_HELPERS: dict[tuple[str, str], str] = {
    ("accounts", "gridgov.registry.tests.factories"): "registry's factories: issue 10 item 3",
    ("core", "gridgov.registry.tests.factories"): "registry's factories: issue 10 item 3",
    ("exports", "gridgov.registry.tests.factories"): "registry's factories: issue 10 item 3",
    ("staffing", "gridgov.registry.tests.factories"): "registry's factories: issue 10 item 3",
    ("verification", "gridgov.registry.tests.factories"): "registry's factories: item 3",
    ("core", "gridgov.verification.tests.factories"): "verification's factories: item 3",
    ("core", "gridgov.exchange.tests.factories"): "exchange's factories: issue 10 item 3",
    ("core", "gridgov.addresses.tests.factories"): "the address library's factories",
    ("open311", "gridgov.addresses.tests.factories"): "the address library's factories",
    ("residents", "gridgov.addresses.tests.factories"): "the address library's factories",
    ("registry", "gridgov.addresses.tests.factories"): "the address library's factories",
    ("verification", "gridgov.addresses.tests.factories"): "the address library's factories",
    ("whistle", "gridgov.events.tests.test_concurrency"): "race(): issue 10 item 2",
    ("verification", "gridgov.events.tests.test_concurrency"): "race(): issue 10 item 2",
}


def test_no_package_imports_another_packages_tests_unless_named() -> None:
    """Helpers shared by several packages' tests live in gridgov.testing."""
    found = {(i.source_package, i.target) for i in cross_package_test_imports()}
    assert found - TEST_HELPERS.keys() == set()
    assert TEST_HELPERS.keys() - found == set()
