"""The loop's figures: where cases close, how fast they are answered, and time-limit warnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Deadline, Event
from gridgov.events.selectors import closure_by_level, response_time, response_time_stats
from gridgov.events.workflow import Command, Status
from gridgov.jurisdiction.models import Level
from gridgov.testing.loop import Report, Walk, apply
from gridgov.testing.tree import Tree

BASE = "/api/v1/events"


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def close(users: dict[str, User], event: Event, *commands: Command) -> Event:
    for command in commands:
        event = apply(users, event, command)
    return event


def test_closure_by_level_counts_the_owner_at_closure(
    report: Report, walk: Walk, loop_users: dict[str, User], tree: Tree, as_user: Any
) -> None:
    in_grid = walk(Status.CLOSED)
    escalated = apply(loop_users, report(), Command.ESCALATE)
    in_community = close(loop_users, escalated, Command.SELF_HANDLE, Command.VERIFY, Command.CLOSE)
    in_subdistrict = close(
        loop_users,
        walk(Status.VERIFIED),
        Command.CLOSE,
        Command.EVALUATE,
    )
    walk(Status.HANDLED)  # still open: not counted
    assert {e.status for e in (in_grid, in_community, in_subdistrict)} == {
        Status.CLOSED,
        Status.EVALUATED,
    }
    shares = {
        s.level: (s.closed, s.share)
        for s in closure_by_level(loop_users["commander"], tree["320104"])
    }
    third = pytest.approx(1 / 3)
    assert shares == {
        Level.GRID: (1, third),
        Level.COMMUNITY: (1, third),
        Level.SUBDISTRICT: (1, third),
        Level.DISTRICT: (0, 0.0),
        Level.CITY: (0, 0.0),
    }
    assert all(s.closed == 0 for s in closure_by_level(loop_users["commander"], tree["320104002"]))
    assert all(
        s.closed == 0 for s in closure_by_level(loop_users["sibling_commander"], tree["320105"])
    )
    body = as_user("commander").get(f"{BASE}/stats/closure-by-level?node=320104").json()
    assert [(r["level"], r["closed"]) for r in body][:3] == [(5, 1), (4, 1), (3, 1)]
    assert (
        as_user("sibling_commander").get(f"{BASE}/stats/closure-by-level?node=320104").status_code
        == 404
    )


def test_response_time_is_report_to_first_registration(
    report: Report, loop_users: dict[str, User], tree: Tree, as_user: Any
) -> None:
    now = timezone.now()
    events = []
    for minutes in (1, 3, 10, 60):
        event = report()
        Event.objects.filter(pk=event.pk).update(reported_at=now - timedelta(minutes=minutes))
        events.append(apply(loop_users, Event.objects.get(pk=event.pk), Command.REGISTER))
    report()  # not registered yet: not counted
    first = response_time(events[0])
    assert first is not None
    assert first.natural_minutes == pytest.approx(1, abs=0.1)
    assert first.working_minutes <= first.natural_minutes + 0.01
    stats = response_time_stats(loop_users["commander"], tree["320104"], now - timedelta(hours=2))
    assert stats.count == 4
    assert stats.median_minutes == pytest.approx(6.5, abs=0.1)
    assert stats.p90_minutes == pytest.approx(60, abs=0.1)
    assert stats.within_five_minutes == 0.5
    assert stats.median_working_minutes is not None
    assert stats.p90_working_minutes is not None
    assert stats.median_working_minutes <= stats.p90_working_minutes <= 60.01
    none = response_time_stats(loop_users["commander"], tree["320104"], now + timedelta(hours=1))
    assert (none.count, none.median_minutes, none.within_five_minutes) == (0, None, None)
    since = (now - timedelta(hours=2)).isoformat()
    body = (
        as_user("commander")
        .get(f"{BASE}/stats/response-time", {"since": since, "node": "320104001"})
        .json()
    )
    assert (body["count"], body["within_five_minutes"]) == (4, 0.5)
    detail = as_user("dispatcher").get(f"{BASE}/{events[0].number}").json()
    assert detail["response_time"]["natural_minutes"] == pytest.approx(1, abs=0.1)


def test_reopening_does_not_change_the_response_time(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    assert response_time(walk(Status.CLOSED)) is None  # solved in the grid: never registered
    event = walk(Status.VERIFIED)
    first = response_time(event)
    assert first is not None
    event = close(loop_users, event, Command.CLOSE, Command.REOPEN)
    assert event.registered_at is not None
    assert response_time(event) == first


@pytest.mark.parametrize(("year", "warned"), [(2026, False), (2027, True)])
def test_a_deadline_in_a_year_without_official_data_carries_a_warning(
    year: int, warned: bool, report: Report, as_user: Any
) -> None:
    event = report()
    Deadline.objects.filter(event=event).update(due_at=datetime(year, 3, 2, 2, tzinfo=UTC))
    [deadline] = as_user("dispatcher").get(f"{BASE}/{event.number}").json()["deadlines"]
    assert (deadline["calendar_warning"] is not None) == warned
    if warned:
        assert "2027" in deadline["calendar_warning"]
