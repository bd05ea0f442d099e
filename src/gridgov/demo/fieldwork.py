"""The demo's field work: a year of the demo grid worker's days ending today, and the last
weeks of every other grid worker's in the demo district — duty check-ins, a daily patrol of
the grid's points walked to the end, the log submitted most days, services given, leave
taken, monthly care visits to three residents — written in bulk like the event history,
then today's tasks made through the actions (the day's patrol, the visits due, a task the
community assigns by hand) and the daily table rebuilt for the year, a month at a time.

The demo login `gw` is the worker of one grid; every other grid of the district gets an
account of its own (`gw-<grid code>`, named after the grid's full-time worker, no password:
nobody signs in with it), which the demo's reset parks as it parks the demo logins."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

import shapely
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.scope import Scope
from gridgov.demo import names as demo_names
from gridgov.events.actions.intake import mask_name
from gridgov.fieldwork.actions import field_task_create
from gridgov.fieldwork.actions.daily import fieldwork_daily
from gridgov.fieldwork.actions.figures import field_daily_rebuild_range
from gridgov.fieldwork.actions.patrols import PointIn, patrol_plan_save, patrol_source_key
from gridgov.fieldwork.actions.tasks import end_of_working_day
from gridgov.fieldwork.actions.visits import care_plan_save, person_label, visit_source_key
from gridgov.fieldwork.kinds import ASSIGNED, PATROL, VISIT
from gridgov.fieldwork.models import (
    CareCategory,
    CarePlan,
    CheckIn,
    Duty,
    FieldTask,
    FieldTaskTransition,
    Leave,
    LeaveKind,
    Patrol,
    PatrolCheck,
    PatrolPlan,
    PatrolPoint,
    ServiceEntry,
    ServiceKind,
    ServiceOutcome,
    TargetKind,
    Visit,
    WorkLog,
)
from gridgov.fieldwork.workflow import Command, Status
from gridgov.jurisdiction.models import Level, Node
from gridgov.registry.models import Person
from gridgov.staffing.models import StaffKind, StaffMember
from gridgov.worktime.calendar import is_working_day

POINT_NAMES = ("小区东门", "3号楼楼道", "菜市场入口", "社区广场", "河道护栏")
SUMMARIES = ("点位正常，无异常情况。", "楼道堆物已劝导清理。", "发现共享单车乱停，已整理。")
CHECK_NOTES = ("正常", "已提醒商户门前三包", "路灯不亮，已记录")
SERVICE_NAMES = ("张", "李", "王", "刘", "陈", "杨", "赵", "黄", "周", "吴")
LOG_NOTES = ("完成日常巡查，走访住户。", "巡查发现问题已上报。", "协助居民办理居住证。")
SITUATIONS = ("老人身体尚可，生活能自理。", "家中整洁，子女每周探望。", "需要协助申请助餐服务。")
CARE = (CareCategory.ELDERLY_ALONE, CareCategory.DISABILITY, CareCategory.HARDSHIP)
VISIT_DAYS = 30
M = TypeVar("M", bound=models.Model)


def _at(day: date, hour: float) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min)) + timedelta(hours=hour)


def _points(rng: random.Random, grid: Node, n: int) -> list[tuple[float, float]]:
    """Points inside the grid, drawn in its bounding box and kept when inside."""
    shape = grid.geometry
    x0, y0, x1, y1 = shapely.bounds(shape)
    out: list[tuple[float, float]] = []
    while len(out) < n:
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if shapely.contains_xy(shape, x, y):
            out.append((round(x, 6), round(y, 6)))
    return out


@dataclass
class _Rows:
    """What the year writes, gathered and inserted table by table."""

    tasks: list[FieldTask] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    logs: list[WorkLog] = field(default_factory=list)
    services: list[ServiceEntry] = field(default_factory=list)
    # Per patrol task (by source key): its start, its checks and its end.
    walks: dict[str, tuple[datetime, list[PatrolCheck], datetime, str]] = field(
        default_factory=dict
    )
    visits: dict[str, Visit] = field(default_factory=dict)


FIELD_ACCOUNT_PREFIX = "gw-"
# Days of field work seeded for the district's other grid workers (a year for `gw`).
OTHERS_DAYS = 45


def field_accounts(gw: User) -> list[User]:
    """An active grid worker's account on every other grid of gw's district: made in bulk,
    or put back on its grid after a reset parked it."""
    if gw.node is None:
        return []
    grids = list(
        Node.objects.visible_to(Scope.within(gw.node.code[:6]))
        .filter(level=Level.GRID)
        .exclude(pk=gw.node.pk)
        .order_by("code")
    )
    names = dict(
        StaffMember.objects.filter(kind=StaffKind.FULL_TIME, grids__in=grids)
        .order_by("pk")
        .values_list("grids", "name")
    )
    known = {u.username: u for u in User.objects.filter(username__startswith=FIELD_ACCOUNT_PREFIX)}
    fresh, moved = [], []
    for grid in grids:
        username = f"{FIELD_ACCOUNT_PREFIX}{grid.code}"
        name = names.get(grid.pk) or demo_names.person(random.Random(username))  # noqa: S311
        user = known.get(username)
        if user is None:
            fresh.append(
                User(
                    username=username,
                    password=make_password(None),
                    role=Role.GRID_WORKER,
                    node=grid,
                    display_name=name,
                )
            )
        else:
            user.node, user.is_active, user.display_name = grid, True, name
            moved.append(user)
    _insert(User, fresh)
    _update(User, moved, ["node", "is_active", "display_name"])
    return list(
        User.objects.filter(username__startswith=FIELD_ACCOUNT_PREFIX, is_active=True)
        .select_related("node")
        .order_by("username")
    )


def fieldwork_seed(*, seed: int, until: datetime) -> int:
    """The year of field work for the demo grid worker and the last weeks for every other
    grid worker of the demo district; returns the rows written."""
    rng = random.Random(seed)  # noqa: S311 — demo data, not secrets
    office, gw = User.objects.get(username="cs"), User.objects.get(username="gw")
    district = User.objects.get(username="dc")
    if gw.node is None:
        return 0
    today = timezone.localdate(until)
    first = today - timedelta(days=365)
    # The other workers' last weeks fill the district's desks (attendance, figures, the
    # commander's field work); a year for each of them would double the seed's time.
    written = _worker_year(rng, office, gw, first, today)
    for worker in field_accounts(gw):
        written += _worker_year(rng, district, worker, today - timedelta(days=OTHERS_DAYS), today)
    # Today, through the actions: the day's patrols and due visits, and a task by hand.
    fieldwork_daily(day=today)
    field_task_create(
        actor=office,
        kind=ASSIGNED,
        title="核查5号楼新增租户",
        note="物业反映5号楼有新入住租户，请上门核实登记。",
        grid=gw.node,
        assignee=gw,
        source_key="demo:assigned:1",
    )
    month = first
    while month <= today:
        last = min(_month_end(month), today)
        written += field_daily_rebuild_range(first=month, last=last)
        month = last + timedelta(days=1)
    return written


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _worker_year(rng: random.Random, office: User, worker: User, first: date, today: date) -> int:
    """One worker's year on their grid, its plans saved through the actions by `office`."""
    grid = worker.node
    if grid is None:
        return 0
    spots = _points(rng, grid, len(POINT_NAMES) + 3)
    plan = patrol_plan_save(
        actor=office,
        grid=grid,
        name="日常巡查",
        every_days=1,
        points=[PointIn(n, lon, lat) for n, (lon, lat) in zip(POINT_NAMES, spots, strict=False)],
        starts_on=first,
    )
    points = list(plan.points.order_by("order"))
    people = list(Person.objects.unscoped().filter(grid=grid, moved_out=None).order_by("pk")[:3])
    plans = [
        care_plan_save(actor=office, person=p, category=c, every_days=VISIT_DAYS, first_due=first)
        for p, c in zip(people, CARE, strict=False)
    ]
    leave = _leave(office, worker, today - timedelta(days=150 + rng.randrange(0, 60)))
    rows = _Rows()
    day = first
    while day < today:
        if is_working_day(day) and not leave.first_day <= day <= leave.last_day:
            _day(rng, rows, day, worker, grid, plan, points, spots)
        day += timedelta(days=1)
    next_due = [_visits(rng, rows, care, worker, today) for care in plans]
    written = _write(rows, worker, grid, plan.pk)
    for care, due in zip(plans, next_due, strict=True):
        care_plan_save(
            actor=office,
            person=care.person,
            category=care.category,
            every_days=VISIT_DAYS,
            first_due=due,
        )
    return written


def _leave(office: User, worker: User, first: date) -> Leave:
    [leave] = _insert(
        Leave,
        [
            Leave(
                worker=worker,
                kind=LeaveKind.ANNUAL,
                first_day=first,
                last_day=first + timedelta(days=4),
                note="年休假",
                entered_by=office,
                entered_at=_at(first - timedelta(days=7), 10),
            )
        ],
    )
    return leave


def _day(
    rng: random.Random,
    rows: _Rows,
    day: date,
    worker: User,
    grid: Node,
    plan: PatrolPlan,
    points: list[PatrolPoint],
    spots: list[tuple[float, float]],
) -> None:
    here = spots[-1]
    start = _at(day, 8.3 + rng.random() * 0.4)
    rows.checkins.append(
        CheckIn(user=worker, node=grid, duty=Duty.START, at=start, lon=here[0], lat=here[1])
    )
    rows.checkins.append(
        CheckIn(
            user=worker,
            node=grid,
            duty=Duty.END,
            at=_at(day, 17.5 + rng.random() * 0.4),
            lon=here[0],
            lat=here[1],
        )
    )
    key = patrol_source_key(plan.pk, day)
    walked = rng.random() < 0.93
    begin = _at(day, 9 + rng.random())
    checks = []
    if walked:
        cursor = begin
        for point in points:
            if rng.random() < 0.92:
                cursor += timedelta(minutes=8 + rng.random() * 10)
                checks.append(
                    PatrolCheck(
                        point=point,
                        at=cursor,
                        lon=point.lon,
                        lat=point.lat,
                        note=rng.choice(CHECK_NOTES),
                    )
                )
        end = cursor + timedelta(minutes=10)
        rows.walks[key] = (begin, checks, end, rng.choice(SUMMARIES))
    rows.tasks.append(
        FieldTask(
            kind=PATROL,
            title=f"巡查：{plan.name}",
            grid=grid,
            target_kind=TargetKind.ROUTE,
            target_id=plan.pk,
            target_label=plan.name,
            due_at=end_of_working_day(day),
            status=Status.DONE if walked else Status.MISSED,
            version=2,
            source_key=key,
            payload={"plan": plan.pk, "day": day.isoformat()},
            created_at=_at(day, 0.5),
            done_at=rows.walks[key][2] if walked else None,
            missed_at=None if walked else _at(day + timedelta(days=1), 0.5),
            done_by=worker if walked else None,
            result={"points_planned": len(points), "points_checked": len(checks)} if walked else {},
        )
    )
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        rows.services.append(
            ServiceEntry(
                worker=worker,
                grid=grid,
                kind=rng.choice(ServiceKind.values),
                person_label=mask_name(rng.choice(SERVICE_NAMES) + "某某"),
                at=_at(day, 10 + rng.random() * 6),
                outcome=rng.choice(
                    (ServiceOutcome.DONE, ServiceOutcome.DONE, ServiceOutcome.REFERRED)
                ),
            )
        )
    if rng.random() < 0.9:
        rows.logs.append(
            WorkLog(
                worker=worker,
                node=grid,
                day=day,
                figures={"patrols": int(walked), "patrol_checks": len(checks)},
                notes=rng.choice(LOG_NOTES),
                submitted_at=_at(day, 17.6 + rng.random() * 0.3),
            )
        )


def _visits(rng: random.Random, rows: _Rows, care: CarePlan, worker: User, today: date) -> date:
    """A visit every 30 days from the plan's first due day; returns when it falls due next."""
    due = care.next_due
    while due < today - timedelta(days=2):
        done = due + timedelta(days=rng.randrange(0, 3))
        at = _at(done, 14 + rng.random() * 2)
        key = visit_source_key(care.pk, due)
        rows.tasks.append(
            FieldTask(
                kind=VISIT,
                title=f"走访{person_label(care.person)}（{care.get_category_display()}）",
                grid=care.grid,
                target_kind=TargetKind.PERSON,
                target_id=care.person_id,
                target_label=person_label(care.person),
                due_at=end_of_working_day(due),
                status=Status.DONE,
                version=2,
                source_key=key,
                payload={"plan": care.pk},
                created_at=_at(due, 0.5),
                done_at=at,
                done_by=worker,
                result={"met": True, "follow_up_days": None},
            )
        )
        rows.visits[key] = Visit(
            plan=care,
            person=care.person,
            grid=care.grid,
            visitor=worker,
            at=at,
            situation=rng.choice(SITUATIONS),
        )
        due += timedelta(days=VISIT_DAYS)
    return due


def _insert(model: type[M], rows: Iterable[M]) -> list[M]:
    return model._default_manager.bulk_create(rows)


def _update(model: type[M], rows: list[M], fields: list[str]) -> int:
    return model._default_manager.bulk_update(rows, fields)


def _write(rows: _Rows, worker: User, grid: Node, plan_id: int) -> int:
    _insert(FieldTask, rows.tasks)
    tasks = dict(
        FieldTask.objects.unscoped()
        .filter(source_key__in=[t.source_key for t in rows.tasks])
        .values_list("source_key", "pk")
    )
    _insert(
        FieldTaskTransition,
        [
            FieldTaskTransition(
                task_id=tasks[t.source_key],
                from_status=Status.OPEN,
                to_status=Status.DONE if t.done_at else Status.MISSED,
                command=Command.COMPLETE if t.done_at else Command.EXPIRE,
                actor=worker if t.done_at else None,
                at=at,
            )
            for t in rows.tasks
            if (at := t.done_at or t.missed_at) is not None
        ],
    )
    patrols = _insert(
        Patrol,
        [
            Patrol(
                task_id=tasks[key],
                plan_id=plan_id,
                grid=grid,
                worker=worker,
                started_at=begin,
                ended_at=end,
                summary=summary,
            )
            for key, (begin, _c, end, summary) in rows.walks.items()
        ],
    )
    by_task = {
        pk: patrol_id
        for pk, patrol_id in Patrol.objects.unscoped()
        .filter(task_id__in=[tasks[k] for k in rows.walks])
        .values_list("task_id", "pk")
    }
    checks = []
    for key, (_b, walk, _e, _s) in rows.walks.items():
        for check in walk:
            check.patrol_id = by_task[tasks[key]]
            checks.append(check)
    _insert(PatrolCheck, checks)
    for key, visit in rows.visits.items():
        visit.task_id = tasks[key]
    _insert(Visit, rows.visits.values())
    _insert(CheckIn, rows.checkins)
    _insert(WorkLog, rows.logs)
    _insert(ServiceEntry, rows.services)
    return (
        len(rows.tasks)
        + len(patrols)
        + len(checks)
        + len(rows.visits)
        + len(rows.checkins)
        + len(rows.logs)
        + len(rows.services)
    )
