"""An event loop to test against: the default catalogue, a district fire brigade with one
handler, and helpers that report an event and walk it to any state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.intake import event_report
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Event
from gridgov.events.workflow import ADDRESSEE_COMMANDS, Command, Status
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import HERE, Tree
from gridgov.testing.users import make_user


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded photos land in the test's own directory, never in the work tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return Path(settings.MEDIA_ROOT)


# The shortest walk from a new event to each state.
PATHS: dict[Status, list[Command]] = {
    Status.REPORTED: [],
    Status.REGISTERED: [Command.REGISTER],
    Status.REJECTED: [Command.REJECT],
    Status.DISPATCHED: [Command.REGISTER, Command.DISPATCH],
    Status.ACCEPTED: [Command.REGISTER, Command.DISPATCH, Command.ACCEPT],
    Status.HANDLED: [Command.REGISTER, Command.DISPATCH, Command.ACCEPT, Command.HANDLE],
    Status.VERIFIED: [
        Command.REGISTER,
        Command.DISPATCH,
        Command.ACCEPT,
        Command.HANDLE,
        Command.VERIFY,
    ],
    Status.CLOSED: [Command.SELF_HANDLE, Command.VERIFY, Command.CLOSE],
    Status.EVALUATED: [Command.SELF_HANDLE, Command.VERIFY, Command.CLOSE, Command.EVALUATE],
    Status.RETURNED: [Command.REGISTER, Command.DISPATCH, Command.RETURN],
    Status.SUSPENDED: [Command.REGISTER, Command.SUSPEND],
    Status.CANCELLED: [Command.CANCEL],
    Status.MERGED: [Command.MERGE],
}

# Inputs that make each command acceptable, apart from the state it needs.
INPUTS: dict[Command, dict[str, Any]] = {
    Command.REJECT: {"reason": "不属于受理范围"},
    Command.RETURN: {"reason": "非本部门职责"},
    Command.REWORK: {"reason": "现场仍有飞线"},
    Command.REQUEST_EXTENSION: {"reason": "需协调供电", "payload": {"amount": 1, "unit": "day"}},
    Command.REJECT_EXTENSION: {"reason": "现有时限足够"},
    Command.SUSPEND: {"reason": "等待资金"},
    Command.CANCEL: {"reason": "重复上报"},
    Command.REOPEN: {"reason": "居民投诉未解决"},
    Command.HANDLE: {"note": "已拆除飞线", "payload": {"photos": ["after.jpg"]}},
    Command.SELF_HANDLE: {"note": "网格员现场劝导拆除"},
    Command.EVALUATE: {"payload": {"score": 5}},
    Command.ESCALATE: {"reason": "超出网格处置权限"},
    Command.SUPERVISE: {"reason": "群众反映强烈，限期办结"},
}


@pytest.fixture
def catalogue(db: Any) -> None:
    catalogue_load(actor=None, data=default_catalogue())


@pytest.fixture
def brigade(tree: Tree) -> Department:
    return Department.objects.create(
        code="320104-fire", name="秦淮区消防救援大队", node=tree["320104"]
    )


@pytest.fixture
def loop_users(users: dict[str, User], brigade: Department, tree: Tree) -> dict[str, User]:
    other = Department.objects.create(
        code="320104-urban", name="秦淮区城市管理局", node=tree["320104"]
    )
    return {
        **users,
        "handler": make_user("fh", Role.DEPARTMENT_HANDLER, department=brigade),
        "other_handler": make_user("uh", Role.DEPARTMENT_HANDLER, department=other),
    }


def actor_for(users: dict[str, User], event: Event, command: Command) -> User:
    """Someone who sees the event and whose role may give the command: the addressee's
    commands go to the fire brigade when it was dispatched there, else to the community."""
    if command in ADDRESSEE_COMMANDS:
        return users["handler" if event.assigned_department_id else "community_staff"]
    if command in {Command.SELF_HANDLE, Command.VERIFY, Command.REWORK}:
        return users["grid_worker"]
    return users["dispatcher"]


Report = Callable[..., Event]


@pytest.fixture
def report(catalogue: None, loop_users: dict[str, User]) -> Report:
    """A 飞线充电 event in the grid worker's grid, reported by them."""

    def make(**overrides: Any) -> Event:
        args: dict[str, Any] = {
            "actor": loop_users["grid_worker"],
            "category_code": "0401",
            "description": "3栋楼道有电动车飞线充电",
            "lon": HERE[0],
            "lat": HERE[1],
            "extra": {"building": "3栋"},
        }
        args.update(overrides)
        return event_report(**args)

    return make


def a_master(users: dict[str, User], event: Event) -> dict[str, Any]:
    """Merge input: a fresh open event of the same category to merge into."""
    master = event_report(
        actor=users["grid_worker"],
        category_code=event.category.code,
        description="同一问题的首次上报",
        lon=event.lon,
        lat=event.lat,
        extra=event.extra,
    )
    return {"payload": {"master": master.number}}


def apply(users: dict[str, User], event: Event, command: Command, **extra: Any) -> Event:
    inputs = a_master(users, event) if command == Command.MERGE else INPUTS.get(command, {})
    args: dict[str, Any] = {**inputs, **extra}
    return event_apply(
        actor=args.pop("actor", None) or actor_for(users, event, command),
        event_id=event.pk,
        command=command,
        expected_version=args.pop("expected_version", event.version),
        **args,
    )


Walk = Callable[[Status], Event]


@pytest.fixture
def walk(report: Report, loop_users: dict[str, User]) -> Walk:
    def make(status: Status) -> Event:
        event = report()
        for command in PATHS[status]:
            event = apply(loop_users, event, command)
        assert event.status == status
        return event

    return make
