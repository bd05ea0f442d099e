"""A small history on one day with known timestamps, for checking every count.

Events are walked with the events actions, then every timestamp they left
(event stamps, timeline, deadlines, scores) is moved to DAY, and a few
deadlines are pulled earlier to make a stage late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.assessment.actions import handling_score
from gridgov.assessment.models import HandlingScore
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.intake import event_report
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Category, Deadline, Event, EventTransition
from gridgov.events.workflow import Command, Outcome, Stage
from gridgov.testing.history import history_rewrite
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

DAY = date(2026, 11, 2)
HERE = (118.1, 31.7)  # grid 320104001001001
GRID, SUBDISTRICT = "320104001001001", "320104001"

_EVENT_STAMPS = [f.attname for f in Event._meta.concrete_fields if f.attname.endswith("_at")]
_EVENT_STAMPS.remove("created_at")

INPUTS: dict[str, dict[str, Any]] = {
    Command.RETURN: {"reason": "非本部门职责"},
    Command.REWORK: {"reason": "现场仍有飞线"},
    Command.CANCEL: {"reason": "重复上报"},
    Command.REOPEN: {"reason": "居民投诉未解决"},
    Command.HANDLE: {"note": "已拆除飞线"},
    Command.SELF_HANDLE: {"note": "网格员现场劝导拆除"},
    Command.DISPATCH: {"payload": {"department": "320104-fire"}},
}


@pytest.fixture
def people(users: dict[str, User], tree: Tree) -> dict[str, Any]:
    from gridgov.testing.catalogue import default_catalogue

    catalogue_load(actor=None, data=default_catalogue())
    # Natural minutes, so the limits do not depend on the holiday calendar.
    Category.objects.filter(code="0401").update(
        register_minutes=60,
        dispatch_minutes=60,
        handle_minutes=600,
        verify_minutes=600,
        natural_time=True,
    )
    brigade = Department.objects.create(
        code="320104-fire", name="秦淮区消防救援大队", node=tree["320104"]
    )
    urban = Department.objects.create(
        code="320104-urban", name="秦淮区城市管理局", node=tree["320104"]
    )
    return {
        **users,
        "brigade": brigade,
        "urban": urban,
        "handler": make_user("fh", Role.DEPARTMENT_HANDLER, department=brigade),
        "urban_handler": make_user("uh", Role.DEPARTMENT_HANDLER, department=urban),
    }


def _actor(people: dict[str, Any], command: str) -> User:
    if command in {Command.ACCEPT, Command.RETURN, Command.HANDLE}:
        name = "handler"
    elif command in {Command.SELF_HANDLE, Command.VERIFY, Command.REWORK}:
        name = "grid_worker"
    else:
        name = "dispatcher"
    user: User = people[name]
    return user


def walk(people: dict[str, Any], *commands: str, **payloads: dict[str, Any]) -> Event:
    event = event_report(
        actor=people["grid_worker"],
        category_code="0401",
        description="3栋楼道有电动车飞线充电",
        lon=HERE[0],
        lat=HERE[1],
        extra={"building": "3栋"},
    )
    for command in commands:
        args = {**INPUTS.get(command, {})}
        if command in payloads:
            args["payload"] = payloads[command]
        event = event_apply(
            actor=_actor(people, command),
            event_id=event.pk,
            command=command,
            expected_version=event.version,
            **args,
        )
    return event


def make_late(event: Event, stage: Stage) -> None:
    """The stage's latest finished attempt ran a minute over."""
    latest = Deadline.objects.filter(event=event, stage=stage, ended_at__isnull=False).latest(
        "started_at", "id"
    )
    Deadline.objects.filter(pk=latest.pk).update(
        due_at=F("ended_at") - timedelta(minutes=1), outcome=Outcome.OVERDUE
    )


def move_history_to(day: date, at: time = time(10, 0), *, after_pk: int = 0) -> None:
    """Shift every timestamp of the events numbered above after_pk by one offset, so the first
    of them is reported at `at` on `day`."""
    events = Event.objects.filter(pk__gt=after_pk)
    first = events.order_by("reported_at").values_list("reported_at", flat=True)[0]
    assert first is not None
    delta = timezone.make_aware(datetime.combine(day, at)) - first
    events.update(**{f: F(f) + delta for f in _EVENT_STAMPS})
    history_rewrite(EventTransition.objects.filter(event__in=events), at=F("at") + delta)
    Deadline.objects.filter(event__in=events).update(
        **{f: F(f) + delta for f in ("started_at", "due_at", "ended_at", "escalated_at")}
    )
    HandlingScore.objects.filter(event__in=events).update(at=F("at") + delta)


@dataclass
class History:
    people: dict[str, Any]
    events: dict[str, Event]


@pytest.fixture
def history(people: dict[str, Any]) -> History:
    """Six events on DAY; the comments say what each one adds to the counts."""
    c = Command
    events = {
        # Dispatched once, handled, closed and evaluated on time; rated 4, scored 5.
        "e1": walk(
            people,
            c.REGISTER,
            c.DISPATCH,
            c.ACCEPT,
            c.HANDLE,
            c.VERIFY,
            c.CLOSE,
            c.EVALUATE,
            evaluate={"score": 4},
        ),
        # Returned and dispatched again; handled, sent back, handled late; closed.
        "e2": walk(
            people,
            c.REGISTER,
            c.DISPATCH,
            c.RETURN,
            c.DISPATCH,
            c.ACCEPT,
            c.HANDLE,
            c.REWORK,
            c.HANDLE,
            c.VERIFY,
            c.CLOSE,
        ),
        # Solved in the grid and closed: the grid owns it.
        "e3": walk(people, c.SELF_HANDLE, c.VERIFY, c.CLOSE),
        # Cancelled: counts nowhere.
        "e4": walk(people, c.CANCEL),
        # Registered late, still open.
        "e5": walk(people, c.REGISTER),
        # Solved in the grid, closed, then reopened: its reopening is rework, it is not closed.
        "e6": walk(people, c.SELF_HANDLE, c.VERIFY, c.CLOSE, c.REOPEN),
    }
    make_late(events["e2"], Stage.HANDLE)
    make_late(events["e5"], Stage.REGISTER)
    handling_score(
        actor=people["commander"], event_number=events["e1"].number, score=5, comment="处置规范"
    )
    move_history_to(DAY)
    return History(people, {k: Event.objects.get(pk=e.pk) for k, e in events.items()})
