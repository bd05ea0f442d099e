"""Every attempt at a stage keeps its own row: the issue's case (overdue, escalated,
dispatched, returned, suspended, resumed) read back from the time-limit table."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import F
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.actions.sweep import events_sweep
from gridgov.events.models import Deadline, EventTransition
from gridgov.events.workflow import Command, Outcome, Stage
from gridgov.testing.loop import Report, apply
from gridgov.worktime.calendar import deadline, working_minutes_between


def attempts(event_id: int) -> list[tuple[str, str]]:
    return list(
        Deadline.objects.filter(event_id=event_id)
        .order_by("started_at", "id")
        .values_list("stage", "outcome")
    )


def test_a_returned_and_suspended_case_keeps_each_attempt(
    report: Report, loop_users: dict[str, User]
) -> None:
    event = apply(loop_users, report(), Command.REGISTER)
    first_dispatch = Deadline.objects.get(event=event, ended_at__isnull=True)
    Deadline.objects.filter(pk=first_dispatch.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert events_sweep().escalated == 1
    first_dispatch.refresh_from_db()
    event.refresh_from_db()
    for command in (Command.DISPATCH, Command.RETURN, Command.SUSPEND):
        event = apply(loop_users, event, command)
    # Suspended a week ago: a working week of the clock was paused.
    second_dispatch = Deadline.objects.get(event=event, ended_at__isnull=True)
    Deadline.objects.filter(pk=second_dispatch.pk).update(
        paused_at=F("paused_at") - timedelta(days=7)
    )
    second_dispatch.refresh_from_db()
    assert second_dispatch.paused_at is not None
    event = apply(loop_users, event, Command.RESUME)
    resumed = EventTransition.objects.get(event=event, command=Command.RESUME).at

    assert attempts(event.pk) == [
        (Stage.REGISTER, Outcome.ON_TIME),
        (Stage.DISPATCH, Outcome.OVERDUE),
        (Stage.HANDLE, Outcome.RETURNED),
        (Stage.DISPATCH, ""),
    ]
    # The first dispatch attempt is history: not restarted, not moved.
    kept = Deadline.objects.get(pk=first_dispatch.pk)
    assert (kept.started_at, kept.due_at, kept.ended_at, kept.escalated_at) == (
        first_dispatch.started_at,
        first_dispatch.due_at,
        EventTransition.objects.get(event=event, command=Command.DISPATCH).at,
        first_dispatch.escalated_at,
    )
    running = Deadline.objects.get(pk=second_dispatch.pk)
    paused = round(working_minutes_between(second_dispatch.paused_at, resumed))
    assert paused >= 4 * 7 * 60
    assert running.paused_at is None
    assert running.paused_minutes == paused
    assert running.due_at == deadline(second_dispatch.due_at, paused, natural=False)


def test_the_time_limit_table_shows_each_attempt_in_chinese(
    report: Report, loop_users: dict[str, User]
) -> None:
    event = report()
    for command in (Command.REGISTER, Command.DISPATCH, Command.RETURN, Command.SUSPEND):
        event = apply(loop_users, event, command)
    page = login(Client(), loop_users["dispatcher"]).get(f"/events/{event.number}/")
    html = page.content.decode()
    table = html[html.index('id="clocks"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r'data-outcome="(\w+)"', table) == [
        "on_time",
        "on_time",
        "returned",
        "running",
    ]
    assert table.count("按时完成") == 2
    assert "已退回" in table
    assert "暂停" in table
