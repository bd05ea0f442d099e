"""Patrols: a plan generated into tasks once per due day, walked with check-ins at points,
findings filed as events, ended with a summary; coverage per grid."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.fieldwork.actions.patrols import (
    PointIn,
    patrol_check,
    patrol_end,
    patrol_finding,
    patrol_plan_save,
    patrol_start,
    patrol_tasks_generate,
)
from gridgov.fieldwork.kinds import PATROL
from gridgov.fieldwork.models import FieldTask, PatrolCheck, PatrolPlan
from gridgov.fieldwork.selectors import patrol_coverage
from gridgov.fieldwork.tests.conftest import GRID
from gridgov.fieldwork.workflow import Status
from gridgov.testing.tree import Tree
from gridgov.worktime.calendar import is_working_day

POINTS = [PointIn("东门", 118.10, 31.70), PointIn("3栋楼道", 118.12, 31.72)]


def working_day() -> date:
    day = timezone.localdate()
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def plan(people: dict[str, User], tree: Tree) -> PatrolPlan:
    return patrol_plan_save(
        actor=people["community_staff"],
        grid=tree[GRID],
        name="日常巡查",
        every_days=1,
        points=POINTS,
        starts_on=timezone.localdate() - timedelta(days=7),
    )


def test_a_plan_makes_one_task_per_due_day(plan: PatrolPlan) -> None:
    day = working_day()
    assert patrol_tasks_generate(day=day) == 1
    assert patrol_tasks_generate(day=day) == 0
    task = FieldTask.objects.unscoped().get(kind=PATROL)
    assert task.target_label == "日常巡查"
    assert timezone.localdate(task.due_at) == day


def test_points_outside_the_grid_are_refused(people: dict[str, User], tree: Tree) -> None:
    with pytest.raises(InvalidInput) as refused:
        patrol_plan_save(
            actor=people["community_staff"],
            grid=tree[GRID],
            name="x",
            every_days=40,
            points=[PointIn("远处", 118.8, 31.7)],
        )
    assert {p.code for p in refused.value.problems} == {"bad_interval", "point_outside_grid"}


def test_a_patrol_walked_with_check_ins_a_finding_and_a_summary(
    plan: PatrolPlan, people: dict[str, User], tree: Tree, catalogue: None
) -> None:
    patrol_tasks_generate(day=working_day())
    task = FieldTask.objects.unscoped().get(kind=PATROL)
    worker = people["grid_worker"]
    with pytest.raises(PermissionDenied):
        patrol_start(actor=people["other_worker"], task=task)
    patrol = patrol_start(actor=worker, task=task)
    with pytest.raises(Conflict):
        patrol_start(actor=worker, task=task)
    first = patrol_check(actor=worker, patrol=patrol, lon=118.1001, lat=31.7001)
    assert first.point is not None
    assert first.point.name == "东门"
    with pytest.raises(InvalidInput) as far:
        patrol_check(
            actor=worker, patrol=patrol, lon=118.1, lat=31.7, point_id=plan.points.get(order=2).pk
        )
    assert far.value.code == "far_from_point"
    with pytest.raises(InvalidInput) as away:
        patrol_check(actor=worker, patrol=patrol, lon=118.8, lat=31.7)
    assert away.value.code == "far_from_area"
    event = patrol_finding(
        actor=worker,
        patrol=patrol,
        category_code="0401",
        description="楼道飞线充电",
        lon=118.12,
        lat=31.72,
        extra={"building": "3栋"},
    )
    assert PatrolCheck.objects.get(event=event).point.name == "3栋楼道"  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        patrol_end(actor=worker, patrol=patrol, summary=" ")
    patrol_end(actor=worker, patrol=patrol, summary="两处点位正常，发现飞线一处")
    task.refresh_from_db()
    assert task.status == Status.DONE
    assert task.result == {"points_planned": 2, "points_checked": 2, "checks": 2, "findings": 1}
    with pytest.raises(Conflict):
        patrol_check(actor=worker, patrol=patrol, lon=118.1, lat=31.7)
    day = timezone.localdate(task.due_at)
    [row] = patrol_coverage(people["community_staff"], tree["320104001001"], day, day)
    assert (row.planned, row.done, row.points_planned, row.points_checked) == (1, 1, 2, 2)
    assert row.share == 1.0


def test_the_daily_job_generates_and_counts(plan: PatrolPlan) -> None:
    out = StringIO()
    call_command("fieldwork_daily", "--day", working_day().isoformat(), stdout=out)
    assert "patrols=" in out.getvalue()
    assert FieldTask.objects.unscoped().filter(kind=PATROL).count() >= 1
