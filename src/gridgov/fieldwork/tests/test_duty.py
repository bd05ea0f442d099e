"""Leave, attendance, the daily log and its completeness, the service ledger, and the daily
table that feeds assessment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.fieldwork.actions import checkin_record, field_task_complete
from gridgov.fieldwork.actions.duty import leave_enter, service_record, worklog_submit
from gridgov.fieldwork.actions.figures import field_daily_rebuild
from gridgov.fieldwork.models import Duty, FieldDaily, LeaveKind, ServiceKind
from gridgov.fieldwork.selectors import (
    attendance_month,
    field_figures,
    log_completeness,
    logs_missing,
    service_counts,
)
from gridgov.fieldwork.tests.conftest import GRID, MakeTask
from gridgov.testing.tree import HERE, Tree
from gridgov.worktime.calendar import is_working_day


def test_leave_is_entered_by_the_community_without_overlap(people: dict[str, User]) -> None:
    today = timezone.localdate()
    worker = people["grid_worker"]
    with pytest.raises(PermissionDenied):
        leave_enter(
            actor=people["sibling_dispatcher"],
            worker=worker,
            kind=LeaveKind.SICK,
            first_day=today,
            last_day=today,
        )
    leave_enter(
        actor=people["community_staff"],
        worker=worker,
        kind=LeaveKind.SICK,
        first_day=today,
        last_day=today + timedelta(days=1),
    )
    with pytest.raises(Conflict):
        leave_enter(
            actor=people["community_staff"],
            worker=worker,
            kind=LeaveKind.ANNUAL,
            first_day=today + timedelta(days=1),
            last_day=today + timedelta(days=3),
        )
    with pytest.raises(InvalidInput):
        leave_enter(
            actor=people["community_staff"],
            worker=worker,
            kind="holiday",
            first_day=today,
            last_day=today - timedelta(days=1),
        )


def test_month_attendance_counts_start_of_duty_and_excuses_leave(
    people: dict[str, User], tree: Tree
) -> None:
    today = timezone.localdate()
    checkin_record(actor=people["grid_worker"], duty=Duty.START, lon=HERE[0], lat=HERE[1])
    rows = {
        r.worker.username: r
        for r in attendance_month(
            people["community_staff"], tree["320104001001"], today.year, today.month
        )
    }
    working = sum(is_working_day(date(today.year, today.month, d)) for d in range(1, today.day + 1))
    assert rows["gw"].working_days == working
    assert rows["gw"].present_days == int(is_working_day(today))
    assert rows["gw2"].present_days == 0


def test_the_log_is_prefilled_and_who_has_not_submitted_is_listed(
    people: dict[str, User], tree: Tree, make_task: MakeTask
) -> None:
    worker = people["grid_worker"]
    field_task_complete(actor=worker, task=make_task(), note="已处理")
    service_record(actor=worker, kind=ServiceKind.RESIDENCE_PERMIT, person_name="李四")
    community = tree["320104001001"]
    today = timezone.localdate()
    assert {w.username for w in logs_missing(people["community_staff"], community, today)} == {
        "gw",
        "gw2",
        "gwc",
    }
    log = worklog_submit(actor=worker, notes="走访两户")
    assert log.figures["tasks_done"] == 1
    assert log.figures["services"] == 1
    assert {w.username for w in logs_missing(people["community_staff"], community, today)} == {
        "gw2",
        "gwc",
    }
    with pytest.raises(InvalidInput):
        worklog_submit(actor=worker, notes="", day=today - timedelta(days=30))
    [row] = [
        r
        for r in log_completeness(people["community_staff"], community, today.year, today.month)
        if r.worker == worker
    ]
    assert row.submitted == int(is_working_day(today))


def test_a_service_keeps_the_person_masked(people: dict[str, User], tree: Tree) -> None:
    entry = service_record(
        actor=people["grid_worker"], kind=ServiceKind.CONSULTATION, person_name="张三丰"
    )
    assert entry.person_label == "张**"
    assert entry.grid.code == GRID
    with pytest.raises(InvalidInput) as refused:
        service_record(actor=people["community_worker"], kind="x", person_name="")
    assert {p.code for p in refused.value.problems} == {"bad_grid", "unknown_kind", "required"}
    today = timezone.localdate()
    counts = service_counts(people["community_staff"], tree["320104001001"], today, today)
    assert counts["grid"] == [(tree[GRID].name, 1)]


def test_the_daily_table_feeds_the_rates(
    people: dict[str, User], tree: Tree, make_task: MakeTask
) -> None:
    worker = people["grid_worker"]
    today = timezone.localdate()
    checkin_record(actor=worker, duty=Duty.START, lon=HERE[0], lat=HERE[1])
    task = make_task(due_at=timezone.now() + timedelta(minutes=5))
    field_task_complete(actor=worker, task=task, note="ok")
    worklog_submit(actor=worker, notes="")
    assert field_daily_rebuild(day=today) == 3
    assert field_daily_rebuild(day=today) == 3
    row = FieldDaily.objects.unscoped().get(worker=worker, day=today)
    assert row.present
    assert row.log_submitted
    assert (row.tasks_due, row.tasks_done_on_time) == (1, 1)
    figures = field_figures(people["community_staff"], tree["320104001001"], today, today)
    assert figures["tasks_due"] == 1
    if is_working_day(today):
        assert figures["attendance_rate"] == round(1 / 3, 3)
        assert figures["log_completeness"] == round(1 / 3, 3)
    sibling = field_figures(people["sibling_dispatcher"], tree["320104002"], today, today)
    assert sibling["tasks_due"] == 0
