"""Levels: escalation by hand and by the overdue sweeper, supervision, and the red flag."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.events.actions.sweep import events_sweep
from gridgov.events.models import Deadline, Event, EventTransition
from gridgov.events.selectors import events_visible, overdue_flag
from gridgov.events.workflow import (
    AUTO_ESCALATE,
    Command,
    Stage,
    Status,
    allowed_commands,
    commands_open,
)
from gridgov.jurisdiction.spatial import spatial_index_reset
from gridgov.testing.loop import Report, apply
from gridgov.worktime.calendar import calendar_cache_clear

BASE = "/api/v1/events"


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def owner_code(event: Event) -> str:
    return Event.objects.select_related("owner").get(pk=event.pk).owner.code


def test_escalate_climbs_one_level_at_a_time_up_to_the_district(
    report: Report, loop_users: dict[str, User]
) -> None:
    event = report()
    climbed = []
    for name in ("grid_worker", "community_staff", "dispatcher"):
        event = apply(loop_users, event, Command.ESCALATE, actor=loop_users[name])
        climbed.append(owner_code(event))
    assert climbed == ["320104001001", "320104001", "320104"]
    assert event.status == Status.REPORTED
    assert event.version == 4
    step = EventTransition.objects.filter(event=event, command="escalate").last()
    assert step is not None
    assert step.payload == {"from": "320104001", "to": "320104"}
    assert step.reason == "超出网格处置权限"
    assert Command.ESCALATE not in commands_open(event)
    # The district owns it now: the subdistrict may no longer hand it anywhere.
    with pytest.raises(PermissionDenied) as refused:
        apply(loop_users, event, Command.ESCALATE, actor=loop_users["dispatcher"])
    assert refused.value.code == "not_owner"


def test_escalate_needs_a_reason_and_a_role(report: Report, loop_users: dict[str, User]) -> None:
    event = report()
    with pytest.raises(InvalidInput):
        apply(loop_users, event, Command.ESCALATE, reason=" ")
    with pytest.raises(PermissionDenied):
        apply(loop_users, event, Command.ESCALATE, actor=loop_users["commander"])
    assert owner_code(event) == "320104001001001"
    event = apply(loop_users, event, Command.ESCALATE, actor=loop_users["community_staff"])
    with pytest.raises(PermissionDenied) as refused:
        apply(loop_users, event, Command.ESCALATE, actor=loop_users["grid_worker"])
    assert refused.value.code == "not_owner"
    assert owner_code(event) == "320104001001"


def test_escalate_is_offered_only_where_it_would_be_accepted(
    report: Report, loop_users: dict[str, User], as_user: Any
) -> None:
    event = apply(loop_users, report(), Command.ESCALATE, actor=loop_users["community_staff"])
    worker = loop_users["grid_worker"]
    assert Command.ESCALATE not in allowed_commands(worker, event)
    assert Command.ESCALATE in allowed_commands(loop_users["community_staff"], event)
    page = as_user("grid_worker").get(f"/events/{event.number}/")
    assert page.status_code == 200
    assert '<details data-command="escalate"' not in page.content.decode()
    read = as_user("grid_worker").get(f"{BASE}/{event.number}")
    assert "escalate" not in read.json()["allowed_commands"]
    assert (
        '<details data-command="escalate"'
        in as_user("dispatcher").get(f"/events/{event.number}/").content.decode()
    )


def test_supervision_by_the_centre(report: Report, loop_users: dict[str, User]) -> None:
    event = report()
    with pytest.raises(PermissionDenied):
        apply(loop_users, event, Command.SUPERVISE, actor=loop_users["community_staff"])
    event = apply(loop_users, event, Command.SUPERVISE, actor=loop_users["commander"])
    assert event.status == Status.REPORTED
    assert event.supervised_by == loop_users["commander"]
    assert event.supervised_at is not None


def overdue_now(event: Event) -> datetime:
    """A moment one minute past the event's open deadline."""
    return Deadline.objects.get(event=event, ended_at__isnull=True).due_at + timedelta(minutes=1)


def auto_steps(event: Event | None = None) -> list[tuple[int, str]]:
    steps = EventTransition.objects.filter(command=AUTO_ESCALATE)
    if event is not None:
        steps = steps.filter(event=event)
    return list(steps.values_list("event_id", "stage"))


def test_the_sweeper_escalates_each_overdue_stage_exactly_once(
    report: Report, loop_users: dict[str, User]
) -> None:
    late, on_time = report(), report(category_code="0402", extra={})
    Deadline.objects.filter(event=on_time).update(due_at=timezone.now() + timedelta(days=30))
    now = overdue_now(late)
    assert not events_sweep(now - timedelta(minutes=2)).escalated
    result = events_sweep(now)
    assert result.escalated == 1
    late.refresh_from_db()
    assert late.status == Status.REPORTED
    assert late.version == 2
    assert owner_code(late) == "320104001001"
    assert Deadline.objects.get(event=late).escalated_at == now
    step = EventTransition.objects.get(event=late, command=AUTO_ESCALATE)
    assert (step.stage, step.actor, step.payload) == (
        Stage.REGISTER,
        None,
        {"from": "320104001001001", "to": "320104001001"},
    )
    assert events_sweep(now).escalated == 0
    # A restart: nothing is remembered in the process, everything in the database.
    calendar_cache_clear()
    spatial_index_reset()
    assert events_sweep(now + timedelta(days=1)).escalated == 0
    assert auto_steps() == [(late.pk, Stage.REGISTER)]
    assert owner_code(on_time) == "320104001001001"


def test_each_stage_escalates_once_and_the_district_is_the_top(
    report: Report, loop_users: dict[str, User]
) -> None:
    event = report()
    events_sweep(overdue_now(event))
    event = apply(loop_users, Event.objects.get(pk=event.pk), Command.REGISTER)
    assert owner_code(event) == "320104001"
    events_sweep(overdue_now(event))
    assert owner_code(event) == "320104"
    event = apply(loop_users, Event.objects.get(pk=event.pk), Command.DISPATCH)
    assert owner_code(event) == "320104001"  # the dispatching level owns what it dispatched
    events_sweep(overdue_now(event))
    event.refresh_from_db()
    assert owner_code(event) == "320104"
    event = apply(loop_users, event, Command.SUSPEND)
    event = apply(loop_users, event, Command.RESUME)
    # The dispatch stage already escalated once: entering it again does not escalate it again.
    events_sweep(overdue_now(event) + timedelta(days=10))
    assert sorted(s for _, s in auto_steps(event)) == sorted(
        [Stage.REGISTER, Stage.DISPATCH, Stage.HANDLE]
    )
    assert event.version == EventTransition.objects.filter(event=event).count()


def test_at_the_district_the_sweeper_records_without_climbing(
    report: Report, loop_users: dict[str, User]
) -> None:
    event = report()
    for name in ("grid_worker", "community_staff", "dispatcher"):
        event = apply(loop_users, event, Command.ESCALATE, actor=loop_users[name])
    events_sweep(overdue_now(event))
    step = EventTransition.objects.get(event=event, command=AUTO_ESCALATE)
    assert step.payload == {"from": "320104", "to": "320104"}
    assert owner_code(event) == "320104"


def test_batches_cover_everything_due(report: Report) -> None:
    events = [report() for _ in range(5)]
    moment = max(overdue_now(e) for e in events)
    result = events_sweep(moment, batch_size=2)
    assert (result.escalated, result.batches) == (5, 3)
    assert len(auto_steps()) == 5


def test_the_management_command_sweeps(report: Report) -> None:
    event = report()
    Deadline.objects.filter(event=event).update(due_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("events_sweep", stdout=out)
    assert "escalated 1" in out.getvalue()
    call_command("events_sweep", stdout=out)
    assert "escalated 0" in out.getvalue()
    assert len(auto_steps(event)) == 1
    with pytest.raises(CommandError):
        call_command("events_sweep", "--batch-size", "0")


def test_overdue_events_are_flagged_red(
    report: Report, loop_users: dict[str, User], as_user: Any
) -> None:
    late, fine = report(), report()
    Deadline.objects.filter(event=late).update(due_at=timezone.now() - timedelta(minutes=1))
    Deadline.objects.filter(event=fine).update(due_at=timezone.now() + timedelta(hours=1))
    flags = {e.number: overdue_flag(e) for e in events_visible(loop_users["dispatcher"])}
    assert flags == {late.number: True, fine.number: False}
    items = as_user("dispatcher").get(BASE).json()["items"]
    assert {e["number"]: e["is_overdue"] for e in items} == flags
    answer = as_user("dispatcher").post(
        f"{BASE}/{late.number}/commands/supervise",
        {"expected_version": late.version, "reason": "超时督办"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["is_overdue"] is True
    assert answer.json()["supervised_at"] is not None
