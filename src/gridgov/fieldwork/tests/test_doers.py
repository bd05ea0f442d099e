"""Who may do a task is the kind's declared set of roles: a community's staff completes the
tasks it is given by hand, never a grid's patrol, and no centre completes anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.errors import PermissionDenied
from gridgov.fieldwork.actions import field_task_complete
from gridgov.fieldwork.kinds import PATROL, register_task_kind
from gridgov.fieldwork.selectors import tasks_of_worker
from gridgov.fieldwork.tests.conftest import GRID, MakeTask
from gridgov.testing.tree import HERE

API = "/api/v1/fieldwork"


def client(user: User) -> Client:
    c = Client()
    c.force_login(user, backend="gridgov.accounts.backends.RoleBackend")
    return c


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, body, content_type="application/json")


def test_community_staff_completes_the_task_it_was_given(people: dict[str, User]) -> None:
    dispatcher, staff = client(people["dispatcher"]), client(people["community_staff"])
    body = {"title": "走访商户核实营业执照", "grid": GRID, "assignee": "cs"}
    task = post(dispatcher, f"{API}/tasks", body).json()
    assert [t["id"] for t in staff.get(f"{API}/tasks", {"mine": True}).json()] == [task["id"]]
    point = dict(zip(("lon", "lat"), HERE, strict=True))
    stranger = post(client(people["grid_worker"]), f"{API}/tasks/{task['id']}/complete", point)
    assert stranger.json()["code"] == "not_your_task"
    done = post(staff, f"{API}/tasks/{task['id']}/complete", {"note": "已核实", **point})
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    page = staff.get("/fieldwork/")
    assert page.status_code == 200
    assert "duty-form" not in page.content.decode()


def test_a_role_the_kind_does_not_allow_is_refused(
    make_task: MakeTask, people: dict[str, User]
) -> None:
    dispatcher = client(people["dispatcher"])
    patrol = {"kind": PATROL, "title": "巡查", "grid": GRID, "assignee": "cs"}
    refused = post(dispatcher, f"{API}/tasks", patrol)
    assert refused.status_code == 422
    assert [e["code"] for e in refused.json()["errors"]] == ["not_grid_worker"]
    open_patrol = make_task(kind=PATROL)
    open_assigned = make_task()
    assert list(tasks_of_worker(people["community_staff"])) == [open_assigned]
    with pytest.raises(PermissionDenied) as not_theirs:
        field_task_complete(actor=people["community_staff"], task=open_patrol)
    assert not_theirs.value.code == "not_your_task"
    for role in ("dispatcher", "analyst"):
        with pytest.raises(PermissionDenied):
            field_task_complete(actor=people[role], task=open_assigned)
    with pytest.raises(ValueError, match="field roles"):
        register_task_kind("test_doers", "测试", "fieldwork:task", doers=frozenset({Role.ANALYST}))
