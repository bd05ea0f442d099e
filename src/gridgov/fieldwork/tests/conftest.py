"""Field work to test against: the shared tree and accounts, a second worker in the
neighbouring grid, and the events loop's catalogue for findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from stdnum.cn import ric

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.fieldwork.actions import field_task_create
from gridgov.fieldwork.models import FieldTask
from gridgov.registry.actions import person_upsert
from gridgov.registry.models import Person
from gridgov.testing import loop
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

catalogue = loop.catalogue
media = loop.media

GRID = "320104001001001"
OTHER_GRID = "320104001001002"


@pytest.fixture
def people(users: dict[str, User], tree: Tree) -> dict[str, User]:
    return {
        **users,
        "other_worker": make_user("gw2", Role.GRID_WORKER, node=tree[OTHER_GRID]),
        "community_worker": make_user("gwc", Role.GRID_WORKER, node=tree["320104001001"]),
    }


MakeTask = Callable[..., FieldTask]


@pytest.fixture
def make_task(people: dict[str, User], tree: Tree) -> MakeTask:
    def make(**overrides: Any) -> FieldTask:
        args: dict[str, Any] = {
            "actor": people["community_staff"],
            "kind": "assigned",
            "title": "查看3栋楼道堆物",
            "grid": tree[GRID],
        }
        args.update(overrides)
        return field_task_create(**args)

    return make


@pytest.fixture
def person(people: dict[str, User]) -> Person:
    """A resident of the grid living alone, who consented to care visits."""
    first17 = "32010219900205456"
    return person_upsert(
        actor=people["community_staff"],
        id_number=first17 + ric.calc_check_digit(first17 + "0"),
        name="王秀英",
        kind="registered",
        grid_code=GRID,
        service_tags=["elderly_alone"],
        tags_consent=True,
    )
