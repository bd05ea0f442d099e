"""Fixtures every package's tests share, and the PostgreSQL-only marker rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.command.selectors import wall_cache_reset
from gridgov.events.categories import filing_categories_reset
from gridgov.jurisdiction.spatial import spatial_index_reset
from gridgov.residents.selectors import public_outline_reset
from gridgov.tasks.engine import app

# Fixtures every package's tests share: one chromium, and a Celery worker to kill and restart.
from gridgov.testing.broker import worker  # noqa: F401
from gridgov.testing.browser import browser  # noqa: F401
from gridgov.testing.tree import Tree, build_tree
from gridgov.testing.users import make_user
from gridgov.web.workbench import desks_reset
from gridgov.worktime.calendar import calendar_cache_clear


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On SQLite, tests that need PostgreSQL are deselected (and reported so), never passed."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


CACHE_RESETS = (
    spatial_index_reset,
    calendar_cache_clear,
    public_outline_reset,
    desks_reset,
    wall_cache_reset,
    filing_categories_reset,
)


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """The spatial index, the calendar and the public outline are cached per process, but each
    test's data is rolled back, so no cache may outlive the test that filled it."""
    for reset in CACHE_RESETS:
        reset()
    yield
    for reset in CACHE_RESETS:
        reset()


@pytest.fixture(autouse=True)
def tasks_inline() -> Iterator[None]:
    """Tasks run in the process that publishes them (Celery's eager mode), at the commit of the
    transaction that queued them; the tests marked `broker` run a real worker instead."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def tree(db: Any) -> Tree:
    return build_tree()


@pytest.fixture
def users(tree: Tree) -> dict[str, User]:
    """One account per role; the "sibling_*" ones sit in the neighbouring jurisdiction."""
    return {
        "grid_worker": make_user("gw", Role.GRID_WORKER, node=tree["320104001001001"]),
        "community_staff": make_user("cs", Role.COMMUNITY_STAFF, node=tree["320104001001"]),
        "dispatcher": make_user("sd", Role.SUBDISTRICT_DISPATCHER, node=tree["320104001"]),
        "commander": make_user("dc", Role.DISTRICT_COMMANDER, node=tree["320104"]),
        "analyst": make_user("an", Role.ANALYST, node=tree["3201"]),
        "system_admin": make_user("sa", Role.SYSTEM_ADMIN, node=tree["3201"]),
        "security_admin": make_user("se", Role.SECURITY_ADMIN, node=tree["3201"]),
        "auditor": make_user("au", Role.AUDITOR, node=tree["3201"]),
        "sibling_dispatcher": make_user("sd2", Role.SUBDISTRICT_DISPATCHER, node=tree["320104002"]),
        "sibling_commander": make_user("dc2", Role.DISTRICT_COMMANDER, node=tree["320105"]),
    }


def login(client: Client, user: User) -> Client:
    client.force_login(user, backend="gridgov.accounts.backends.RoleBackend")
    return client


@pytest.fixture
def client_for(users: dict[str, User]) -> Any:
    """client_for("dispatcher") → a test client logged in as that account."""

    def make(name: str) -> Client:
        return login(Client(), users[name])

    return make
