"""Reads of field work, every one scoped to the caller's tree (ADR 0020).

A task, patrol or plan outside the caller's tree answers NotFound like a missing one. The
worker's one list joins the field tasks with the verification tasks of their grids, which
keep their own table and page.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope
from gridgov.fieldwork.actions.duty import day_bounds
from gridgov.fieldwork.actions.figures import leave_days_of
from gridgov.fieldwork.kinds import GRID_WORKERS, PATROL, kinds_closed_to, task_kind
from gridgov.fieldwork.models import (
    CarePlan,
    CheckIn,
    Duty,
    FieldDaily,
    FieldTask,
    Leave,
    Patrol,
    PatrolCheck,
    PatrolPlan,
    PatrolPoint,
    ServiceEntry,
    Visit,
    WorkLog,
)
from gridgov.fieldwork.workflow import Status
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import node_get, scope_of, scope_root
from gridgov.verification.models import Status as VerificationStatus
from gridgov.verification.selectors import task_rows
from gridgov.verification.selectors import tasks_visible as verifications_visible
from gridgov.worktime.calendar import is_working_day

if TYPE_CHECKING:
    from gridgov.accounts.models import User

LIST_LIMIT = 200


def tasks_visible(user: User) -> QuerySet[FieldTask]:
    return FieldTask.objects.visible_to(scope_of(user)).select_related("grid", "assignee")


def field_task_get(user: User, task_id: int) -> FieldTask:
    task = tasks_visible(user).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No such task."), code="task_not_found")
    return task


def tasks_of_worker(user: User) -> QuerySet[FieldTask]:
    """A worker's tasks: those assigned to them and those anyone of their area may do whose
    role the kind allows (a community's staff is not handed every patrol of its grids)."""
    open_to_all = Q(assignee__isnull=True) & ~Q(kind__in=kinds_closed_to(user.role))
    return tasks_visible(user).filter(Q(assignee=user) | open_to_all)


def open_tasks_of_worker(user: User) -> QuerySet[FieldTask]:
    return tasks_of_worker(user).filter(status=Status.OPEN).order_by("due_at", "id")


@dataclass(frozen=True)
class ListRow:
    """One line of the worker's list, whichever table the task lives in."""

    key: str
    kind: str | Promise
    title: str
    target: str
    grid: str
    due_at: datetime | None
    url: str
    overdue: bool


def task_url(task: FieldTask) -> str:
    kind = task_kind(task.kind)
    return kind.url_for(task.pk) if kind is not None else reverse("fieldwork:task", args=[task.pk])


def worker_list(user: User, *, until: datetime | None = None) -> list[ListRow]:
    """The worker's one list: open field tasks (due by `until`, when given) soonest first,
    then pending verification tasks of their grids, oldest first."""
    now = timezone.now()
    tasks = open_tasks_of_worker(user)
    if until is not None:
        tasks = tasks.filter(due_at__lt=until)
    rows = [
        ListRow(
            key=f"task-{t.pk}",
            kind=task_kind(t.kind).label if task_kind(t.kind) else t.kind,  # type: ignore[union-attr]
            title=t.title,
            target=t.target_label,
            grid=t.grid.name,
            due_at=t.due_at,
            url=task_url(t),
            overdue=t.due_at < now,
        )
        for t in tasks[:LIST_LIMIT]
    ]
    if user.role != Role.GRID_WORKER:
        return rows
    pending = (
        verifications_visible(user)
        .filter(status=VerificationStatus.PENDING)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .order_by("created_at", "id")[:LIST_LIMIT]
    )
    rows += [
        ListRow(
            key=f"verification-{r.task.pk}",
            kind=_("verification"),
            title=r.title,
            target=r.task.get_source_display(),
            grid=r.task.grid.name,
            due_at=None,
            url=reverse("verification:task", args=[r.task.pk]),
            overdue=False,
        )
        for r in task_rows(list(pending))
    ]
    return rows


def today_end() -> datetime:
    return day_bounds(timezone.localdate())[1]


def checkins_visible(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.visible_to(scope_of(user)).select_related("user", "node")


def last_checkin(user: User) -> CheckIn | None:
    return checkins_visible(user).filter(user=user).order_by("-at", "-id").first()


def patrol_plans_visible(user: User) -> QuerySet[PatrolPlan]:
    return PatrolPlan.objects.visible_to(scope_of(user)).select_related("grid")


def patrol_plan_get(user: User, plan_id: int) -> PatrolPlan:
    plan = patrol_plans_visible(user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such patrol plan."), code="plan_not_found")
    return plan


def patrols_visible(user: User) -> QuerySet[Patrol]:
    return Patrol.objects.visible_to(scope_of(user)).select_related("grid", "task", "worker")


def patrol_get(user: User, patrol_id: int) -> Patrol:
    patrol = patrols_visible(user).filter(pk=patrol_id).first()
    if patrol is None:
        raise NotFound(_("No such patrol."), code="patrol_not_found")
    return patrol


def patrol_of_task(user: User, task: FieldTask) -> Patrol | None:
    return patrols_visible(user).filter(task=task).first()


def care_plans_visible(user: User) -> QuerySet[CarePlan]:
    return CarePlan.objects.visible_to(scope_of(user)).select_related("grid", "person")


def visits_visible(user: User) -> QuerySet[Visit]:
    return Visit.objects.visible_to(scope_of(user)).select_related("grid", "person", "visitor")


def services_visible(user: User) -> QuerySet[ServiceEntry]:
    return ServiceEntry.objects.visible_to(scope_of(user)).select_related("grid", "worker")


def leave_visible(user: User) -> QuerySet[Leave]:
    return Leave.objects.visible_to(scope_of(user)).select_related("worker")


def area_get(user: User, code: str) -> Node:
    """A node of the caller's tree (its own when no code is given)."""
    return node_get(user, code) if code else scope_root(user)


def workers_under(user: User, node: Node, roles: frozenset[str] = GRID_WORKERS) -> list[User]:
    """The grid workers (or those of `roles`) of a node of the caller's tree."""
    if not scope_of(user).covers(node.code):
        raise NotFound(_("No such node."), code="not_found")
    users = get_user_model()._default_manager.visible_to(Scope.under(node))
    rows: QuerySet[User] = users.filter(role__in=roles, is_active=True)
    return list(rows.select_related("node").order_by("node__code", "username"))


def grid_worker_get(user: User, username: str, roles: frozenset[str] = GRID_WORKERS) -> User:
    """A grid worker (or one of `roles`, as a task's assignee) of the caller's tree."""
    found = get_user_model()._default_manager.visible_to(scope_of(user))
    worker: User | None = found.filter(username=username, role__in=roles).first()
    if worker is None:
        raise NotFound(_("No such grid worker."), code="worker_not_found")
    return worker


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class AttendanceRow:
    worker: User
    working_days: int
    leave_days: int
    present_days: int

    @property
    def absent_days(self) -> int:
        return max(self.working_days - self.leave_days - self.present_days, 0)

    @property
    def rate(self) -> float | None:
        due = self.working_days - self.leave_days
        return round(self.present_days / due, 3) if due > 0 else None


def attendance_month(user: User, node: Node, year: int, month: int) -> list[AttendanceRow]:
    """Each worker's month: working days up to today, days on leave among them, days with a
    start of duty on a working day not on leave (from the check-ins, or from the daily table
    once they are past their retention)."""
    first, last = month_range(year, month)
    last = min(last, timezone.localdate())
    workers = workers_under(user, node)
    if last < first:
        return [AttendanceRow(w, 0, 0, 0) for w in workers]
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    working = {d for d in days if is_working_day(d)}
    leave = leave_days_of([w.pk for w in workers], first, last)
    start, _end = day_bounds(first)
    _start, end = day_bounds(last)
    starts: dict[int, set[date]] = {}
    for user_id, at in (
        checkins_visible(user)
        .filter(user__in=workers, duty=Duty.START, at__gte=start, at__lt=end)
        .values_list("user_id", "at")
    ):
        starts.setdefault(user_id, set()).add(timezone.localdate(at))
    # Check-ins are deleted after their retention (command's sweep); the days they proved
    # stay in the daily table, built before they go.
    for user_id, day in (
        FieldDaily.objects.visible_to(scope_of(user))
        .filter(worker__in=workers, day__range=(first, last), present=True)
        .values_list("worker_id", "day")
    ):
        starts.setdefault(user_id, set()).add(day)
    out = []
    for worker in workers:
        off = leave.get(worker.pk, set()) & working
        present = (starts.get(worker.pk, set()) & working) - off
        out.append(AttendanceRow(worker, len(working), len(off), len(present)))
    return out


def logs_missing(user: User, node: Node, day: date) -> list[User]:
    """The grid workers of the node who have not submitted the day's log (leave excused)."""
    workers = workers_under(user, node)
    done = set(
        WorkLog.objects.visible_to(scope_of(user))
        .filter(day=day, submitted_at__isnull=False, worker__in=workers)
        .values_list("worker_id", flat=True)
    )
    away = leave_days_of([w.pk for w in workers], day, day)
    return [w for w in workers if w.pk not in done and day not in away.get(w.pk, set())]


def worklog_of(user: User, day: date) -> WorkLog | None:
    return WorkLog.objects.visible_to(scope_of(user)).filter(worker=user, day=day).first()


@dataclass(frozen=True)
class CompletenessRow:
    worker: User
    due: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return round(self.submitted / self.due, 3) if self.due else None


def log_completeness(user: User, node: Node, year: int, month: int) -> list[CompletenessRow]:
    """Logs submitted out of working days not on leave, per worker, for the month so far."""
    first, last = month_range(year, month)
    last = min(last, timezone.localdate())
    workers = workers_under(user, node)
    working = {
        first + timedelta(days=i)
        for i in range(max((last - first).days + 1, 0))
        if is_working_day(first + timedelta(days=i))
    }
    leave = leave_days_of([w.pk for w in workers], first, last)
    logged: dict[int, set[date]] = {}
    for worker_id, day in (
        WorkLog.objects.visible_to(scope_of(user))
        .filter(worker__in=workers, day__gte=first, day__lte=last, submitted_at__isnull=False)
        .values_list("worker_id", "day")
    ):
        logged.setdefault(worker_id, set()).add(day)
    out = []
    for worker in workers:
        due = working - leave.get(worker.pk, set())
        out.append(CompletenessRow(worker, len(due), len(logged.get(worker.pk, set()) & due)))
    return out


@dataclass(frozen=True)
class CoverageRow:
    grid: Node
    planned: int
    done: int
    points_planned: int
    points_checked: int

    @property
    def share(self) -> float | None:
        return round(self.done / self.planned, 3) if self.planned else None

    @property
    def points_share(self) -> float | None:
        return round(self.points_checked / self.points_planned, 3) if self.points_planned else None


def grids_under(user: User, node: Node) -> QuerySet[Node]:
    """The grids under a node the caller has read through their scope (area_get)."""
    return (
        Node.objects.visible_to(scope_of(user))
        .filter(level=Level.GRID, pk__in=Node.objects.visible_to(Scope.under(node)).values("pk"))
        .order_by("code")
    )


def patrol_coverage(user: User, node: Node, first: date, last: date) -> list[CoverageRow]:
    """Per grid under the node: patrol tasks due in [first, last], those walked to their end,
    and the plans' points against the distinct points checked on those patrols."""
    start, _e = day_bounds(first)
    _s, end = day_bounds(last)
    grids = list(grids_under(user, node))
    tasks = list(
        tasks_visible(user)
        .filter(kind=PATROL, due_at__gte=start, due_at__lt=end, grid__in=grids)
        .exclude(status=Status.CANCELLED)
        .values_list("pk", "grid_id", "target_id")
    )
    ids = [pk for pk, _g, _t in tasks]
    walked = set(
        patrols_visible(user)
        .filter(task_id__in=ids, ended_at__isnull=False)
        .values_list("task_id", flat=True)
    )
    checked = dict(
        PatrolCheck.objects.filter(patrol__in=patrols_visible(user).filter(task_id__in=ids))
        .exclude(point=None)
        .order_by()
        .values("patrol__task_id")
        .annotate(n=Count("point", distinct=True))
        .values_list("patrol__task_id", "n")
    )
    sizes = dict(
        PatrolPoint.objects.filter(plan__in=patrol_plans_visible(user))
        .filter(plan_id__in={t for _p, _g, t in tasks})
        .order_by()
        .values("plan_id")
        .annotate(n=Count("id"))
        .values_list("plan_id", "n")
    )
    totals: dict[int, list[int]] = {}
    for pk, grid_id, plan_id in tasks:
        row = totals.setdefault(grid_id, [0, 0, 0, 0])
        row[0] += 1
        row[1] += int(pk in walked)
        row[2] += sizes.get(plan_id or 0, 0)
        row[3] += checked.get(pk, 0)
    return [CoverageRow(g, *totals[g.pk]) for g in grids if g.pk in totals]


def service_counts(
    user: User, node: Node, first: date, last: date
) -> dict[str, list[tuple[str, int]]]:
    """Services given in [first, last] under the node, counted per worker and per grid."""
    start, _e = day_bounds(first)
    _s, end = day_bounds(last)
    rows = services_visible(user).filter(
        grid__in=grids_under(user, node), at__gte=start, at__lt=end
    )
    per_worker = [
        (str(r["worker__first_name"] or r["worker__username"]), r["n"])
        for r in rows.order_by()
        .values("worker__username", "worker__first_name")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]
    per_grid = [
        (str(r["grid__name"]), r["n"])
        for r in rows.order_by().values("grid__name").annotate(n=Count("id")).order_by("-n")
    ]
    return {"worker": per_worker, "grid": per_grid}


FIGURE_COLUMNS = (
    "patrols_planned",
    "patrols_done",
    "points_planned",
    "points_checked",
    "visits_due",
    "visits_done",
    "tasks_due",
    "tasks_done_on_time",
    "services",
    "findings",
)


def field_figures(user: User, node: Node, first: date, last: date) -> dict[str, int | float | None]:
    """The daily table summed under a node for [first, last], with the rates of
    docs/indicators.md (issue 13)."""
    rows = FieldDaily.objects.visible_to(scope_of(user)).filter(
        pk__in=FieldDaily.objects.visible_to(Scope.under(node)).values("pk"),
        day__gte=first,
        day__lte=last,
    )
    due = Q(working_day=True, on_leave=False)
    sums = rows.aggregate(
        **{c: Sum(c) for c in FIGURE_COLUMNS},
        duty_days=Count("id", filter=due),
        present_days=Count("id", filter=due & Q(present=True)),
        logs_submitted=Count("id", filter=due & Q(log_submitted=True)),
    )
    figures: dict[str, int | float | None] = {k: v or 0 for k, v in sums.items()}

    def ratio(a: str, b: str) -> float | None:
        top, bottom = figures[a] or 0, figures[b] or 0
        return round(top / bottom, 3) if bottom else None

    figures["patrol_coverage"] = ratio("patrols_done", "patrols_planned")
    figures["point_coverage"] = ratio("points_checked", "points_planned")
    figures["attendance_rate"] = ratio("present_days", "duty_days")
    figures["log_completeness"] = ratio("logs_submitted", "duty_days")
    figures["visit_completion"] = ratio("visits_done", "visits_due")
    figures["on_time_rate"] = ratio("tasks_done_on_time", "tasks_due")
    return figures
