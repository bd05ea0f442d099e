"""Centres to test against: 秦淮区's centre (the district commander its commander), its
北街道 subdistrict centre (the dispatcher), the fire brigade's sub-centre, and a grid worker
in each grid of the district."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.command.actions.centres import centre_create, member_set
from gridgov.command.models import CommandCentre, MemberRole
from gridgov.command.nearest import positions_reset
from gridgov.departments.models import Department
from gridgov.testing import loop
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

catalogue = loop.catalogue
brigade = loop.brigade
loop_users = loop.loop_users
report = loop.report
# Photos land in each test's own directory.
media = loop.media

DISTRICT_GRIDS = (
    "320104001001001",
    "320104001001002",
    "320104002001001",
    "320104002001002",
)


@dataclass
class Centres:
    district: CommandCentre
    north: CommandCentre
    fire: CommandCentre
    workers: dict[str, User]


@pytest.fixture
def centres(loop_users: dict[str, User], tree: Tree, brigade: Department) -> Centres:
    admin = loop_users["commander"]
    district = centre_create(actor=admin, name="秦淮区指挥中心", node=tree["320104"])
    north = centre_create(actor=admin, name="北街道分中心", node=tree["320104001"], parent=district)
    fire = centre_create(actor=admin, name="消防分中心", department=brigade, parent=district)
    member_set(actor=admin, centre=district, user=admin, role=MemberRole.COMMANDER)
    member_set(actor=admin, centre=north, user=loop_users["dispatcher"], role=MemberRole.COMMANDER)
    workers = {DISTRICT_GRIDS[0]: loop_users["grid_worker"]}
    for index, code in enumerate(DISTRICT_GRIDS[1:], start=2):
        workers[code] = make_user(f"gw{index}", Role.GRID_WORKER, node=tree[code])
    return Centres(district=district, north=north, fire=fire, workers=workers)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what a commit queues (the fan-out task, eagerly) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def fresh_positions() -> Iterator[None]:
    """The on-duty positions are cached per process; each test's check-ins are its own."""
    positions_reset()
    yield
    positions_reset()
