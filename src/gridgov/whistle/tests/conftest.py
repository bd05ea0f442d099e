"""A whistle to test against: the events loop fixtures, a second district bureau, and a
helper that blows a whistle on a fresh registered event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.events.models import Event
from gridgov.events.workflow import Command
from gridgov.testing import loop
from gridgov.testing.loop import Report, apply
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user
from gridgov.whistle.actions import whistle_blow
from gridgov.whistle.models import Whistle

# The events loop's fixtures, shared rather than copied.
catalogue = loop.catalogue
brigade = loop.brigade
loop_users = loop.loop_users
report = loop.report
walk = loop.walk


@pytest.fixture
def people(loop_users: dict[str, User], tree: Tree) -> dict[str, User]:
    """The loop's accounts plus a handler of a department in the sibling district."""
    far = Department.objects.create(
        code="320105-urban", name="建邺区城市管理局", node=tree["320105"]
    )
    return {
        **loop_users,
        "far_handler": make_user("fh2", Role.DEPARTMENT_HANDLER, department=far),
    }


@pytest.fixture
def registered(report: Report, people: dict[str, User]) -> Callable[[], Event]:
    def make() -> Event:
        return apply(people, report(), Command.REGISTER)

    return make


Blow = Callable[..., Whistle]


@pytest.fixture
def blow(registered: Callable[[], Event], people: dict[str, User]) -> Blow:
    """Summon the fire brigade and the urban management bureau to a registered event."""

    def make(**overrides: Any) -> Whistle:
        args: dict[str, Any] = {
            "actor": people["dispatcher"],
            "reason": "several_departments",
            "department_codes": ["320104-fire", "320104-urban"],
            "note": "涉及消防与城管",
        }
        args.update(overrides)
        if "event_number" not in args:
            args["event_number"] = registered().number
        return whistle_blow(**args)

    return make
