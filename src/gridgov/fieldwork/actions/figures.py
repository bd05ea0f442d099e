"""The daily pre-aggregated field-work table (FieldDaily), one row per grid worker and day,
rebuilt whole for a day so a late result or a correction is counted the next night
(ADR 0007's pattern). Formulas: docs/indicators.md, issue 13.

A task nobody was named for counts for whoever did it, else for the grid's own worker (one
sitting on the grid before one sitting on its community), so a grid's figures add up once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.events.models import Event
from gridgov.fieldwork.actions.duty import day_bounds
from gridgov.fieldwork.kinds import PATROL, VISIT
from gridgov.fieldwork.models import (
    CheckIn,
    Duty,
    FieldDaily,
    FieldTask,
    Leave,
    Patrol,
    PatrolCheck,
    PatrolPoint,
    ServiceEntry,
    WorkLog,
)
from gridgov.fieldwork.workflow import Status
from gridgov.jurisdiction.models import Node
from gridgov.worktime.calendar import is_working_day


def grid_workers() -> list[User]:
    users = get_user_model()._default_manager.filter(
        role=Role.GRID_WORKER, is_active=True, node__isnull=False
    )
    return list(users.select_related("node").order_by("pk"))


def _primary(workers: list[User], grids: Iterable[Node]) -> dict[int, int]:
    """Each grid's own worker: one on the grid first, else one on its community."""
    on_node: dict[int, int] = {}
    for worker in workers:
        if worker.node_id is not None:
            on_node.setdefault(worker.node_id, worker.pk)
    out: dict[int, int] = {}
    for grid in grids:
        owner = on_node.get(grid.pk) or on_node.get(grid.parent_id or 0)
        if owner is not None:
            out[grid.pk] = owner
    return out


def leave_days_of(worker_ids: list[int], first: date, last: date) -> dict[int, set[date]]:
    """Each worker's days of leave within [first, last]."""
    out: dict[int, set[date]] = defaultdict(set)
    rows = Leave.objects.unscoped().filter(
        worker_id__in=worker_ids, first_day__lte=last, last_day__gte=first
    )
    for leave in rows:
        day = max(leave.first_day, first)
        while day <= min(leave.last_day, last):
            out[leave.worker_id].add(day)
            day += timedelta(days=1)
    return out


def field_daily_rebuild(*, day: date) -> int:
    """Every grid worker's row for the day, replaced whole; returns the rows written."""
    return field_daily_rebuild_range(first=day, last=day)


@transaction.atomic
def field_daily_rebuild_range(*, first: date, last: date) -> int:
    """Every grid worker's rows for the days [first, last], replaced whole in one transaction:
    each source is read once for the range and counted by local day."""
    workers = grid_workers()
    placed = [(w.pk, w.node_id) for w in workers if w.node_id is not None]
    ids = [pk for pk, _node in placed]
    start, _e = day_bounds(first)
    _s, end = day_bounds(last)
    local = timezone.localdate
    tasks = list(
        FieldTask.objects.unscoped()
        .filter(due_at__gte=start, due_at__lt=end)
        .exclude(status=Status.CANCELLED)
        .select_related("grid")
    )
    owner_of_grid = _primary(workers, {t.grid for t in tasks})
    leave = leave_days_of(ids, first, last)
    present = {
        (user_id, local(at))
        for user_id, at in CheckIn.objects.unscoped()
        .filter(duty=Duty.START, at__gte=start, at__lt=end, user_id__in=ids)
        .values_list("user_id", "at")
    }
    logged = set(
        WorkLog.objects.unscoped()
        .filter(day__gte=first, day__lte=last, submitted_at__isnull=False)
        .values_list("worker_id", "day")
    )
    services = Counter(
        (worker_id, local(at))
        for worker_id, at in ServiceEntry.objects.unscoped()
        .filter(at__gte=start, at__lt=end)
        .values_list("worker_id", "at")
    )
    findings = Counter(
        (reporter_id, local(at))
        for reporter_id, at in Event.objects.unscoped()
        .filter(reporter_id__in=ids, reported_at__gte=start, reported_at__lt=end)
        .values_list("reporter_id", "reported_at")
    )
    rows: dict[tuple[int, date], FieldDaily] = {}
    day = first
    while day <= last:
        working = is_working_day(day)
        for worker_id, node_id in placed:
            key = (worker_id, day)
            rows[key] = FieldDaily(
                day=day,
                worker_id=worker_id,
                node_id=node_id,
                working_day=working,
                on_leave=day in leave.get(worker_id, set()),
                present=key in present,
                log_submitted=key in logged,
                services=services.get(key, 0),
                findings=findings.get(key, 0),
            )
        day += timedelta(days=1)
    _count_tasks(rows, tasks, owner_of_grid)
    FieldDaily.objects.unscoped().filter(day__gte=first, day__lte=last).delete()
    FieldDaily.objects.bulk_create(rows.values(), batch_size=2000)
    return len(rows)


def _count_tasks(
    rows: dict[tuple[int, date], FieldDaily],
    tasks: list[FieldTask],
    owner_of_grid: dict[int, int],
) -> None:
    patrol_tasks = [t for t in tasks if t.kind == PATROL]
    plan_points = dict(
        PatrolPoint.objects.filter(plan_id__in={t.target_id for t in patrol_tasks})
        .order_by()
        .values("plan_id")
        .annotate(n=Count("id"))
        .values_list("plan_id", "n")
    )
    patrol_ids = [t.pk for t in patrol_tasks]
    checked = dict(
        PatrolCheck.objects.filter(patrol__task_id__in=patrol_ids, point__isnull=False)
        .order_by()
        .values("patrol__task_id")
        .annotate(n=Count("point", distinct=True))
        .values_list("patrol__task_id", "n")
    )
    walked = set(
        Patrol.objects.unscoped()
        .filter(task_id__in=patrol_ids, ended_at__isnull=False)
        .values_list("task_id", flat=True)
    )
    for task in tasks:
        worker = task.done_by_id or task.assignee_id or owner_of_grid.get(task.grid_id)
        row = rows.get((worker or 0, timezone.localdate(task.due_at)))
        if row is None:
            continue
        done = task.status == Status.DONE
        row.tasks_due += 1
        if done and task.done_at is not None and task.done_at <= task.due_at:
            row.tasks_done_on_time += 1
        if task.kind == PATROL:
            row.patrols_planned += 1
            row.patrols_done += int(task.pk in walked)
            row.points_planned += plan_points.get(task.target_id or 0, 0)
            row.points_checked += checked.get(task.pk, 0)
        elif task.kind == VISIT:
            row.visits_due += 1
            row.visits_done += int(done)
