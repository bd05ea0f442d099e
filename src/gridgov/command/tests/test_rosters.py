from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.command.actions.instructions import Targets, addressees
from gridgov.command.actions.rosters import (
    ShiftIn,
    day_and_night,
    roster_save,
    swap_decide,
    swap_request,
)
from gridgov.command.models import ShiftKind, SwapStatus
from gridgov.command.selectors import next_on_duty, on_duty
from gridgov.command.tests.conftest import DISTRICT_GRIDS, Centres
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.core.scope import Scope
from gridgov.fieldwork.actions.duty import leave_enter

pytestmark = pytest.mark.django_db

# A Wednesday and the Sunday after it, both in the future.
WEDNESDAY = date(2030, 1, 9)
SUNDAY = date(2030, 1, 13)


def full_day(user: User, day: date) -> list[ShiftIn]:
    (d0, d1), (n0, n1) = day_and_night(day)
    return [ShiftIn(user.pk, d0, d1), ShiftIn(user.pk, n0, n1)]


def period(day: date) -> tuple[datetime, datetime]:
    start = day_and_night(day)[0][0]
    return start, start + timedelta(days=1)


def test_a_roster_with_a_gap_is_refused_until_the_gap_is_accepted(
    centres: Centres, loop_users: dict[str, User]
) -> None:
    dispatcher = loop_users["dispatcher"]
    start, end = period(WEDNESDAY)
    day_only = full_day(dispatcher, WEDNESDAY)[:1]
    with pytest.raises(InvalidInput) as caught:
        roster_save(actor=dispatcher, centre=centres.north, start=start, end=end, shifts=day_only)
    assert caught.value.code == "roster_gaps"
    assert [p.code for p in caught.value.problems] == ["gap"]
    saved, gaps = roster_save(
        actor=dispatcher,
        centre=centres.north,
        start=start,
        end=end,
        shifts=day_only,
        accept_gaps=True,
    )
    assert len(saved) == 1
    assert [(g.start, g.end) for g in gaps] == [day_and_night(WEDNESDAY)[1]]


def test_kinds_follow_the_clock_and_the_calendar(
    centres: Centres, loop_users: dict[str, User]
) -> None:
    dispatcher = loop_users["dispatcher"]
    start, _end = period(WEDNESDAY)
    shifts = full_day(dispatcher, WEDNESDAY) + full_day(dispatcher, SUNDAY)
    saved, gaps = roster_save(
        actor=dispatcher,
        centre=centres.north,
        start=start,
        end=period(SUNDAY)[1],
        shifts=shifts,
        accept_gaps=True,
    )
    assert [s.kind for s in saved] == [
        ShiftKind.DAY,
        ShiftKind.NIGHT,
        ShiftKind.HOLIDAY,
        ShiftKind.HOLIDAY,
    ]
    assert len(gaps) == 1
    during = day_and_night(WEDNESDAY)[0][0] + timedelta(hours=1)
    scope = Scope.under(centres.north.node)
    assert [s.user for s in on_duty(scope, during)] == [dispatcher]
    assert [s.kind for s in next_on_duty(scope, during)] == [ShiftKind.NIGHT]


def test_shifts_of_grids_and_people_outside_the_area_are_refused(
    centres: Centres, loop_users: dict[str, User], users: dict[str, User]
) -> None:
    dispatcher = loop_users["dispatcher"]
    start, end = period(WEDNESDAY)
    (d0, d1), _night = day_and_night(WEDNESDAY)
    with pytest.raises(InvalidInput) as caught:
        roster_save(
            actor=dispatcher,
            centre=centres.north,
            start=start,
            end=end,
            shifts=[
                ShiftIn(users["sibling_dispatcher"].pk, d0, d1),
                ShiftIn(dispatcher.pk, d0, d1, grid=DISTRICT_GRIDS[2]),
            ],
        )
    assert [p.code for p in caught.value.problems] == ["outside_area", "outside_area"]
    with pytest.raises(PermissionDenied):
        roster_save(
            actor=loop_users["grid_worker"], centre=centres.north, start=start, end=end, shifts=[]
        )


def test_a_swap_takes_effect_when_the_centre_approves_it(
    centres: Centres, loop_users: dict[str, User]
) -> None:
    dispatcher, staff = loop_users["dispatcher"], loop_users["community_staff"]
    start, end = period(WEDNESDAY)
    saved, _gaps = roster_save(
        actor=dispatcher,
        centre=centres.north,
        start=start,
        end=end,
        shifts=full_day(dispatcher, WEDNESDAY),
    )
    with pytest.raises(InvalidInput):
        swap_request(actor=staff, shift=saved[0], to_user=dispatcher)
    swap = swap_request(actor=dispatcher, shift=saved[0], to_user=staff)
    assert swap.status == SwapStatus.REQUESTED
    swap = swap_decide(actor=dispatcher, swap=swap, approve=True)
    assert swap.status == SwapStatus.APPROVED
    saved[0].refresh_from_db()
    assert saved[0].user == staff
    with pytest.raises(Conflict):
        swap_decide(actor=dispatcher, swap=swap, approve=False)
    assert timezone.now() < saved[0].starts_at


def test_out_of_office_hours_an_urgent_instruction_reaches_whoever_is_on_duty(
    centres: Centres, loop_users: dict[str, User]
) -> None:
    dispatcher, staff = loop_users["dispatcher"], loop_users["community_staff"]
    start, end = period(WEDNESDAY)
    roster_save(
        actor=dispatcher,
        centre=centres.north,
        start=start,
        end=end,
        shifts=[ShiftIn(staff.pk, *span) for span in day_and_night(WEDNESDAY)],
    )
    targets = Targets(centres=[centres.north.pk])
    zone = timezone.get_current_timezone()
    night = datetime(2030, 1, 9, 23, 0, tzinfo=zone)
    morning = datetime(2030, 1, 9, 10, 0, tzinfo=zone)
    assert set(addressees(centres.district, targets, urgent=True, at=night)) == {staff.pk}
    assert set(addressees(centres.district, targets, urgent=True, at=morning)) == {
        dispatcher.pk,
        staff.pk,
    }
    assert set(addressees(centres.district, targets, at=night)) == {dispatcher.pk}


def test_the_roster_page_shows_a_swap_and_the_centre_approves_it_there(
    centres: Centres, loop_users: dict[str, User], client_for: Any
) -> None:
    dispatcher, staff = loop_users["dispatcher"], loop_users["community_staff"]
    start, end = period(WEDNESDAY)
    saved, _gaps = roster_save(
        actor=dispatcher,
        centre=centres.north,
        start=start,
        end=end,
        shifts=full_day(dispatcher, WEDNESDAY),
    )
    swap = swap_request(actor=dispatcher, shift=saved[1], to_user=staff)
    client = client_for("dispatcher")
    page = client.get(f"/command/centres/{centres.north.pk}/roster/?month=2030-01")
    html = page.content.decode()
    assert "待审批的换班" in html
    assert "夜班" in html
    answer = client.post(f"/command/swaps/{swap.pk}/decide/", {"approve": "1"})
    assert answer.status_code == 302
    saved[1].refresh_from_db()
    assert saved[1].user == staff


def test_nobody_is_rostered_on_a_day_of_leave_field_work_recorded(
    centres: Centres, loop_users: dict[str, User]
) -> None:
    worker = loop_users["grid_worker"]
    leave_enter(
        actor=loop_users["community_staff"],
        worker=worker,
        kind="annual",
        first_day=WEDNESDAY,
        last_day=WEDNESDAY,
    )
    start, end = period(WEDNESDAY)
    shifts = [
        ShiftIn(s.user_id, s.starts_at, s.ends_at, grid=DISTRICT_GRIDS[0])
        for s in full_day(worker, WEDNESDAY)
    ]
    dispatcher = loop_users["dispatcher"]
    with pytest.raises(InvalidInput) as caught:
        roster_save(actor=dispatcher, centre=centres.north, start=start, end=end, shifts=shifts)
    assert [(p.code, p.index) for p in caught.value.problems] == [("on_leave", 0), ("on_leave", 1)]
