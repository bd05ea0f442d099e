"""The reporter's say after closure: a grid worker rates the handling of their own report."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.core.errors import PermissionDenied
from gridgov.events.models import EventTransition
from gridgov.events.workflow import Command, Status, allowed_commands
from gridgov.testing.loop import PATHS, Report, Walk, apply
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def rows(page: str) -> list[str]:
    return re.findall(r'<tr data-number="(\w+)"', page)


def test_the_reporter_rates_their_closed_report_through_the_page(walk: Walk, as_user: Any) -> None:
    event = walk(Status.CLOSED)
    worker = as_user("grid_worker")
    queue = worker.get("/events/", {"tab": "to_evaluate"})
    assert queue.status_code == 200
    assert rows(queue.content.decode()) == [event.number]
    page = worker.get(f"/events/{event.number}/").content.decode()
    assert '<details data-command="evaluate"' in page
    answer = worker.post(
        f"/events/{event.number}/commands/evaluate",
        {"version": event.version, "score": "3", "note": "处理及时，但楼道仍有杂物"},
    )
    assert answer.status_code == 302
    event.refresh_from_db()
    assert event.status == Status.EVALUATED
    assert event.rating == 3
    step = EventTransition.objects.get(event=event, command="evaluate")
    assert step.actor is not None
    assert step.actor.username == "gw"
    assert step.note == "处理及时，但楼道仍有杂物"
    assert rows(worker.get("/events/", {"tab": "to_evaluate"}).content.decode()) == []


def test_only_the_reporter_among_grid_workers_may_rate(
    walk: Walk, loop_users: dict[str, User], tree: Tree
) -> None:
    event = walk(Status.CLOSED)
    colleague = make_user("gw2", Role.GRID_WORKER, node=tree["320104001001001"])
    assert Command.EVALUATE not in allowed_commands(colleague, event)
    with pytest.raises(PermissionDenied):
        apply(loop_users, event, Command.EVALUATE, actor=colleague)
    assert allowed_commands(loop_users["grid_worker"], event) == [Command.EVALUATE]
    assert Command.EVALUATE in allowed_commands(loop_users["dispatcher"], event)


def test_a_reporter_of_any_role_rates_what_they_see(
    report: Report, loop_users: dict[str, User]
) -> None:
    """A department handler reports a case that comes back to their own department; when it
    is closed they rate it as any reporter does, while the centre keeps its right to rate on
    a resident's behalf."""
    handler = loop_users["handler"]
    event = report(actor=handler)
    for command in PATHS[Status.VERIFIED] + [Command.CLOSE]:
        event = apply(loop_users, event, command)
    assert event.assigned_department_id == handler.department_id
    assert allowed_commands(handler, event) == [Command.EVALUATE]
    rated = apply(loop_users, event, Command.EVALUATE, actor=handler, payload={"score": 2})
    assert rated.rating == 2
    assert rated.status == Status.EVALUATED


def test_the_reporter_may_not_rate_before_closure(walk: Walk, as_user: Any) -> None:
    event = walk(Status.VERIFIED)
    worker = as_user("grid_worker")
    assert (
        '<details data-command="evaluate"'
        not in worker.get(f"/events/{event.number}/").content.decode()
    )
    answer = worker.post(
        f"/events/{event.number}/commands/evaluate", {"version": event.version, "score": "5"}
    )
    assert answer.status_code == 409
    event.refresh_from_db()
    assert event.status == Status.VERIFIED
    assert event.rating is None
