"""Extensions are asked in working days or hours, previewed on the calendar, approved or
rejected with a reason, and wait in the approver's own queue tab."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.core.errors import InvalidInput
from gridgov.events.models import Deadline, Event
from gridgov.events.queues import queue_counts
from gridgov.events.workflow import Command, Status
from gridgov.testing.loop import Walk, apply

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
TUESDAY = datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)


def due_on_friday(event: Event) -> None:
    Deadline.objects.filter(event=event, ended_at__isnull=True).update(due_at=FRIDAY)


def running_due(event: Event) -> datetime:
    return Deadline.objects.get(event=event, ended_at__isnull=True).due_at


def test_two_working_days_move_the_due_two_working_days(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = walk(Status.ACCEPTED)
    due_on_friday(event)
    event = apply(
        loop_users,
        event,
        Command.REQUEST_EXTENSION,
        payload={"amount": 2, "unit": "day"},
    )
    apply(loop_users, event, Command.APPROVE_EXTENSION)
    assert running_due(event) == TUESDAY


def test_the_approver_may_reject_with_a_reason(walk: Walk, loop_users: dict[str, User]) -> None:
    event = apply(loop_users, walk(Status.ACCEPTED), Command.REQUEST_EXTENSION)
    before = running_due(event)
    with pytest.raises(InvalidInput) as refused:
        apply(loop_users, event, Command.REJECT_EXTENSION, reason=" ")
    assert [p.field for p in refused.value.problems] == ["reason"]
    event = apply(loop_users, event, Command.REJECT_EXTENSION)
    assert event.extension_minutes is None
    assert running_due(event) == before


def test_pending_requests_have_a_counted_tab(walk: Walk, loop_users: dict[str, User]) -> None:
    dispatcher = loop_users["dispatcher"]
    assert queue_counts(dispatcher)["extensions"] == 0
    event = apply(loop_users, walk(Status.ACCEPTED), Command.REQUEST_EXTENSION)
    assert queue_counts(dispatcher)["extensions"] == 1
    page = login(Client(), dispatcher).get("/events/", {"tab": "extensions"})
    assert page.status_code == 200
    assert event.number in page.content.decode()
    apply(loop_users, event, Command.APPROVE_EXTENSION)
    assert queue_counts(dispatcher)["extensions"] == 0


def test_the_preview_shows_the_due_time_before_sending(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = walk(Status.ACCEPTED)
    due_on_friday(event)
    client = login(Client(), loop_users["handler"])
    url = f"/events/{event.number}/extension-preview"
    answer = client.get(url, {"amount": "2", "unit": "day"}).content.decode()
    assert "2026-12-04 10:00" in answer
    assert "2026-12-08 10:00" in answer
    assert "1 到 30" in client.get(url, {"amount": "31", "unit": "day"}).content.decode()
    # A preview writes nothing.
    assert running_due(event) == FRIDAY
