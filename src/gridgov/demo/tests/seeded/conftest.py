"""A full small seed takes most of a minute: the tests here share one, seeded once per test
process inside a transaction that stays open for the package and is rolled back after it.

Each test still runs in its own savepoint (the `db` fixture nests inside the open
transaction), so a test that re-seeds or resets leaves the shared city as it found it, and the
tests outside this package never see it. The package is one xdist group (see the Makefile's
`--dist loadgroup`), so one worker seeds it once.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from gridgov.demo.actions import SeedOutcome
from gridgov.demo.tests.seeded.city import seed


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("demo-city"))


@pytest.fixture(scope="package")
def demo_city(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeedOutcome]:
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-city-media"))
    media.enable()
    with django_db_blocker.unblock():
        kept = transaction.atomic()
        kept.__enter__()
    try:
        with django_db_blocker.unblock():
            outcome = seed()
        yield outcome
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            kept.__exit__(None, None, None)
        media.disable()


@pytest.fixture
def seeded(demo_city: SeedOutcome, db: None) -> SeedOutcome:
    return demo_city


@pytest.fixture(autouse=True)
def _media() -> None:
    """The shared city's files (imports kept for a resume, report PDFs) stay where it wrote
    them, instead of the per-test folder the parent package gives."""
