"""Out of office hours an event dispatched or escalated goes to whoever the roster has on duty
at the receiving department or level (events.duty, filled by command); in office hours, and
with nobody on duty, to the unit's usual staff."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.command.actions.centres import member_set
from gridgov.command.actions.rosters import ShiftIn, roster_save
from gridgov.command.models import CommandCentre, MemberRole
from gridgov.command.tests.conftest import Centres
from gridgov.departments.models import Department
from gridgov.events.models import Event
from gridgov.events.workflow import Command
from gridgov.notifications.models import InboxItem
from gridgov.testing.loop import Report, apply
from gridgov.testing.users import make_user
from gridgov.worktime.calendar import calendar_cache_clear
from gridgov.worktime.models import OfficeHours

pytestmark = pytest.mark.django_db

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def office(*, open_now: bool) -> None:
    """Office hours round the clock every day, or on another weekday only: today is off."""
    today = timezone.localdate().weekday()
    OfficeHours.objects.update_or_create(
        pk=1,
        defaults={
            **{day: open_now or index == (today + 1) % 7 for index, day in enumerate(WEEKDAYS)},
            "morning_start": time(0, 0),
            "morning_end": time(12, 0),
            "afternoon_start": time(12, 0),
            "afternoon_end": time(23, 59, 59),
            "revision": uuid.uuid4(),
        },
    )
    calendar_cache_clear()


def on_duty_now(centre: CommandCentre, actor: User, person: User) -> None:
    now = timezone.now()
    roster_save(
        actor=actor,
        centre=centre,
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=1),
        shifts=[ShiftIn(person.pk, now - timedelta(hours=1), now + timedelta(hours=1))],
    )


def told(event: Event, what: str) -> set[str]:
    return set(
        InboxItem.objects.filter(
            notice__key=f"events.event:{event.pk}:{what}:{event.version}"
        ).values_list("recipient__username", flat=True)
    )


@pytest.mark.parametrize("open_now", [False, True])
def test_a_dispatch_reaches_the_department_on_duty_out_of_office_hours_only(
    open_now: bool,
    centres: Centres,
    loop_users: dict[str, User],
    brigade: Department,
    report: Report,
) -> None:
    commander = loop_users["commander"]
    member_set(actor=commander, centre=centres.fire, user=commander, role=MemberRole.COMMANDER)
    night = make_user("fn", Role.DEPARTMENT_HANDLER, department=brigade)
    on_duty_now(centres.fire, commander, night)
    office(open_now=open_now)
    event = apply(loop_users, report(), Command.REGISTER)
    event = apply(loop_users, event, Command.DISPATCH, payload={"department": brigade.code})
    # In office hours the brigade's handlers (fh and fn); out of them the one on duty.
    assert told(event, "dispatch") == ({"fh", "fn"} if open_now else {"fn"})


def test_an_escalation_out_of_office_hours_reaches_the_level_on_duty_or_its_staff(
    centres: Centres, loop_users: dict[str, User], report: Report
) -> None:
    office(open_now=False)
    # Nobody is rostered at the community: its staff are told, so no one is missed.
    to_community = apply(loop_users, report(), Command.ESCALATE, actor=loop_users["grid_worker"])
    assert to_community.owner.code == "320104001001"
    assert told(to_community, "escalate") == {"cs"}
    night = make_user("nd", Role.SUBDISTRICT_DISPATCHER, node=centres.north.node)
    on_duty_now(centres.north, loop_users["dispatcher"], night)
    to_subdistrict = apply(
        loop_users, to_community, Command.ESCALATE, actor=loop_users["community_staff"]
    )
    assert to_subdistrict.owner.code == "320104001"
    assert told(to_subdistrict, "escalate") == {"nd"}
