"""The transition table, command by command and state by state, and who may give each."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.departments.models import Department
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Category, Deadline, Event, EventTransition
from gridgov.events.workflow import (
    COMMAND_ROLES,
    REPORTER_COMMANDS,
    TRANSITIONS,
    Command,
    Stage,
    Status,
    allowed_commands,
    commands_open,
)
from gridgov.testing.loop import Report, Walk, apply
from gridgov.testing.tree import Tree

# Commands the table declares but that also depend on the event's own facts.
GUARDED = {
    Command.SELF_HANDLE,
    Command.REQUEST_EXTENSION,
    Command.APPROVE_EXTENSION,
    Command.REJECT_EXTENSION,
    Command.ESCALATE,
}


class Rollback(Exception):
    pass


def rolled_back(attempt: Callable[[], Any]) -> Any:
    """What the attempt returned, with everything it wrote undone."""
    try:
        with transaction.atomic():
            raise Rollback(attempt())
    except Rollback as done:
        return done.args[0]


def test_every_status_is_reachable_and_terminal_states_are_exactly_the_dead_ends() -> None:
    targets = {to for to in TRANSITIONS.values()} | {Status.REPORTED}
    assert targets == set(Status)
    dead_ends = {s for s in Status if not any(k[0] == s for k in TRANSITIONS)}
    assert dead_ends == {Status.REJECTED, Status.CANCELLED, Status.MERGED}


def test_every_command_has_roles_and_a_transition() -> None:
    assert set(COMMAND_ROLES) == set(Command)
    assert {c for _, c in TRANSITIONS} == set(Command)


@pytest.mark.parametrize("status", list(Status))
def test_each_pair_is_applied_or_refused_with_the_allowed_list(
    status: Status, walk: Walk, loop_users: dict[str, User]
) -> None:
    event = walk(status)
    open_now = commands_open(event)
    declared = {c for (s, c) in TRANSITIONS if s == status}
    assert set(open_now) <= declared
    assert declared - set(open_now) <= GUARDED
    for command in Command:
        before = EventTransition.objects.filter(event=event).count()
        if command in open_now:

            def attempt(command: Command = command) -> tuple[Event, int]:
                moved = apply(loop_users, event, command)
                return moved, EventTransition.objects.filter(event=event).count()

            moved, count = rolled_back(attempt)
            assert moved.status == TRANSITIONS[status, command]
            assert moved.version == event.version + 1
            assert getattr(moved, f"{moved.status}_at") is not None
            assert count == before + 1
        else:
            with pytest.raises(Conflict) as refused:
                apply(loop_users, event, command)
            assert refused.value.code == "command_not_allowed"
            assert [p.item for p in refused.value.problems] == list(open_now)
            assert EventTransition.objects.filter(event=event).count() == before
        event.refresh_from_db()
        assert event.status == status


def test_the_full_loop_through_a_department_with_rework_and_extension(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = walk(Status.ACCEPTED)
    assert event.assigned_department is not None
    assert event.assigned_department.code == "320104-fire"
    handle_due = Deadline.objects.get(event=event, stage=Stage.HANDLE).due_at
    event = apply(loop_users, event, Command.REQUEST_EXTENSION)
    assert event.extension_minutes == 450  # one day of the default office hours
    assert Command.APPROVE_EXTENSION in commands_open(event)
    event = apply(loop_users, event, Command.APPROVE_EXTENSION)
    assert event.extension_minutes is None
    assert Deadline.objects.get(event=event, stage=Stage.HANDLE).due_at > handle_due
    for command in (Command.HANDLE, Command.REWORK, Command.HANDLE, Command.VERIFY):
        event = apply(loop_users, event, command)
    assert event.rework_count == 1
    for command in (Command.CLOSE, Command.EVALUATE):
        event = apply(loop_users, event, command)
    assert event.status == Status.EVALUATED
    assert event.rating == 5
    timeline = list(EventTransition.objects.filter(event=event).values_list("command", flat=True))
    assert timeline[0] == "report"
    assert len(timeline) == event.version
    assert not Deadline.objects.filter(event=event, ended_at__isnull=True).exists()


def test_reopen_and_resume_go_back_to_the_dispatcher(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = apply(loop_users, walk(Status.EVALUATED), Command.REOPEN)
    assert event.status == Status.REGISTERED
    dispatch = Deadline.objects.get(event=event, ended_at__isnull=True)
    assert dispatch.stage == Stage.DISPATCH
    event = apply(loop_users, event, Command.SUSPEND)
    dispatch.refresh_from_db()
    assert dispatch.ended_at is None
    assert dispatch.paused_at is not None
    event = apply(loop_users, event, Command.RESUME)
    assert event.status == Status.REGISTERED
    # Suspended and resumed in the same stage: the same attempt runs on, its clock paused.
    dispatch.refresh_from_db()
    assert dispatch.ended_at is None
    assert dispatch.paused_at is None
    assert Deadline.objects.get(event=event, ended_at__isnull=True) == dispatch


def test_self_handle_only_where_the_category_allows(
    report: Report, loop_users: dict[str, User]
) -> None:
    event = report(category_code="0402", extra={})
    assert Command.SELF_HANDLE not in commands_open(event)
    with pytest.raises(Conflict):
        apply(loop_users, event, Command.SELF_HANDLE)


# The state each command is tried in (self_handle needs a category that allows it, as 0401 does).
PATHS_FOR_GUARD = {Command.SELF_HANDLE: Status.REPORTED}


@pytest.mark.parametrize("command", list(Command))
def test_roles_outside_the_table_get_403(
    command: Command, walk: Walk, loop_users: dict[str, User]
) -> None:
    status = next(s for (s, c) in TRANSITIONS if c == command)
    event = walk(PATHS_FOR_GUARD.get(command, status))
    if command in {Command.APPROVE_EXTENSION, Command.REJECT_EXTENSION}:
        event = apply(loop_users, event, Command.REQUEST_EXTENSION)
    node_roles = ["grid_worker", "community_staff", "dispatcher", "commander", "analyst"]
    for name in node_roles + ["system_admin", "auditor"]:
        user = loop_users[name]
        if user.role in COMMAND_ROLES[command] or (
            command in REPORTER_COMMANDS and user == event.reporter
        ):
            continue
        with pytest.raises(PermissionDenied):
            apply(loop_users, event, command, actor=user)
    assert EventTransition.objects.filter(event=event).count() == event.version


def test_only_the_department_dispatched_to_may_act_and_others_do_not_see_it(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = walk(Status.DISPATCHED)
    with pytest.raises(NotFound):
        apply(loop_users, event, Command.ACCEPT, actor=loop_users["other_handler"])
    with pytest.raises(PermissionDenied):
        apply(loop_users, event, Command.ACCEPT, actor=loop_users["community_staff"])
    assert allowed_commands(loop_users["handler"], event) == [Command.ACCEPT, Command.RETURN]
    returned = apply(loop_users, event, Command.RETURN)
    assert returned.assigned_department is None
    with pytest.raises(NotFound):
        apply(loop_users, returned, Command.DISPATCH, actor=loop_users["handler"])


def test_a_level_dispatch_is_handled_by_that_level(walk: Walk, loop_users: dict[str, User]) -> None:
    event = walk(Status.REGISTERED)
    event = apply(loop_users, event, Command.DISPATCH, payload={"node": "320104001001"})
    assert event.owner.code == "320104001001"
    assert event.assigned_department is None
    assert Command.ACCEPT in allowed_commands(loop_users["community_staff"], event)
    assert allowed_commands(loop_users["handler"], event) == []


def test_outside_the_jurisdiction_is_not_found(walk: Walk, loop_users: dict[str, User]) -> None:
    event = walk(Status.REPORTED)
    for name in ("sibling_dispatcher", "sibling_commander", "handler"):
        with pytest.raises(NotFound):
            apply(loop_users, event, Command.REGISTER, actor=loop_users[name])


def test_a_stale_version_is_a_conflict(walk: Walk, loop_users: dict[str, User]) -> None:
    event = walk(Status.REGISTERED)
    with pytest.raises(Conflict) as stale:
        apply(loop_users, event, Command.SUSPEND, expected_version=event.version - 1)
    assert stale.value.code == "stale_version"


@pytest.mark.parametrize(
    ("status", "command", "inputs", "field"),
    [
        (Status.REPORTED, Command.REJECT, {"reason": " "}, "reason"),
        (Status.ACCEPTED, Command.HANDLE, {"note": ""}, "note"),
        (Status.ACCEPTED, Command.HANDLE, {"payload": {"photos": "x"}}, "payload.photos"),
        (Status.CLOSED, Command.EVALUATE, {"payload": {"score": 6}}, "payload.score"),
        (
            Status.ACCEPTED,
            Command.REQUEST_EXTENSION,
            {"payload": {"amount": 0, "unit": "day"}},
            "payload.amount",
        ),
        (
            Status.ACCEPTED,
            Command.REQUEST_EXTENSION,
            {"payload": {"minutes": 2880}},
            "payload.unit",
        ),
        (Status.REGISTERED, Command.DISPATCH, {"payload": {"node": "320105"}}, "payload.node"),
        (
            Status.REGISTERED,
            Command.DISPATCH,
            {"payload": {"department": "320104-fire", "node": "320104"}},
            "payload",
        ),
        (
            Status.REGISTERED,
            Command.DISPATCH,
            {"payload": {"department": "x"}},
            "payload.department",
        ),
    ],
)
def test_bad_inputs_are_422_and_change_nothing(
    status: Status,
    command: Command,
    inputs: dict[str, Any],
    field: str,
    walk: Walk,
    loop_users: dict[str, User],
) -> None:
    event = walk(status)
    with pytest.raises(InvalidInput) as bad:
        apply(loop_users, event, command, **inputs)
    assert field in [p.field for p in bad.value.problems]
    assert Event.objects.get(pk=event.pk).version == event.version


def test_an_unknown_command_is_422(walk: Walk, loop_users: dict[str, User]) -> None:
    event = walk(Status.REPORTED)
    with pytest.raises(InvalidInput):
        event_apply(
            actor=loop_users["dispatcher"], event_id=event.pk, command="explode", expected_version=1
        )


def test_each_step_is_audited_and_announced_only_after_commit(
    walk: Walk,
    loop_users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = walk(Status.REPORTED)
    caplog.set_level(logging.INFO, logger="gridgov.events.actions")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = apply(loop_users, event, Command.REGISTER)
    assert len(callbacks) == 1
    assert "registered" not in caplog.text
    callbacks[0]()
    assert f"event {event.number}: register → registered" in caplog.text
    entry = AuditEntry.objects.get(action="events.register", target_id=str(event.pk))
    assert entry.actor == loop_users["dispatcher"]
    assert entry.detail["from"] == Status.REPORTED


def test_a_dispatcher_reaches_the_departments_serving_the_place(
    walk: Walk, report: Report, loop_users: dict[str, User], tree: Tree
) -> None:
    Department.objects.create(code="320105-fire", name="建邺区消防救援大队", node=tree["320105"])
    event = walk(Status.REGISTERED)
    with pytest.raises(InvalidInput):
        apply(loop_users, event, Command.DISPATCH, payload={"department": "320105-fire"})
    moved = apply(loop_users, event, Command.DISPATCH, payload={"department": "320104-urban"})
    assert moved.assigned_department is not None
    assert moved.assigned_department.code == "320104-urban"
    dispute = report(category_code="0801", extra={"dispute_kind": "漏水"})
    dispute = apply(loop_users, dispute, Command.REGISTER)
    with pytest.raises(InvalidInput) as refused:
        apply(loop_users, dispute, Command.DISPATCH)
    assert refused.value.problems[0].code == "bad_department"


def test_a_department_named_in_the_catalogue_is_the_default_where_it_serves(
    walk: Walk, loop_users: dict[str, User], tree: Tree
) -> None:
    city_brigade = Department.objects.create(code="fire", name="市消防救援支队", node=tree["3201"])
    Category.objects.filter(code="0401").update(department=city_brigade, department_code="fire")
    event = apply(loop_users, walk(Status.REGISTERED), Command.DISPATCH)
    assert event.assigned_department == city_brigade
