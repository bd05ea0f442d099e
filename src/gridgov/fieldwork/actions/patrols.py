"""Patrols: a plan per grid turned into patrol tasks by the daily job, then walked on the
phone — started, checked in at points (the position at that moment only), findings filed as
events, ended with a summary, which completes the patrol task."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, ProblemList
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.events.photos import Upload
from gridgov.fieldwork.actions.tasks import (
    TaskSpec,
    check_point,
    checkin_radius_m,
    distance_m,
    end_of_working_day,
    field_task_complete,
    field_tasks_create_many,
    metres_between,
    require_assigner,
    require_doer,
)
from gridgov.fieldwork.kinds import PATROL
from gridgov.fieldwork.models import (
    FieldTask,
    Patrol,
    PatrolCheck,
    PatrolPlan,
    PatrolPoint,
    TargetKind,
)
from gridgov.fieldwork.workflow import Status
from gridgov.jurisdiction.models import Level, Node
from gridgov.worktime.calendar import is_working_day

if TYPE_CHECKING:
    from gridgov.accounts.models import User

MAX_POINTS = 30
NAME_MAX = 100


def point_radius_m() -> int:
    """How close to a patrol point a check-in counts as that point's."""
    return int(getattr(settings, "GRIDGOV_PATROL_POINT_RADIUS_M", 150))


@dataclass(frozen=True)
class PointIn:
    name: str
    lon: float
    lat: float


def _check_points(grid: Node, points: Sequence[PointIn], problems: ProblemList) -> None:
    if len(points) > MAX_POINTS:
        problems.add(
            "too_many_points",
            _("A plan has at most %(n)d points.") % {"n": MAX_POINTS},
            field="points",
        )
        return
    for index, point in enumerate(points):
        if not point.name.strip() or len(point.name) > NAME_MAX:
            problems.add(
                "bad_name",
                _("Name each point (up to 100 characters)."),
                field="points",
                index=index,
            )
        where = ProblemList()
        check_point(point.lon, point.lat, where)
        if where:
            problems.problems += [replace(p, index=index) for p in where.problems]
        elif distance_m(grid, point.lon, point.lat) > checkin_radius_m():
            problems.add(
                "point_outside_grid",
                _("The point lies outside the grid."),
                field="points",
                index=index,
                item=point.name,
            )


@transaction.atomic
def patrol_plan_save(
    *,
    actor: User,
    grid: Node,
    name: str,
    every_days: int,
    points: Sequence[PointIn],
    starts_on: date | None = None,
    working_days_only: bool = True,
    plan: PatrolPlan | None = None,
) -> PatrolPlan:
    """A new plan, or a plan's new terms; its points are replaced whole. Patrols already
    generated keep the terms they were generated with."""
    require_assigner(actor, grid)
    problems = ProblemList()
    if grid.level != Level.GRID:
        problems.add("not_a_grid", _("A patrol plan is for a grid."), field="grid")
    if not name.strip() or len(name) > NAME_MAX:
        problems.add("bad_name", _("Name the plan (up to 100 characters)."), field="name")
    if isinstance(every_days, bool) or not isinstance(every_days, int) or not 1 <= every_days <= 31:
        problems.add("bad_interval", _("Patrol every 1 to 31 days."), field="every_days")
    _check_points(grid, points, problems)
    problems.raise_if_any(_("The patrol plan cannot be saved."))
    now = timezone.now()
    if plan is None:
        plan = PatrolPlan(grid=grid, created_by=actor, created_at=now)
    elif plan.grid_id != grid.pk:
        raise Conflict(_("A plan stays with its grid."), code="plan_grid_fixed")
    plan.name = name.strip()
    plan.every_days = every_days
    plan.working_days_only = working_days_only
    plan.starts_on = starts_on or timezone.localdate()
    plan.active = True
    plan.save()
    plan.points.all().delete()
    PatrolPoint.objects.bulk_create(
        PatrolPoint(plan=plan, order=i, name=p.name.strip(), lon=p.lon, lat=p.lat)
        for i, p in enumerate(points, start=1)
    )
    audit_record(
        actor=actor,
        action="fieldwork.patrol_plan_save",
        target=plan,
        detail={"grid": grid.code, "every_days": every_days, "points": len(points)},
    )
    return plan


def plan_due_on(plan: PatrolPlan, day: date) -> bool:
    if not plan.active or day < plan.starts_on:
        return False
    if plan.working_days_only and not is_working_day(day):
        return False
    return (day - plan.starts_on).days % plan.every_days == 0


def patrol_source_key(plan_id: int, day: date) -> str:
    return f"patrol:{plan_id}:{day.isoformat()}"


def _patrol_specs(day: date) -> Iterator[TaskSpec]:
    due = end_of_working_day(day)
    plans = PatrolPlan.objects.unscoped().filter(active=True, starts_on__lte=day)
    for plan in plans.select_related("grid").order_by("pk"):
        if plan_due_on(plan, day):
            yield TaskSpec(
                kind=PATROL,
                title=str(_("Patrol: %(plan)s") % {"plan": plan.name}),
                grid_id=plan.grid_id,
                source_key=patrol_source_key(plan.pk, day),
                due_at=due,
                target_kind=TargetKind.ROUTE,
                target_id=plan.pk,
                target_label=plan.name,
                payload={"plan": plan.pk, "day": day.isoformat()},
            )


def patrol_tasks_generate(*, day: date) -> int:
    """The day's patrol tasks from every active plan due that day (the daily job); running
    it again creates none twice."""
    return field_tasks_create_many(actor=None, specs=_patrol_specs(day))


def _patrol_task(task: FieldTask) -> FieldTask:
    if task.kind != PATROL:
        raise Conflict(_("This task is not a patrol."), code="not_a_patrol")
    if task.status != Status.OPEN:
        raise Conflict(_("The task is no longer open."), code="task_closed")
    return task


@transaction.atomic
def patrol_start(*, actor: User, task: FieldTask) -> Patrol:
    task = FieldTask.objects.unscoped().select_related("grid").get(pk=task.pk)
    require_doer(actor, task)
    _patrol_task(task)
    plan_id = task.payload.get("plan") if task.target_kind == TargetKind.ROUTE else None
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                task=task,
                plan_id=plan_id,
                grid=task.grid,
                worker=actor,
                started_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict(_("This patrol has already started."), code="patrol_started") from exc
    audit_record(actor=actor, action="fieldwork.patrol_start", target=patrol)
    return patrol


def _open_patrol(actor: User, patrol: Patrol) -> Patrol:
    patrol = Patrol.objects.unscoped().select_for_update().get(pk=patrol.pk)
    if patrol.worker_id != actor.pk:
        raise PermissionDenied(
            _("This patrol is another worker's; only they may enter its results."),
            code="not_your_task",
        )
    if patrol.ended_at is not None:
        raise Conflict(_("The patrol has ended."), code="patrol_ended")
    return patrol


def _nearest_point(
    patrol: Patrol, lon: float, lat: float, point_id: int | None
) -> PatrolPoint | None:
    """The plan's point the check-in is at: the named one, which must be near, else the
    nearest one within reach; None for a check-in on the way."""
    if patrol.plan_id is None:
        if point_id is not None:
            raise InvalidInput(_("This patrol has no points."), code="unknown_point")
        return None
    points = list(PatrolPoint.objects.filter(plan_id=patrol.plan_id))
    reach = point_radius_m()
    if point_id is not None:
        named = next((p for p in points if p.pk == point_id), None)
        if named is None:
            raise InvalidInput(_("No such point on this patrol."), code="unknown_point")
        away = metres_between(named.lon, named.lat, lon, lat)
        if away > reach:
            raise InvalidInput(
                _("You are %(m)s m from %(point)s; check in at the point.")
                % {"m": away, "point": named.name},
                code="far_from_point",
            )
        return named
    near = sorted((metres_between(p.lon, p.lat, lon, lat), p.order, p) for p in points)
    return near[0][2] if near and near[0][0] <= reach else None


def _located(patrol: Patrol, lon: float, lat: float) -> None:
    problems = ProblemList()
    check_point(lon, lat, problems)
    problems.raise_if_any(_("The check-in cannot be recorded."))
    if distance_m(patrol.grid, lon, lat) > checkin_radius_m():
        raise InvalidInput(
            _("You are outside %(area)s; check in from the grid.") % {"area": patrol.grid.name},
            code="far_from_area",
        )


@transaction.atomic
def patrol_check(
    *,
    actor: User,
    patrol: Patrol,
    lon: float,
    lat: float,
    point_id: int | None = None,
    note: str = "",
) -> PatrolCheck:
    """A check-in on the patrol: at a point of the plan, or on the way with a note."""
    patrol = _open_patrol(actor, patrol)
    _located(patrol, lon, lat)
    point = _nearest_point(patrol, lon, lat, point_id)
    check = PatrolCheck.objects.create(
        patrol=patrol, point=point, at=timezone.now(), lon=lon, lat=lat, note=note.strip()[:200]
    )
    audit_record(
        actor=actor,
        action="fieldwork.patrol_check",
        target=patrol,
        detail={"point": point.name if point else ""},
    )
    return check


@transaction.atomic
def patrol_finding(
    *,
    actor: User,
    patrol: Patrol,
    category_code: str,
    description: str,
    lon: float,
    lat: float,
    extra: dict[str, Any] | None = None,
    photos: list[Upload] | None = None,
) -> Event:
    """A problem found on the patrol becomes an event of the loop in one step, and a check-in
    of the patrol where it was found, linked to the event."""
    patrol = _open_patrol(actor, patrol)
    _located(patrol, lon, lat)
    event = event_report(
        actor=actor,
        category_code=category_code,
        description=description,
        lon=lon,
        lat=lat,
        extra=extra,
        photos=photos,
    )
    PatrolCheck.objects.create(
        patrol=patrol,
        point=_nearest_point(patrol, lon, lat, None),
        at=timezone.now(),
        lon=lon,
        lat=lat,
        note=description.strip()[:200],
        event=event,
    )
    audit_record(
        actor=actor,
        action="fieldwork.patrol_finding",
        target=patrol,
        detail={"event": event.number},
    )
    return event


def patrol_figures(patrol: Patrol) -> dict[str, int]:
    """What a patrol covered: the plan's points, those checked, the findings."""
    planned = PatrolPoint.objects.filter(plan_id=patrol.plan_id).count() if patrol.plan_id else 0
    checks = PatrolCheck.objects.filter(patrol=patrol)
    return {
        "points_planned": planned,
        "points_checked": checks.exclude(point=None).values("point").distinct().count(),
        "checks": checks.count(),
        "findings": checks.exclude(event=None).count(),
    }


@transaction.atomic
def patrol_end(*, actor: User, patrol: Patrol, summary: str, now: datetime | None = None) -> Patrol:
    """End the patrol with its summary; the patrol task is done with the patrol's figures."""
    patrol = _open_patrol(actor, patrol)
    if not summary.strip():
        raise InvalidInput(_("Sum up the patrol."), code="summary_required")
    patrol.ended_at = now or timezone.now()
    patrol.summary = summary.strip()
    patrol.save(update_fields=["ended_at", "summary"])
    last = PatrolCheck.objects.filter(patrol=patrol).order_by("-at", "-id").first()
    field_task_complete(
        actor=actor,
        task=patrol.task,
        result=patrol_figures(patrol),
        note=patrol.summary,
        lon=last.lon if last else None,
        lat=last.lat if last else None,
    )
    audit_record(actor=actor, action="fieldwork.patrol_end", target=patrol)
    return patrol
